"""Filled documents in, records out: parsing (with the checks when asked), and reading a record from
either a JSON record or a filled document (the one source detection of pre-filling)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from extractor import ParseResult, parse_bytes
from extractor.errors import UnsupportedFile
from extractor.settings import DEFAULT_LIMITS, Limits, Progress
from forms.model import FormDef
from forms.records import LoadedRecord
from service.workflows.records import decode_record

if TYPE_CHECKING:
    from extractor.scan import PageSource


def parse(
    data: bytes,
    filename: str,
    *,
    form: str | None = None,
    checks: bool = False,
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> ParseResult:
    """A filled form's record, problems and provenance (``form`` None: told from the document); with
    ``checks`` the regulation's check report too, the values the reader could not use counted under V-TYPE.
    ``progress(n, N)`` is told as a scan's n-th of N pages begins to be recognised; ``page_source``
    recognises them (``service.workflows.page_pool`` in parallel; in turn when None)."""
    result = parse_bytes(data, filename, form=form, limits=limits, progress=progress, page_source=page_source)
    if checks:
        from forms.checks import run_checks  # the rules load only when asked for (a fast `itbforms parse`)

        load_problems = [p for p in result.problems if p.field]
        result.checks = run_checks(result.record, result.definition, load_problems=load_problems)
    return result


def uncertain_crops(data: bytes, result: ParseResult) -> dict[str, bytes]:
    """Field path → a PNG of the scan where each uncertain recognised value was read (``extractor.crops``);
    empty for a file without such values."""
    if not any(p.code == "ocr_uncertain" for p in result.problems):
        return {}
    from extractor.crops import uncertain_crops as crop  # pdfium only when a scan has uncertain values

    return crop(data, result.problems, result.provenance)


def read_source(
    data: bytes,
    filename: str,
    *,
    max_record_bytes: int,
    form: FormDef | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> LoadedRecord:
    """A record from a JSON record or from a filled document (Word, PDF, Excel …), told apart by the
    bytes: JSON begins with ``{`` or ``[`` (RTF's ``{\\rtf`` is a document), failing that a ``.json`` name.
    ``form`` is the form expected (None: the source's own)."""
    if _is_json(data, filename):
        return decode_record(data, max_bytes=max_record_bytes, form=form, source=filename)
    form_id = form.id if isinstance(form, FormDef) else form
    try:
        parsed = parse(data, filename, form=form_id, limits=limits)
    except UnsupportedFile as exc:  # the sources this function takes are the documents and a JSON record
        if "请上传" not in exc.reason:
            raise
        raise UnsupportedFile(exc.file, f"{exc.reason}，或 JSON 记录（.json）", english=exc.english) from None
    return LoadedRecord(parsed.definition, parsed.record, parsed.problems)


def _is_json(data: bytes, filename: str) -> bool:
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    return (head[:1] in (b"{", b"[") and head != b"{\\rtf") or filename.lower().endswith(".json")
