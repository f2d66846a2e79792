"""One file of a bundle: what became of it (``FileOutcome``) and the parsing that decides it, which never
raises so that one bad file never fails the bundle (the process pool runs ``parse_entry``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor import parse_bytes
from extractor.errors import PagesPending, UnreadableFile, UnsupportedFile
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.sniff import sniff
from forms.errors import FormsError
from forms.problems import Problem

if TYPE_CHECKING:
    from extractor.scan import PageSource

#: File states, as the job API shows them.
FILE_STATES = {
    "queued": "排队中",
    "parsed": "已解析",
    "not_form": "不是表单",
    "unreadable": "无法读取",
    "other_form": "不是申报书",
    "failed": "解析出错",
    "refused": "已拒绝",
    "skipped": "已跳过",
}


@dataclass
class FileOutcome:
    """What became of one file of the bundle. ``record`` is the typed record when ``status == "parsed"``."""

    index: int
    name: str
    folder: str = ""
    size: int = 0
    status: str = "queued"
    kind: str | None = None
    reason: str | None = None
    form: str | None = None
    record: dict[str, dict[str, Any]] | None = None
    problems: list[Problem] = field(default_factory=list)
    unit: int | None = None  # seq of the unit the file was assigned to
    role: str | None = None  # "primary" (the record comes from it) or "compared"
    seals: list[dict[str, Any]] | None = None  # a PDF's red seals (``extractor.seals``), None for other files

    @property
    def failed(self) -> bool:
        return self.status not in ("parsed", "queued", "skipped")

    def state(self) -> dict[str, Any]:
        """The short form the job API shows while a bundle is being screened."""
        return {
            "index": self.index,
            "name": self.name,
            "status": self.status,
            "status_label": FILE_STATES.get(self.status, self.status),
            "reason": self.reason,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.state(),
            "folder": self.folder,
            "size": self.size,
            "kind": self.kind,
            "form": self.form,
            "unit": self.unit,
            "role": self.role,
        }


def parse_entry(
    index: int,
    name: str,
    folder: str,
    data: bytes,
    limits: Limits = DEFAULT_LIMITS,
    page_source: PageSource | None = None,
) -> FileOutcome:
    """Parse one file of a bundle within ``limits`` (a scan's pages recognised by ``page_source``); never
    raises (the process pool runs this), but for ``PagesPending``: that file is to be read again later."""
    outcome = FileOutcome(index, name, folder, len(data))
    try:
        outcome.kind = sniff(data, name)
        result = parse_bytes(data, name, limits=limits, page_source=page_source)
        outcome.kind = result.kind or outcome.kind
    except UnsupportedFile as exc:
        outcome.status, outcome.reason = "not_form", exc.reason
        return outcome
    except UnreadableFile as exc:
        outcome.status, outcome.reason = "unreadable", exc.reason
        return outcome
    except FormsError as exc:  # a legacy file LibreOffice could not convert, …
        outcome.status, outcome.reason = "unreadable", str(exc)
        return outcome
    except PagesPending:
        raise
    except Exception as exc:  # noqa: BLE001  (one bad file must never fail the bundle)
        outcome.status = "failed"
        outcome.reason = f"解析时发生内部错误（{type(exc).__name__}），请单独上传此文件核对"
        return outcome
    form = result.form
    outcome.form = form if isinstance(form, str) else form.id
    outcome.problems = list(result.problems)
    outcome.seals = result.seals
    outcome.status = "parsed"  # an annual report (annex2) too: service.bundles.annual screens those
    outcome.record = result.record
    return outcome
