"""Typed record → render context: every value formatted once, here, per Chinese conventions.

The context mirrors the record (``{section: {field: text}}``), so a template says ``{{ applicant.name }}``,
``{{ capacity.staff_total.previous }}`` or ``{%tr for row in capability.leaders %}…{{ row.name }}``. Every
value is a ``str`` (rows are dicts of ``str``): ``None`` becomes ``""`` (blank space to write in, never
``None``), dates ``2026年3月10日``, 万元 and percentages with two decimals (``1200.50``, ``78.45``), bools and
option lists as checkbox rows (``☑是 ☐否``, ``☑装备  ☐石化化工 …``). Line breaks in text are kept (the
renderer turns ``\\n`` into a Word line break); control characters that XML cannot carry are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from forms.model import OTHER_OPTION, Field, FieldType, FormDef, Section
from forms.normalize import more_than_cents
from forms.vocabulary import CHECKED, UNCHECKED

#: Between the items of a checkbox row.
OPTION_SEP = "  "
#: A top-level choice field with at most this many options prints as a checkbox row (单位性质); longer
#: lists (主要服务行业领域, one of 26) and choice columns of tables print the chosen option as text.
CHOICE_BOXES_MAX = 8
#: Blank rows a repeating table gets when the record has none (space to write in by hand).
BLANK_ROWS = 3

# XML 1.0 cannot carry C0 controls other than tab/newline; \a and \f would also be read by docxtpl as
# "new paragraph" / "page break", which a value must not be able to trigger.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def build_context(form: FormDef, record: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The render context of a typed record (``forms.records`` shape; missing sections/fields are blank)."""
    return {section.key: _section(section, record.get(section.key) or {}) for section in form.sections}


def _section(section: Section, values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in section.fields:
        value = values.get(f.key)
        other = values.get(f.other_key) if f.other_key else None
        if f.type is FieldType.TABLE:
            rows = [{c.key: format_value(c, row.get(c.key)) for c in f.columns} for row in value or ()]
            out[f.key] = rows or [dict.fromkeys((c.key for c in f.columns), "") for _ in range(BLANK_ROWS)]
        elif f.type is FieldType.METRIC:
            item = Field(f.key, f.label, f.item_type or FieldType.INT)
            halves = value if isinstance(value, Mapping) else {}
            out[f.key] = {
                "previous": format_value(item, halves.get("previous")),
                "current": format_value(item, halves.get("current")),
            }
        elif f.type is FieldType.MULTI or (f.type is FieldType.CHOICE and choice_as_boxes(f)):
            chosen = value if isinstance(value, list | tuple) else ([] if value is None else [value])
            out[f.key] = checkbox_row(f.options, chosen, other)
        else:
            out[f.key] = format_value(f, value)
    return out


def choice_as_boxes(f: Field) -> bool:
    """Whether a top-level choice field prints all its options as checkboxes (short lists) or the choice."""
    return f.type is FieldType.CHOICE and 0 < len(f.options) <= CHOICE_BOXES_MAX


def checkbox_row(options: tuple[str, ...], chosen: list[Any] | tuple[Any, ...], other: str | None) -> str:
    """``☑装备  ☐石化化工 … ☑其他（海洋装备）``: every option, the chosen ones ticked, 其他 with its text."""
    picked = {str(c) for c in chosen}
    items = []
    for option in options:
        text = option
        if option == OTHER_OPTION and other:
            text = f"{option}（{clean_text(str(other))}）"
        items.append(f"{CHECKED if option in picked else UNCHECKED}{text}")
    return OPTION_SEP.join(items)


def format_value(f: Field, value: Any) -> str:
    """One scalar value as printed on the form (``""`` for ``None``)."""
    if value is None:
        return format_bool(None) if f.type is FieldType.BOOL else ""
    t = f.type
    if t is FieldType.BOOL:
        return format_bool(bool(value))
    if t is FieldType.DATE and isinstance(value, date):
        return format_date(value)
    if t in (FieldType.WAN, FieldType.PCT):  # two places, or every place entered: never rounded on paper
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return format_decimal(number, places=None if more_than_cents(number) else 2)
    if t is FieldType.M2:
        return format_decimal(value, places=None)
    if t in (FieldType.INT, FieldType.YEAR) and not isinstance(value, bool):
        return str(int(value)) if isinstance(value, int | Decimal) else clean_text(str(value))
    return clean_text(str(value))


def format_bool(value: bool | None) -> str:
    """``☑是 ☐否`` / ``☐是 ☑否``; both empty when unknown."""
    yes = CHECKED if value is True else UNCHECKED
    no = CHECKED if value is False else UNCHECKED
    return f"{yes}是 {no}否"


def format_date(value: date) -> str:
    """``2026年3月10日`` (no leading zeros, as Chinese forms print dates)."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_decimal(value: Any, *, places: int | None) -> str:
    """A plain decimal number, no grouping: ``places`` fixed decimals, or as few as needed (``3500``)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if places is not None:
        return f"{number:.{places}f}"
    if number == number.to_integral_value():
        return f"{number.to_integral_value():f}"
    return f"{number.normalize():f}"


def clean_text(text: str) -> str:
    """User text as printed: ``\\r\\n``/``\\r`` → ``\\n``, characters XML cannot hold dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def context_keys(form: FormDef) -> set[str]:
    """Every dotted key a template of ``form`` must use, and the only ones it may use.

    ``section.field`` for a value, ``section.table`` (the loop) and ``section.table.column`` for each
    column of a repeating table, ``section.metric.previous``/``.current`` for a capacity metric.
    """
    keys: set[str] = set()
    for section in form.sections:
        for f in section.fields:
            path = f"{section.key}.{f.key}"
            if f.type is FieldType.TABLE:
                keys.add(path)
                keys.update(f"{path}.{c.key}" for c in f.columns)
            elif f.type is FieldType.METRIC:
                keys.update((f"{path}.previous", f"{path}.current"))
            else:
                keys.add(path)
    return keys
