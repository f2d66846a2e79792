"""A 年度运行情况汇总表 filled in as evaluators fill it (openpyxl edits of the generated workbook), read
back: the 年度评价 verdicts, every bad row reported by its row, and the 汇总 sheet as last year's records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractor.annual_summary import is_annual_summary, read_evaluation, read_summary_records
from extractor.errors import UnreadableFile, UnsupportedFile
from templates.annual_summary import annual_summary_xlsx
from tests.extractor.annual_bundles import (
    FAILING_INCIDENT,
    RESULT,
    evaluated,
    fill_all,
    platform_uscc,
    salary_workbook,
    screened,
    this_year,
)
from tests.extractor.bundles import uscc


@pytest.fixture(scope="module")
def generated() -> bytes:
    return annual_summary_xlsx(screened()["units"])


def test_a_filled_evaluation_is_read_back(generated):
    sheet = read_evaluation(evaluated(generated, fill_all), "汇总表（已评价）.xlsx")
    assert sheet.problems == []
    assert sheet.counts() == {"platforms": 10, "合格": 9, "不合格": 1, "未评价": 0, "problems": 0}
    first = sheet.evaluations[0].to_dict()
    assert first == {
        "row": 4,
        "seq": 1,
        "platform_name": "第01号产业技术基础公共服务平台",
        "uscc": platform_uscc(1),
        "opinion": "运行良好",
        "result": "合格",
    }
    failing = sheet.evaluations[FAILING_INCIDENT - 1]
    assert (failing.result, failing.opinion) == ("不合格", "发生安全事故，需整改")


def test_an_unfilled_sheet_reads_as_not_yet_evaluated(generated):
    sheet = read_evaluation(generated, "汇总表.xlsx")
    assert sheet.counts()["未评价"] == 10 and sheet.problems == []


def test_an_invalid_result_is_a_problem_naming_the_row_and_the_row_is_kept(generated):
    def edit(ws):
        fill_all(ws)
        ws.cell(row=6, column=RESULT, value="基本合格")

    sheet = read_evaluation(evaluated(generated, edit), "评价.xlsx")
    assert len(sheet.evaluations) == 10 and sheet.evaluations[2].result == "基本合格"
    (problem,) = sheet.problems
    assert problem["row"] == 6 and problem["field"] == "评价结果（合格/不合格）"
    assert problem["message"] == (
        "评价.xlsx“年度评价”第6行（第03号产业技术基础公共服务平台）：评价结果应为“合格”或“不合格”，实际为“基本合格”"
    )


def test_a_row_for_a_platform_not_in_the_summary_is_a_problem(generated):
    def edit(ws):
        fill_all(ws)
        stranger = uscc(777)
        for col, value in ((1, 11), (2, "外省某平台"), (3, stranger), (RESULT, "合格")):
            ws.cell(row=14, column=col, value=value)

    sheet = read_evaluation(evaluated(generated, edit), "评价.xlsx")
    assert len(sheet.evaluations) == 11
    (problem,) = sheet.problems
    assert (
        problem["row"] == 14
        and "外省某平台" in problem["message"]
        and "不在本表“汇总”工作表中" in problem["message"]
    )


def test_a_workbook_that_is_not_the_summary_is_refused_with_the_sheet_it_lacks():
    payroll = salary_workbook()
    with pytest.raises(UnsupportedFile, match="工资表.xlsx：没有“年度评价”工作表"):
        read_evaluation(payroll, "工资表.xlsx")
    assert not is_annual_summary(payroll, "工资表.xlsx")
    with pytest.raises(UnreadableFile, match="坏.xlsx"):
        read_evaluation(b"PK\x03\x04" + b"\x00" * 100, "坏.xlsx")


def test_the_summary_sheet_reads_back_as_last_years_records(generated):
    assert is_annual_summary(generated, "2025汇总.xlsx")
    records = read_summary_records(generated, "2025汇总.xlsx")
    assert len(records) == 10
    now = this_year()[1]
    first = records[0]
    assert first["header"]["report_year"] == 2025 and first["header"]["uscc"] == platform_uscc(1)
    assert first["header"]["operator"] == now["header"]["operator"]
    assert first["header"]["fill_date"] == now["header"]["fill_date"]
    assert first["capacity"]["staff_total"] == {"previous": 128, "current": 142}
    assert first["capacity"]["equipment_value"]["current"] == Decimal("10456.30")
    assert first["operations"]["revenue_itb"] == Decimal(str(now["operations"]["revenue_itb"]))
