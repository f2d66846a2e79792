"""The few exceptions the library raises. Each subclasses the builtin a caller would catch and carries a
message a person can act on (Chinese first, English after a slash, as the CLI prints it)."""

from __future__ import annotations

from typing import Any


class FormsError(ValueError):
    """Base class: input this project cannot use. The CLI maps it to exit code 2, the service to a 4xx."""


class SettingsError(FormsError):
    """An ``ITBFORMS_*`` environment variable whose value is not of the setting's type."""


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

    def __init__(self, problems: list[Any], *, source: str | None = None) -> None:
        self.errors = [p.to_dict() for p in problems]
        first = problems[0].message if problems else ""
        more = f"（另有 {len(problems) - 1} 处）" if len(problems) > 1 else ""
        super().__init__(f"记录中有无效的值：{first}{more}", source=source)
