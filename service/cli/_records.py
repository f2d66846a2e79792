"""Reading the files the commands are given (the application layer takes bytes, not paths)."""

from __future__ import annotations

from pathlib import Path

from extractor import Limits, read_file
from forms.model import FormDef
from forms.records import LoadedRecord
from service.settings import Settings
from service.workflows import RecordTooLarge, decode_record, read_source


def record_limit() -> int:
    """The most bytes a JSON record may have: ``ITBFORMS_MAX_RECORD_KB``, as in the service."""
    return Settings.from_env().max_record_kb * 1024


def read_record_file(path: Path, form: FormDef | str | None = None) -> LoadedRecord:
    """Load a JSON record file; ``RecordError`` naming the file when it is not a readable JSON record."""
    limit = record_limit()
    size = path.stat().st_size
    if size > limit:  # refused before it is read
        raise RecordTooLarge(size, limit, source=str(path))
    return decode_record(path.read_bytes(), max_bytes=limit, form=form, source=str(path))


def read_source_file(path: Path, form: FormDef | str | None = None) -> LoadedRecord:
    """A record from a JSON record file or a filled document (``service.workflows.read_source``)."""
    limits = Limits.from_env()
    data = read_file(path, limits)
    return read_source(data, path.name, max_record_bytes=record_limit(), form=form, limits=limits)
