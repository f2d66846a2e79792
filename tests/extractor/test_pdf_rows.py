"""PDF table rows come from ruling lines: text lines with no horizontal rule between them are one row, so
a value wrapped in a narrow column stays whole and its neighbours stay in its row."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from extractor import parse_bytes
from forms import ANNEX1, ANNEX2
from forms.model import FieldType, FormDef
from forms.records import dump_record
from tests.extractor.conftest import expected_json
from tests.extractor.pdfs import pdf_drawn
from tests.extractor.test_roundtrip import loosely

LONGER = "（含扩展内容与补充说明）"


def lengthened(form: FormDef, record: dict[str, Any]) -> dict[str, Any]:
    """The record with every text cell of every repeating table written long enough to wrap its column."""
    out = copy.deepcopy(record)
    for section in form.sections:
        for f in section.fields:
            if f.type is not FieldType.TABLE:
                continue
            for row in out[section.key][f.key]:
                for col in f.columns:
                    if col.type in (FieldType.TEXT, FieldType.PROSE) and row.get(col.key):
                        row[col.key] = (row[col.key] + LONGER) * 2
    return out


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_long_values_in_every_narrow_column_of_both_forms_come_back_in_their_rows(examples):
    from templates.render import fill_pdfs  # noqa: PLC0415

    forms = {"annex1": ANNEX1, "annex2": ANNEX2}
    records = {name: lengthened(forms[name], expected_json(examples[name])) for name in forms}
    printed = fill_pdfs(list(records.items()))
    for (name, record), pdf in zip(records.items(), printed, strict=True):
        result = parse_bytes(pdf, f"{name}.pdf")
        got = dump_record(result.record, forms[name])
        assert loosely(forms[name], got) == loosely(forms[name], record), name
        assert result.problems == []


def achievements_pdf(*, rule_between: bool) -> bytes:
    """A re-typed 其他成果 table: 名称 wraps onto two lines, 时间 ``2025-06-3`` / ``0`` too; with
    ``rule_between`` a horizontal rule separates the two lines (two rows)."""
    xs = [50, 200, 280, 360, 470]
    texts = [
        (60, 740, "产业技术基础公共服务平台申报书", ""),
        (60, 712, "四、服务能力与业绩", ""),
        *((x + 4, 686, label, "") for x, label in zip(xs, ("名称", "类别", "编号", "时间"), strict=False)),
        (54, 664, "电子元器件可靠性试", ""),
        (54, 650, "验方法国家标准制定", ""),
        (204, 664, "标准", ""),
        (284, 664, "GB/T 1", ""),
        (364, 664, "2025-06-3", ""),
        (364, 650, "0", ""),
    ]
    rows = [700, 680, 640]
    if rule_between:
        rows.append(658)
    rules = [(xs[0], y, xs[-1], y) for y in rows] + [(x, 640, x, 700) for x in xs]
    return pdf_drawn(texts, rules)


def test_lines_with_no_rule_between_them_are_one_row():
    result = parse_bytes(achievements_pdf(rule_between=False), "成果.pdf", form="annex1")
    (row,) = result.record["performance"]["achievements"]
    assert row["name"] == "电子元器件可靠性试验方法国家标准制定" and row["kind"] == "标准"
    assert row["date"] == dt.date(2025, 6, 30)


def test_a_rule_between_two_lines_makes_two_rows():
    result = parse_bytes(achievements_pdf(rule_between=True), "成果.pdf", form="annex1")
    names = [r["name"] for r in result.record["performance"]["achievements"]]
    assert names == ["电子元器件可靠性试", "验方法国家标准制定"]
