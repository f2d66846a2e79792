"""How much a record may hold before any work is done on it: the form's own length limits (``max_length``,
which V-LEN only warns about on a parsed form) and caps on any text and on the rows of a table.

Filling refuses a record beyond them (``RecordOverLimits``: the API's 422, the CLI's exit 2) before a
document is rendered, so a cheap request cannot buy minutes of LibreOffice. Parsing and checking keep
reading such a record and warn: what someone submitted is never lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from forms.errors import InvalidRecord
from forms.model import Field, FieldType, FormDef
from forms.problems import Problem, Severity

TEXT_TYPES = (FieldType.TEXT, FieldType.PROSE)


@dataclass(frozen=True)
class RecordLimits:
    """Caps for values the form itself does not bound (``ITBFORMS_RECORD_MAX_CHARS`` / ``_MAX_ROWS``)."""

    max_chars: int = 10_000  # one text value without a max_length of its own (about six printed pages)
    max_rows: int = 1_000  # rows of one table


DEFAULT_RECORD_LIMITS = RecordLimits()


class RecordOverLimits(InvalidRecord):
    """A record with a value longer, or a table longer, than allowed: refused before rendering."""

    lead = "记录超出限制"


def text_length(text: str) -> int:
    """Characters as 字数 counts them: everything but line breaks."""
    return sum(ch not in "\r\n" for ch in text)


def over_limits(record: Mapping[str, Any], form: FormDef, limits: RecordLimits) -> list[Problem]:
    """Every value of a typed ``record`` beyond its limit, as problems naming the field and the limit."""
    problems: list[Problem] = []
    for path, label, f, value in _values(record, form):
        if f.type is FieldType.TABLE and isinstance(value, list) and len(value) > limits.max_rows:
            params = {"label": label, "rows": len(value), "max_rows": limits.max_rows}
            problems.append(Problem("too_many_rows", Severity.ERROR, path, params=params))
        elif isinstance(value, str):
            limit = f.max_length or limits.max_chars
            length = text_length(value)
            if length > limit:
                params = {"label": label, "length": length, "max_length": limit}
                problems.append(Problem("too_long", Severity.ERROR, path, params=params))
    return problems


def enforce_limits(
    record: Mapping[str, Any], form: FormDef, limits: RecordLimits, *, source: str | None = None
) -> None:
    """``RecordOverLimits`` naming ``source`` and every value beyond its limit; nothing when within."""
    problems = over_limits(record, form, limits)
    if problems:
        raise RecordOverLimits(problems, source=source)


def _values(record: Mapping[str, Any], form: FormDef) -> Iterator[tuple[str, str, Field, Any]]:
    """(path, printed label, definition, value) of every field, table cell and ``其他`` text."""
    for section in form.sections:
        values = record.get(section.key)
        if not isinstance(values, Mapping):
            continue
        for f in section.fields:
            path, value = f"{section.key}.{f.key}", values.get(f.key)
            yield path, f.label, f, value
            if f.other_key:
                other = Field(f.other_key, f"{f.label}（其他）", FieldType.TEXT)
                yield f"{section.key}.{f.other_key}", other.label, other, values.get(f.other_key)
            if f.type is FieldType.TABLE and isinstance(value, list):
                for i, row in enumerate(value):
                    if isinstance(row, Mapping):
                        for col in f.columns:
                            label = f"{f.label}第{i + 1}行“{col.label}”"
                            yield f"{path}.{i}.{col.key}", label, col, row.get(col.key)
