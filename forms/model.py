"""The vocabulary in which both forms are written down: field types, fields, sections, forms.

Everything else (schemas, JSON Schema, templates, extractors, checks, docs) is derived from instances of
these classes, so a corrected label or a new row is an edit to ``forms/annex1.py`` or ``forms/annex2.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    """The value types of the spec (``annex1.md``, "Types")."""

    TEXT = "text"  # one line
    PROSE = "prose"  # several paragraphs, line breaks kept
    INT = "int"  # a count
    WAN = "wan"  # money in 万元, Decimal with 2 places
    PCT = "pct"  # a percentage 0–100
    M2 = "m2"  # an area in 平方米
    DATE = "date"
    YEAR = "year"
    BOOL = "bool"  # printed ☑是 ☐否
    CHOICE = "choice"  # one of ``options``
    MULTI = "multi"  # a list of ``options``
    TABLE = "table"  # repeating rows, each described by ``columns``
    METRIC = "metric"  # {"previous": …, "current": …} of type ``item_type`` (annex2 capacity table)


#: Types whose value is a number.
NUMERIC_TYPES = frozenset({FieldType.INT, FieldType.WAN, FieldType.PCT, FieldType.M2, FieldType.YEAR})

#: The option that opens a free-text sibling field ``<key>_other``.
OTHER_OPTION = "其他"


@dataclass(frozen=True)
class Field:
    """One printed field (or one column of a repeating table).

    ``label`` is the text printed on the form; ``variants`` are further spellings a parser accepts
    (spacing, punctuation and ``（盖章）``-style suffixes are folded anyway, see ``forms.labels``).
    ``context`` names the label printed before this one in the same row when ``label`` alone is
    ambiguous (two ``职务`` cells: one after ``法定代表人``, one after ``联系人``).
    ``other_key`` names the sibling text field that holds what was written after a chosen
    ``其他`` option (``nature_other``). ``signers`` (a date's) are the signature or seal labels whose block
    the date belongs to: a ``日期`` beside or under one of them is this field, whatever heading precedes.
    """

    key: str
    label: str
    type: FieldType
    required: bool = False
    unit: str | None = None
    options: tuple[str, ...] = ()
    columns: tuple[Field, ...] = ()
    item_type: FieldType | None = None
    max_length: int | None = None
    min_rows: int = 0
    required_if: str | None = None
    variants: tuple[str, ...] = ()
    context: str | None = None
    other_key: str | None = None
    note: str = ""
    signers: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The printed label followed by its accepted variants."""
        return (self.label, *self.variants)

    def column(self, key: str) -> Field:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.key} has no column {key!r}")


@dataclass(frozen=True)
class Section:
    """A part of a form: ``key`` is the record's top-level key, ``title`` the printed heading."""

    key: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"section {self.key} has no field {key!r}")


@dataclass(frozen=True)
class FormDef:
    """A whole form: its id (``annex1``/``annex2``), printed title and sections in printed order."""

    id: str
    title: str
    short_title: str
    schema_version: str
    sections: tuple[Section, ...]
    issuer: str = ""
    instructions: tuple[str, ...] = field(default=())

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"form {self.id} has no section {key!r}")

    def field(self, path: str) -> Field:
        """The field at a dotted path ``section.field`` (or ``section.table.column``)."""
        parts = path.split(".")
        if len(parts) < 2:
            raise KeyError(f"not a field path: {path!r}")
        f = self.section(parts[0]).field(parts[1])
        for part in parts[2:]:
            f = f.column(part)
        return f

    def iter_fields(self) -> Iterator[tuple[str, Field]]:
        """Every top-level field with its dotted path, in printed order."""
        for s in self.sections:
            for f in s.fields:
                yield f"{s.key}.{f.key}", f

    def required_paths(self) -> list[str]:
        return [path for path, f in self.iter_fields() if f.required]
