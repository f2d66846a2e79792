"""What one cell's text amounts to: one number or date per scalar cell, and the seal, signature and date
places printed around a value never part of it. Files laid out by hand (re-typed tables, not our templates).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor import parse_bytes
from tests.extractor.ooxml import docx_bytes, p, tbl, tc, tr
from tests.extractor.pdfs import pdf_drawn


def retyped(*rows: tuple[str, ...], section: str = "一、申报单位基本情况") -> bytes:
    """An application re-typed as a heading and a two-column table (a cell's lines are its paragraphs)."""
    return docx_bytes(
        p("产业技术基础公共服务平台申报书"),
        p(section),
        tbl(*(tr(tc(label), tc(*value.split("\n"))) for label, value in rows)),
    )


def problems(result, code: str) -> list:
    return [q for q in result.problems if q.code == code]


@pytest.mark.parametrize(
    ("label", "key", "written", "listed"),
    [
        ("注册资本（万元）", "registered_capital", "5000 6000", "5000、6000"),
        ("注册资本（万元）", "registered_capital", "5000\n6000", "5000、6000"),
        ("从业人员总数（人）", "staff_total", "186\n190", "186、190"),
        ("成立时间", "established", "2015-03-01\n2016年1月1日", "2015-03-01、2016年1月1日"),
    ],
    ids=["space", "line-break", "two-paragraphs", "two-dates"],
)
def test_a_scalar_cell_holding_two_values_is_null_with_both_listed(label, key, written, listed):
    result = parse_bytes(
        retyped(("单位名称", "某某检测技术有限公司"), (label, written)), "两个值.docx", form="annex1"
    )
    assert result.record["applicant"][key] is None
    (problem,) = problems(result, "several_values")
    assert problem.field == f"applicant.{key}"
    assert listed in problem.message and "{" not in problem.message


def test_one_value_with_its_unit_or_a_spaced_date_is_still_one_value():
    rows = (
        ("注册资本（万元）", "5000 万元"),
        ("从业人员总数（人）", "1186人"),
        ("成立时间", "2015 年 3 月 1 日"),
    )
    result = parse_bytes(retyped(*rows), "一个值.docx", form="annex1")
    applicant = result.record["applicant"]
    assert applicant["registered_capital"] == Decimal("5000.00")
    assert applicant["staff_total"] == 1186
    assert str(applicant["established"]) == "2015-03-01"
    assert problems(result, "several_values") == []


def test_two_numbers_printed_in_one_pdf_cell_are_not_joined():
    texts = [
        (60, 740, "产业技术基础公共服务平台申报书", ""),
        (60, 700, "一、申报单位基本情况", ""),
        (56, 666, "注册资本（万元）", ""),
        (256, 666, "5000", ""),
        (256, 654, "6000", ""),
    ]
    rules = [(50, 680, 450, 680), (50, 650, 450, 650), (50, 650, 50, 680), (250, 650, 250, 680)]
    rules.append((450, 650, 450, 680))
    result = parse_bytes(pdf_drawn(texts, rules), "两行.pdf", form="annex1")
    assert result.record["applicant"]["registered_capital"] is None
    (problem,) = problems(result, "several_values")
    assert "5000、6000" in problem.message


@pytest.mark.parametrize(
    "written",
    [
        "同意推荐。\n（盖章）",
        "同意推荐。\n推荐单位（盖章）\n        年    月    日",
        "同意推荐。\n推荐单位盖章：\n日期：____年__月__日",
        "同意推荐。（公章）",
    ],
)
def test_seal_signature_and_date_places_in_a_value_cell_are_labels(written):
    result = parse_bytes(
        retyped(("推荐单位意见", written), section="六、承诺与推荐意见"), "意见.docx", form="annex1"
    )
    assert result.record["declaration"]["recommender_opinion"] == "同意推荐。"


def test_a_value_cell_holding_only_places_is_blank_and_a_signed_name_keeps_its_name():
    rows = (
        ("单位名称", "某某检测技术有限公司"),
        ("法定代表人", "张三（签字）"),
        ("注册资本（万元）", "签字："),
    )
    result = parse_bytes(retyped(*rows), "签字.docx", form="annex1")
    assert result.record["applicant"]["legal_rep_name"] == "张三"
    assert result.record["applicant"]["registered_capital"] is None
    assert not [q for q in result.problems if q.field == "applicant.registered_capital"]
