"""The 年度运行情况汇总表 workbook of ten platforms (checked against last year's reports), reopened with
openpyxl and read cell by cell: every sheet's columns as the spec, the rows, the native charts, the print
setup, and user text that looks like a formula kept as text."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, PieChart

from forms.vocabulary import RESULT_LABELS
from templates.annual_summary import annual_summary_xlsx, evaluation_headers, summary_headers
from tests.extractor.annual_bundles import (
    ATTENTION_STAFF,
    CARRY_MISMATCH,
    FAILING_INCIDENT,
    INCOMPLETE_REVENUE,
    outcomes,
    platform_uscc,
    screened,
    this_year,
)

FAILED = [
    {"name": "说明.txt", "status": "not_form", "status_label": "不是表单", "reason": "不是可解析的表单"}
]


@pytest.fixture(scope="module")
def annual() -> dict:
    return screened()


@pytest.fixture(scope="module")
def book(annual):
    content = annual_summary_xlsx(
        annual["units"], failed=FAILED, authority="江苏省工业和信息化厅", sent=date(2026, 3, 31)
    )
    return load_workbook(io.BytesIO(content))


def table(ws, header_row: int, first_row: int) -> list[dict]:
    headers = [c.value for c in ws[header_row]]
    return [
        dict(zip(headers, (c.value for c in row), strict=True))
        for row in ws.iter_rows(min_row=first_row)
        if any(c.value is not None for c in row)
    ]


def test_sheets_title_line_and_two_frozen_header_rows(book):
    assert book.sheetnames == ["汇总", "核查明细", "解析问题", "统计图", "年度评价"]
    ws = book["汇总"]
    assert ws["A1"].value == "产业技术基础公共服务平台年度运行情况汇总表（2025年度）"
    assert (
        ws["A2"].value
        == "报送单位（盖章）：江苏省工业和信息化厅  联系人：____  联系电话：____  报送日期：2026年3月31日"
    )
    assert ws.freeze_panes == "C5" and ws.print_title_rows == "$3:$4"
    top = [c.value for c in ws[3]]
    sub = [c.value for c in ws[4]]
    assert [t for t in top if t] == [
        "序号", "平台名称", "依托单位", "统一社会信用代码", "认定批次", "填报日期", "从业人员（人）",
        "仪器设备原值（万元）", "营业收入（万元）", "产业技术基础服务收入（万元）", "业务占比（%）",
        "服务企业数（家）", "服务项次（项）", "同比", "年度核查", "问题说明", "联系人 / 手机", "备注",
    ]  # fmt: skip
    assert [s for s in sub if s] == ["上年末", "本年末", "上年末", "本年末", "服务收入", "服务企业数"]
    assert len(top) == len(summary_headers()) == 21
    assert "G3:H3" in ws.merged_cells and "A3:A4" in ws.merged_cells and "P3:Q3" in ws.merged_cells


def test_one_row_per_platform_with_its_figures_change_and_status(book, annual):
    ws = book["汇总"]
    headers = [h if not s else f"{h}{s}" for h, s in summary_headers()]
    rows = [dict(zip(headers, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=5)]
    assert [r["序号"] for r in rows] == list(range(1, 11))
    first = rows[0]
    record = this_year()[1]
    assert first["平台名称"] == "第01号产业技术基础公共服务平台"
    assert first["统一社会信用代码"] == platform_uscc(1)
    assert first["填报日期"] == datetime(2026, 3, 20)
    assert first["从业人员（人）上年末"] == 128 and first["从业人员（人）本年末"] == 142
    assert first["产业技术基础服务收入（万元）"] == float(record["operations"]["revenue_itb"])
    # last year's revenue was 80 % of this year's: +25.0 %; clients 10 fewer than this year's
    assert first["同比服务收入"] == "+25.0%"
    clients = record["operations"]["clients"]
    assert first["同比服务企业数"] == f"+{round((clients - (clients - 10)) / (clients - 10) * 100, 1)}%"
    statuses = {r["序号"]: r["年度核查"] for r in rows}
    assert statuses[ATTENTION_STAFF] == "需关注" and statuses[CARRY_MISMATCH] == "需关注"
    assert statuses[FAILING_INCIDENT] == "不符合" and statuses[INCOMPLETE_REVENUE] == "待补充"
    assert list(statuses.values()).count("正常") == 6
    assert "第十九条（四）" in rows[FAILING_INCIDENT - 1]["问题说明"]
    assert (
        "A-CARRY" in rows[CARRY_MISMATCH - 1]["问题说明"]
        or "第十七条" in rows[CARRY_MISMATCH - 1]["问题说明"]
    )
    assert rows[0]["问题说明"] is None and rows[0]["备注"] is None
    assert ws.cell(row=5 + FAILING_INCIDENT - 1, column=18).fill.fgColor.rgb == "00FFC7CE"


def test_print_setup_landscape_with_page_numbers(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize in (int(ws.PAPERSIZE_A4), int(ws.PAPERSIZE_A3))  # by the sheet's width
        assert ws.print_title_rows  # header rows repeated on every page
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_check_details_list_every_result_of_every_platform(book, annual):
    rows = table(book["核查明细"], 1, 2)
    assert list(rows[0]) == [
        "序号",
        "平台名称",
        "统一社会信用代码",
        "规则",
        "规则名称",
        "条款",
        "结果",
        "说明",
    ]
    assert len(rows) == sum(len(u["checks"]) for u in annual["units"])
    carry = [r for r in rows if r["规则"] == "A-CARRY"]
    assert len(carry) == 10  # last year's report was given for every platform
    (failed,) = [r for r in carry if r["结果"] != RESULT_LABELS["pass"]]
    assert failed["序号"] == CARRY_MISMATCH and "120" in failed["说明"]
    assert all(r["规则名称"] for r in rows)


def test_parse_problems_list_failed_files_and_missing_fields(book):
    rows = table(book["解析问题"], 1, 2)
    assert list(rows[0]) == ["文件", "平台名称", "字段", "问题类型", "说明"]
    assert rows[0]["文件"] == "说明.txt" and rows[0]["说明"] == "不是可解析的表单"
    missing = [r for r in rows if r["问题类型"] == "必填项缺失"]
    assert {r["平台名称"] for r in missing} == {"第04号产业技术基础公共服务平台"}
    assert {r["字段"] for r in missing} == {"变更情况及报备情况"}


def test_charts_are_native_excel_charts_over_the_statistics(book, annual):
    ws = book["统计图"]
    charts = ws._charts
    assert [type(c) for c in charts] == [BarChart, BarChart, PieChart]
    totals = table(ws, 1, 2)[:6]
    assert [t["指标"] for t in totals] == [t["label"] for t in annual["statistics"]["totals"]]
    assert totals[3]["本年合计"] == annual["statistics"]["totals"][3]["current"]
    assert totals[3]["同比"] == "+25.0%"
    # the ranking table: highest 产业技术基础服务收入 first
    names = [ws.cell(row=r, column=1).value for r in range(11, 21)]
    assert names[0] == "第10号产业技术基础公共服务平台"
    status = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(24, 28)}
    assert status == {"正常": 6, "需关注": 2, "不符合": 1, "待补充": 1}


def test_evaluation_sheet_has_the_metrics_changes_and_empty_evaluator_columns(book):
    ws = book["年度评价"]
    assert [c.value for c in ws[3]] == list(evaluation_headers())
    rows = table(ws, 3, 4)
    assert len(rows) == 10
    incident = rows[FAILING_INCIDENT - 1]
    assert incident["重大事项"].startswith("事故或违法违规：是（发生一起实验室火灾事故）")
    assert f"A-INCIDENT {RESULT_LABELS['fail']}" in incident["A类核查结果"]
    assert all(r["评价意见"] is None and r["评价结果（合格/不合格）"] is None for r in rows)
    (validation,) = ws.data_validations.dataValidation
    assert validation.formula1 == '"合格,不合格"' and str(validation.sqref) == "N4:N13"


def test_without_last_year_only_capacity_changes_are_known(book):
    annual = screened(with_previous=False)
    ws = load_workbook(io.BytesIO(annual_summary_xlsx(annual["units"])))["汇总"]
    assert ws.cell(row=5, column=16).value is None  # no last-year revenue without last year's report
    assert not any(c["rule"] == "A-CARRY" for u in annual["units"] for c in u["checks"])
    assert ws["A2"].value.startswith("报送单位（盖章）：____")


def test_text_that_looks_like_a_formula_stays_text():
    from service.bundles.annual import screen_annual  # noqa: PLC0415

    records = {1: this_year()[1]}
    records[1]["header"]["platform_name"] = '=HYPERLINK("http://x","点我")'
    annual = screen_annual(outcomes(records)).to_dict()
    wb = load_workbook(io.BytesIO(annual_summary_xlsx(annual["units"])))
    for sheet, cell in (("汇总", "B5"), ("年度评价", "B4")):
        c = wb[sheet][cell]
        assert c.value == '=HYPERLINK("http://x","点我")' and c.data_type == "s" and c.quotePrefix


def test_the_docs_list_the_columns_the_workbook_has():
    """docs/annual-summary.md carries the spec into the project's docs: its column lists are these."""
    from tests.conftest import ROOT  # noqa: PLC0415

    text = (ROOT / "docs" / "annual-summary.md").read_text(encoding="utf-8")

    def listed(name: str) -> list[str]:
        return text.split(f"<!-- {name} -->\n", 1)[1].split("\n<!--", 1)[0].split(" | ")

    assert listed("summary-columns") == [f"{h}{s or ''}" for h, s in summary_headers()]
    assert listed("evaluation-columns") == list(evaluation_headers())
