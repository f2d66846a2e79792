"""Values formatted once, per Chinese conventions, and a context shaped exactly like the template's keys."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from forms import ANNEX1, ANNEX2
from forms.model import Field, FieldType
from forms.records import Record, empty_record
from templates.context import BLANK_ROWS, build_context, context_keys, format_value

T = FieldType


@pytest.mark.parametrize(
    ("kind", "value", "printed"),
    [
        (T.DATE, date(2026, 3, 10), "2026年3月10日"),
        (T.DATE, date(2025, 12, 31), "2025年12月31日"),
        (T.WAN, Decimal("1200.5"), "1200.50"),
        (T.WAN, Decimal("0"), "0.00"),
        (T.WAN, Decimal("123456789.01"), "123456789.01"),
        (T.WAN, Decimal("999.995"), "999.995"),  # printed as entered: 1000.00 would pass 第六条（六）
        (T.PCT, Decimal("78.45"), "78.45"),
        (T.PCT, Decimal("75"), "75.00"),
        (T.M2, Decimal("12500"), "12500"),
        (T.M2, Decimal("12500.50"), "12500.5"),
        (T.INT, 320, "320"),
        (T.INT, 0, "0"),
        (T.YEAR, 2025, "2025"),
        (T.BOOL, True, "☑是 ☐否"),
        (T.BOOL, False, "☐是 ☑否"),
        (T.BOOL, None, "☐是 ☐否"),
        (T.TEXT, None, ""),
        (T.WAN, None, ""),
        (T.DATE, None, ""),
        (T.TEXT, "第一行\r\n第二行\r第三行", "第一行\n第二行\n第三行"),
        (T.PROSE, "响铃\a分页\f空字符\x00制表\t保留", "响铃分页空字符制表\t保留"),
    ],
)
def test_values_are_printed_per_chinese_conventions(kind: FieldType, value: Any, printed: str) -> None:
    assert format_value(Field("x", "x", kind), value) == printed


def filled(form_id: str, **sections: dict[str, Any]) -> Record:
    record = empty_record(form_id)
    for key, values in sections.items():
        record[key].update(values)
    return record


def test_multi_choice_prints_every_option_with_the_chosen_ticked_and_other_text() -> None:
    chosen = {"service_fields": ["装备", "新型储能", "其他"], "service_fields_other": "海洋装备"}
    record = filled("annex1", platform=chosen)
    row = build_context(ANNEX1, record)["platform"]["service_fields"]
    items = row.split("  ")
    assert len(items) == 26
    assert items[0] == "☑装备" and items[1] == "☐石化化工" and items[24] == "☑新型储能"
    assert items[-1] == "☑其他（海洋装备）"


def test_short_choice_prints_as_checkboxes_long_choice_as_text() -> None:
    nature = {"nature": "其他", "nature_other": "民办非企业单位"}
    record = filled("annex1", applicant=nature, platform={"main_field": "装备"})
    context = build_context(ANNEX1, record)
    assert context["applicant"]["nature"] == "☐企业  ☐事业单位  ☐社会团体  ☑其他（民办非企业单位）"
    assert context["platform"]["main_field"] == "装备"


def test_metrics_and_tables_are_formatted_by_item_and_column_type() -> None:
    record = filled(
        "annex2",
        capacity={"equipment_value": {"previous": Decimal("14900.5"), "current": None}},
        operations={"cases": [{"title": "案例", "client": None, "content": "内容", "impact": "成效"}]},
    )
    context = build_context(ANNEX2, record)
    assert context["capacity"]["equipment_value"] == {"previous": "14900.50", "current": ""}
    expected = [{"title": "案例", "client": "", "content": "内容", "impact": "成效"}]
    assert context["operations"]["cases"] == expected


def test_an_empty_table_gets_blank_rows_to_write_in() -> None:
    context = build_context(ANNEX1, empty_record("annex1"))
    rows = context["capability"]["leaders"]
    assert len(rows) == BLANK_ROWS
    assert all(set(row) == {c.key for c in ANNEX1.field("capability.leaders").columns} for row in rows)
    assert all(value == "" for row in rows for value in row.values())


def test_a_blank_record_prints_no_none() -> None:
    for form in (ANNEX1, ANNEX2):
        context = build_context(form, empty_record(form))
        assert "None" not in repr(context)


def test_missing_sections_and_fields_print_blank() -> None:
    context = build_context(ANNEX1, {"cover": {"platform_name": "某平台"}})
    assert context["cover"] == {"platform_name": "某平台", "applicant": "", "recommender": "", "date": ""}
    assert context["plan"] == {"goals": "", "measures": ""}


def dotted_keys(value: Any, prefix: str) -> set[str]:
    """The keys a context offers, as the template would address them."""
    if isinstance(value, dict):
        keys = set()
        for key, sub in value.items():
            keys |= dotted_keys(sub, f"{prefix}.{key}" if prefix else key)
        return keys
    if isinstance(value, list):
        return {prefix} | {k for row in value for k in dotted_keys(row, prefix)}
    return {prefix}


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=["annex1", "annex2"])
def test_context_offers_exactly_the_template_keys(form: Any) -> None:
    context = build_context(form, empty_record(form))
    assert all(isinstance(v, str) for v in _leaves(context))
    assert dotted_keys(context, "") == context_keys(form)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]
