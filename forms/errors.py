"""The few exceptions the library raises, in two families. Each subclasses the builtin a caller would catch
and carries a message a person can act on (Chinese first, English after a slash, as the CLI prints it).

- ``FormsError`` (a ``ValueError``): the user's input cannot be used. The service answers 4xx naming the
  file and the field, the CLI exits 2.
- ``OwnFault``: a fault of this program or of how it is set up (a template out of step with its form, the
  format table, a malformed ``ITBFORMS_*`` setting). The service answers 500 with a trace id and keeps the
  details in its log; the CLI exits 3. Nothing the user sends can repair it.
"""

from __future__ import annotations

from typing import Any


class FormsError(ValueError):
    """Base class: input this project cannot use. The CLI maps it to exit code 2, the service to a 4xx."""


class OwnFault(Exception):
    """Base class: our own fault, not the user's input. The service answers 500, the CLI exits 3."""


class UnknownForm(FormsError):
    def __init__(self, form_id: str) -> None:
        self.form_id = form_id
        super().__init__(f"未知的表单：{form_id!r}（应为 annex1 或 annex2）")


class RecordError(FormsError):
    """A record that cannot be read at all (not JSON, not an object, wrong form id)."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class InvalidRecord(RecordError):
    """A record whose values cannot all be used as given (wrong types, unknown options).

    ``errors`` holds the problems as dicts (``field``, ``code``, ``message``, ``raw``) for the API's 422.
    """

    lead = "记录中有无效的值"

    def __init__(self, problems: list[Any], *, source: str | None = None) -> None:
        self.errors = [p.to_dict() for p in problems]
        first = problems[0].message if problems else ""
        more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
        super().__init__(f"{self.lead}：{first}{more}", source=source)
