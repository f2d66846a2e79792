"""Filled forms back into records: Word (.docx/.doc/.wps), PDF and Excel (.xlsx/.xls/.et), read by label.

``parse_file`` / ``parse_bytes`` read ONE file (the application layer, ``service.workflows``, calls them
and runs the checks): its format (``extractor.formats``) is told from the file's magic bytes, the
format's reader builds the intermediate model
(``extractor.model``), ``detect_form`` tells annex1 from annex2 (``form=`` overrides), and the mapper
(``extractor.mapper``) reads the record by label. A value that cannot be read is null in the record and a
problem with its raw text; a file that cannot be used at all raises ``UnsupportedFile`` or
``UnreadableFile`` (both ``FormsError``, a ``ValueError``) naming the file and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor._zip import check_zip_directory
from extractor.errors import UnreadableFile, UnsupportedFile
from extractor.formats import is_printed
from extractor.mapper import map_document
from extractor.model import SourceDoc
from extractor.recognition import review
from extractor.settings import DEFAULT_LIMITS, Limits, Progress
from extractor.sniff import ZIP_MAGICS, sniff_format
from forms import get_form
from forms.labels import detect_form
from forms.model import FormDef
from forms.problems import Problem, Severity
from forms.records import Record, dump_record

if TYPE_CHECKING:
    from extractor.scan import PageSource

__all__ = [
    "Limits",
    "ParseResult",
    "UnreadableFile",
    "UnsupportedFile",
    "parse_bytes",
    "parse_file",
    "read_document",
    "read_file",
]


@dataclass
class ParseResult:
    """A parsed document: the typed record (``forms.records`` shape), what is wrong or unsure, where each
    value was read, and the check report when asked for."""

    form: str
    record: Record
    problems: list[Problem]
    provenance: dict[str, dict[str, Any]]
    file: str
    kind: str
    checks: Any = None  # a forms.checks.CheckReport when the caller ran the checks (service.workflows.parse)
    seals: list[dict[str, Any]] | None = None  # a PDF's red seals (``extractor.seals``); None for Word, Excel
    source: SourceDoc | None = field(default=None, repr=False)

    @property
    def definition(self) -> FormDef:
        return get_form(self.form)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``itbforms parse``: form, schema_version, record, problems, provenance (, checks)."""
        dumped = dump_record(self.record, self.form)
        out: dict[str, Any] = {
            "form": self.form,
            "schema_version": dumped["schema_version"],
            "file": self.file,
            "kind": self.kind,
            "record": dumped,
            "problems": [p.to_dict() for p in self.problems],
            "provenance": self.provenance,
        }
        if self.seals is not None:
            out["seals"] = self.seals
        if self.checks is not None:
            report = self.checks.to_dict()
            out["checks"] = report.get("results", report) if isinstance(report, dict) else report
            if isinstance(report, dict) and "verdict" in report:
                out["verdict"] = report["verdict"]
        return out


def read_document(
    data: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> SourceDoc:
    """The intermediate model of a file's bytes, read by the reader its format (``extractor.formats``,
    told from the bytes, not the name) registers; a PDF's reader tells ``progress`` the pages it
    recognises and has ``page_source`` recognise them (``extractor.scan.PageSource``)."""
    if len(data) > limits.max_file_bytes:
        raise _too_large(filename, len(data), limits)
    if data[:4] in ZIP_MAGICS:
        check_zip_directory(data, filename, limits)
    fmt = sniff_format(data, filename)
    if fmt.converts_to is not None:
        from extractor.legacy import read_legacy  # LibreOffice is only looked for when a legacy file comes

        return read_legacy(data, filename, fmt, limits)
    reader = fmt.load_reader()
    if fmt.printed and (progress is not None or page_source is not None):  # read_pdf and read_scan take them
        return reader(data, filename, limits, progress=progress, page_source=page_source)  # type: ignore[call-arg]
    return reader(data, filename, limits)


def parse_bytes(
    data: bytes,
    filename: str,
    *,
    form: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> ParseResult:
    """Parse a filled form given as bytes (``filename`` names it in messages and provenance; ``progress``
    is told the pages a scan's recognition begins, see ``extractor.settings.Progress``; ``page_source``
    recognises them, see ``extractor.scan.PageSource``). The checks are not run here: reading a file is
    this package's one job (``service.workflows.parse`` runs them)."""
    fd = get_form(form) if form else None
    doc = read_document(data, filename, limits, progress, page_source)
    hints: list[Problem] = []
    if fd is not None:  # the form chosen by hand: say so when the file looks like the other one
        found = detect_form(doc.texts(60)) or detect_form(doc.texts(600))
        if found is not None and found != fd.id:
            names = {"found": _annex_name(found), "chosen": _annex_name(fd.id)}
            hints.append(Problem("other_form", Severity.ERROR, params=names))
    if fd is None:
        detected = detect_form(doc.texts(60)) or detect_form(doc.texts(600))  # a title comes first
        if detected is None:
            raise UnsupportedFile(
                filename,
                "不是《产业技术基础公共服务平台申报书》或《年度运行情况表》（未找到表单标题或足够的栏目名称）；"
                "如确为其中之一，请用 --form annex1 或 annex2 指定",
                english="not one of the two forms",
            )
        fd = get_form(detected)
    mapped = review(doc, map_document(doc, fd))
    return ParseResult(
        form=fd.id,
        record=mapped.record,
        problems=[*hints, *doc.problems, *mapped.problems],
        provenance=mapped.provenance,
        file=filename,
        kind=doc.kind,
        source=doc,
        seals=_seals(data, doc, limits),
    )


def _annex_name(form_id: str) -> str:
    """``申报书（附件1）``: the form as the regulation's annexes name it (annex1 is 附件1, annex2 附件2)."""
    return f"{get_form(form_id).short_title}（附件{form_id.removeprefix('annex')}）"


def _seals(data: bytes, doc: SourceDoc, limits: Limits) -> list[dict[str, Any]] | None:
    """The seals of a PDF (found while a scan was recognised, else looked for now); None for other files."""
    if "seals" in doc.meta:
        return list(doc.meta["seals"])
    if not is_printed(doc.kind):
        return None
    from extractor.seals import find_seals  # pdfium and OpenCV only when a PDF comes

    return [seal.to_dict() for seal in find_seals(data, limits)]


def parse_file(
    path: Path | str,
    *,
    form: str | None = None,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParseResult:
    """Parse a filled form on disk; ``filename`` overrides the name used in messages and provenance."""
    name = filename or Path(path).name
    return parse_bytes(read_file(path, limits, filename=name), name, form=form, limits=limits)


def read_file(path: Path | str, limits: Limits = DEFAULT_LIMITS, *, filename: str | None = None) -> bytes:
    """A document's bytes; ``UnreadableFile`` before anything is read when it is over ``max_file_bytes``."""
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _too_large(filename or path.name, size, limits)
    return path.read_bytes()


def _too_large(name: str, size: int, limits: Limits) -> UnreadableFile:
    return UnreadableFile(
        name, f"文件过大（{size} 字节），超过 {limits.max_file_bytes} 字节的上限", english="file too large"
    )
