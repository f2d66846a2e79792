"""The 推荐汇总表 workbook, reopened with openpyxl and read cell by cell: the standard bundle's units, the
print setup, the colours, the detail sheets, and user text that looks like a formula kept as text."""

from __future__ import annotations

import copy
import io
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from templates.summary import HEADERS, TITLE, header_line, projects_in_window, summary_xlsx
from tests.extractor.bundles import DUPLICATE, ELIGIBLE, INCOMPLETE, INELIGIBLE, MISMATCH, uscc
from tests.service.bundles.fixtures import RECOMMENDER, SOFFICE_GROUP, standard_report

GREEN, RED, AMBER = "00C6EFCE", "00FFC7CE", "00FFEB9C"


def half_up(part: int, whole: int) -> float:
    """A percentage as every face shows it: rounded half up to 2 decimals (decision 13)."""
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def reopen(content: bytes):
    return load_workbook(io.BytesIO(content))


@pytest.fixture(scope="module")
def report() -> dict:
    return standard_report().to_dict()


@pytest.fixture(scope="module")
def book(report):
    return reopen(summary_xlsx(report, contact="王敏", phone="025-83331234", filled=date(2026, 3, 20)))


def row_of(ws, row: int) -> dict:
    return {h: ws.cell(row=row, column=c).value for c, h in enumerate(HEADERS, 1)}


@pytest.mark.soffice
@SOFFICE_GROUP
def test_title_header_line_frozen_header_and_columns(book):
    ws = book.worksheets[0]
    assert book.sheetnames == ["推荐汇总表", "核查明细", "解析问题"]
    assert ws["A1"].value == TITLE == "产业技术基础公共服务平台推荐汇总表"
    assert ws["A2"].value == (
        f"推荐单位（盖章）：{RECOMMENDER}  联系人：王敏  联系电话：025-83331234  填报日期：2026年3月20日"
    )
    assert "A1:U1" in ws.merged_cells and "A2:U2" in ws.merged_cells
    assert [ws.cell(row=3, column=c).value for c in range(1, 22)] == list(HEADERS)
    assert list(HEADERS) == [
        "序号",
        "平台名称",
        "申报单位",
        "统一社会信用代码",
        "单位性质",
        "所在地区",
        "主要服务行业领域",
        "服务范围",
        "从业人员（人）",
        "硕士/中级以上占比（%）",
        "资质与成果人员占比（%）",
        "仪器设备原值（万元）",
        "年服务收入（万元）",
        "业务占比（%）",
        "典型案例（项）",
        "国家级/省部级项目（项）",
        "条件核查",
        "问题说明",
        "联系人 / 手机",
        "备注",
        "盖章",
    ]
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    assert ws.max_row == 3 + 5 + 2  # a blank row, then the line to stamp


@pytest.mark.soffice
@SOFFICE_GROUP
def test_one_row_per_unit_cell_by_cell(book, report):
    ws = book.worksheets[0]
    example = report["units"][0]["record"]
    applicant = example["applicant"]
    common = {
        "单位性质": applicant["nature"],
        "所在地区": applicant["region"],
        "主要服务行业领域": example["platform"]["main_field"],
        "服务范围": "、".join(example["platform"]["service_scopes"]),
        "资质与成果人员占比（%）": half_up(applicant["staff_qualified"], applicant["staff_total"]),
        "业务占比（%）": applicant["itb_share"],
        "典型案例（项）": len(example["performance"]["cases"]),
        "国家级/省部级项目（项）": projects_in_window(report["units"][0]),
        "备注": None,
    }
    first = row_of(ws, 4)
    assert first == {
        **common,
        "序号": 1,
        "平台名称": "第001号产业技术基础公共服务平台",
        "申报单位": "测试单位001检测中心",
        "统一社会信用代码": uscc(1),
        "从业人员（人）": 186,
        "硕士/中级以上占比（%）": half_up(applicant["staff_senior"], 186),
        "仪器设备原值（万元）": applicant["equipment_value"],
        "年服务收入（万元）": applicant["service_revenue"],
        "条件核查": "符合",
        "问题说明": "重复申报：统一社会信用代码与第5项相同\nPDF 文件中“申报单位（盖章）”处未见印章",
        "联系人 / 手机": f"{applicant['contact_name']} / 13800000001",
        "盖章": "未见印章",  # its PDF, printed by LibreOffice, was never stamped
    }
    assert common["国家级/省部级项目（项）"] >= 1
    second = row_of(ws, 5)
    assert (second["序号"], second["申报单位"], second["从业人员（人）"], second["条件核查"]) == (
        2,
        "测试单位002检测中心",
        30,
        "不符合",
    )
    assert second["硕士/中级以上占比（%）"] == 66.67 and second["资质与成果人员占比（%）"] == 83.33
    assert second["问题说明"].startswith("第六条（五） E-STAFF 从业人员：") and "\n" not in second["问题说明"]
    third = row_of(ws, 6)
    assert third["条件核查"] == "待补充"
    assert third["仪器设备原值（万元）"] is None and third["年服务收入（万元）"] is None
    lines = third["问题说明"].split("\n")
    assert [line.split("：", 1)[0] for line in lines] == [
        "V-REQ 必填项",
        "第六条（六） E-ASSETS 仪器设备或服务收入",
    ]
    fourth = row_of(ws, 7)
    assert fourth["条件核查"] == "符合"
    assert fourth["问题说明"].split("\n")[0] == "Word与PDF文件内容不一致：从业人员总数（人）"
    assert [row_of(ws, r)["盖章"] for r in range(4, 9)] == ["未见印章", None, None, "未见印章", None]
    fifth = row_of(ws, 8)
    assert (fifth["序号"], fifth["平台名称"], fifth["问题说明"]) == (
        5,
        "第001号平台（第二次申报）",
        "重复申报：统一社会信用代码与第1项相同",
    )
    assert [ws.cell(row=r, column=1).value for r in range(4, 9)] == [1, 2, 3, 4, 5]
    assert ws.cell(row=4, column=12).number_format == "#,##0.00"


@pytest.mark.soffice
@SOFFICE_GROUP
def test_verdict_cells_are_coloured(book):
    ws = book.worksheets[0]
    column = HEADERS.index("条件核查") + 1
    colours = [ws.cell(row=r, column=column).fill.fgColor.rgb for r in range(4, 9)]
    assert colours == [GREEN, RED, AMBER, GREEN, GREEN]


@pytest.mark.soffice
@SOFFICE_GROUP
def test_check_detail_sheet_lists_every_result_of_every_unit(book, report):
    ws = book["核查明细"]
    assert [c.value for c in ws[1]] == [
        "序号",
        "申报单位",
        "统一社会信用代码",
        "规则",
        "规则名称",
        "条款",
        "级别",
        "结果",
        "说明",
    ]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(rows) == sum(len(u["checks"]) for u in report["units"])
    staff = next(r for r in rows if r[0] == 2 and r[3] == "E-STAFF")
    assert staff[1:8] == [
        "测试单位002检测中心",
        uscc(2),
        "E-STAFF",
        "从业人员",
        "第六条（五）",
        "不符合条件",
        "✗ 不符合",
    ]
    assets = next(r for r in rows if r[0] == 3 and r[3] == "E-ASSETS")
    assert assets[6:8] == ["无法判断", "？ 待补充"]
    passed = [r for r in rows if r[7] == "✓ 通过"]
    assert passed and all(r[6] is None for r in passed)  # a passed row has no 级别
    assert {r[0] for r in rows} == {1, 2, 3, 4, 5}
    assert ws.freeze_panes == "A2"


@pytest.mark.soffice
@SOFFICE_GROUP
def test_parse_problem_sheet(book):
    ws = book["解析问题"]
    assert [c.value for c in ws[1]] == ["文件", "申报单位", "字段", "问题类型", "说明"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert rows[0] == [
        "推荐说明.txt",
        None,
        None,
        "不是表单",
        "不是可识别的文件类型；请上传 Word（.docx/.doc/.wps）、PDF 或 Excel（.xlsx/.xls/.et）",
    ]
    assert rows[1][:4] == ["06-戊单位/申报书.docx", None, None, "无法读取"]
    missing = [r for r in rows if r[3] == "必填项缺失"]
    assert [(r[0], r[2]) for r in missing] == [
        (f"{INCOMPLETE}/申报书.docx", "技术服务仪器设备（含软件）原值（万元）"),
        (f"{INCOMPLETE}/申报书.docx", "年产业技术基础相关服务收入（万元）"),
    ]
    (mismatch,) = [r for r in rows if r[3] == "Word 与 PDF 不一致"]
    assert mismatch == [
        f"{MISMATCH}/申报书.docx、{MISMATCH}/申报书.pdf",
        "测试单位004检测中心",
        "从业人员总数（人）",
        "Word 与 PDF 不一致",
        f"{MISMATCH}/申报书.docx：186；{MISMATCH}/申报书.pdf：168",
    ]
    duplicates = [r for r in rows if r[3] == "重复申报"]
    assert [r[0] for r in duplicates] == [
        f"{ELIGIBLE}/申报书.docx、{ELIGIBLE}/申报书（盖章）.pdf",
        f"{DUPLICATE}/申报书.docx",
    ]
    assert not any(r[1] == "测试单位002检测中心" for r in rows)  # INELIGIBLE parsed cleanly
    assert INELIGIBLE  # (its folder is only named in the other sheets)


# --- without LibreOffice ---------------------------------------------------------------------------------


def tiny_report(unit_name: str, **record_changes) -> dict:
    record = {
        "cover": {"platform_name": "平台", "date": "2026-03-10"},
        "applicant": {"name": unit_name, "uscc": "x", "contact_name": '=HYPERLINK("http://e.vil","点我")'},
        "platform": {"service_scopes": ["计量检测", "其他"], "service_scopes_other": "+检验"},
        "performance": {
            "cases": [{}, {}],
            "projects": [
                {"level": "国家级", "start": "2022-01-01", "end": "2024-06-30"},
                {"level": "省部级", "start": "2020-01-01", "end": None},  # still running
                {"level": "国家级", "start": "2018-01-01", "end": "2022-12-31"},  # ended before the window
                {"level": "市级", "start": "2024-01-01", "end": "2024-12-31"},
                {"level": "省部级", "start": None, "end": None},
            ],
        },
    }
    for key, value in record_changes.items():
        section, field = key.split("__")
        record[section][field] = value
    unit = {
        "seq": 1,
        "name": unit_name,
        "uscc": "x",
        "verdict": "ineligible",
        "record": record,
        "checks": [
            {
                "rule": "E-LEGAL",
                "article": "第六条（一）",
                "severity": "fail",
                "passed": False,
                "message": "-非法人",
            },
        ],
        "files": [{"name": "@x.docx", "role": "primary"}],
        "problems": [{"file": "@x.docx", "field": "applicant.uscc", "severity": "error", "message": "\t坏"}],
        "differences": [],
        "duplicates": [],
        "notes": [],
    }
    return {
        "units": [unit],
        "failed": [{"name": "=cmd|' /C calc'!A0.docx", "status_label": "无法读取", "reason": "@"}],
    }


def test_text_that_looks_like_a_formula_stays_text():
    content = summary_xlsx(tiny_report("=1+1", cover__platform_name="-2+3"), recommender="@推荐")
    book = reopen(content)
    ws = book.worksheets[0]
    cells = {h: ws.cell(row=4, column=c) for c, h in enumerate(HEADERS, 1)}
    assert cells["申报单位"].value == "=1+1" and cells["申报单位"].data_type == "s"
    assert cells["平台名称"].value == "-2+3" and cells["平台名称"].data_type == "s"
    assert cells["平台名称"].quotePrefix
    assert cells["联系人 / 手机"].value.startswith("=HYPERLINK") and cells["联系人 / 手机"].data_type == "s"
    assert cells["服务范围"].value == "计量检测、其他（+检验）"
    assert cells["问题说明"].value == "第六条（一） E-LEGAL 独立法人资格：-非法人"
    assert ws["A2"].value.startswith("推荐单位（盖章）：@推荐  联系人：____")
    problems = book["解析问题"]
    assert problems["A2"].value == "=cmd|' /C calc'!A0.docx" and problems["A2"].data_type == "s"
    assert problems["E3"].value == "\t坏" and problems["E3"].data_type == "s"
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    # and in the raw XML no cell is a formula
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name)


def test_projects_column_is_the_e_projects_count_so_column_and_verdict_agree():
    unit = tiny_report("甲")["units"][0]
    assert projects_in_window(unit) is None  # no E-PROJECTS result
    unit["checks"].append({"rule": "E-PROJECTS", "passed": True, "value": 2, "state": "pass"})
    assert projects_in_window(unit) == 2
    unit["checks"][-1].update(passed=None, value=0, state="unknown")
    assert projects_in_window(unit) is None


def test_control_characters_are_dropped_and_blank_header_values_print_as_lines():
    report = copy.deepcopy(tiny_report("甲\x0b乙\x01"))
    ws = reopen(summary_xlsx(report)).worksheets[0]
    assert ws["C4"].value == "甲乙"
    assert ws["A2"].value == "推荐单位（盖章）：____  联系人：____  联系电话：____  填报日期：____"
    assert header_line(None, None, None, "2026年3月").endswith("填报日期：2026年3月")


def test_an_empty_report_still_makes_the_three_sheets():
    book = reopen(summary_xlsx({"units": [], "failed": []}))
    assert book.sheetnames == ["推荐汇总表", "核查明细", "解析问题"]
    assert book.worksheets[0].max_row == 3 + 2
    assert book.worksheets[0]["A5"].value == "推荐单位（盖章）："


def test_a_fault_a_v_rule_reports_is_not_repeated_among_the_parse_problems():
    """One fault, one row: the wrong USCC is V-USCC's row in 核查明细, not again in 解析问题."""
    report = tiny_report("甲")
    unit = report["units"][0]
    unit["checks"].append(
        {
            "rule": "V-USCC",
            "title": "统一社会信用代码",
            "article": "—",
            "severity": "error",
            "passed": False,
            "state": "error",
            "fields": ["applicant.uscc"],
            "message": "校验码不符",
        }
    )
    unit["problems"].append(dict(unit["problems"][0]))  # the same problem read twice
    book = reopen(summary_xlsx(report))
    problems = [[c.value for c in row] for row in book["解析问题"].iter_rows(min_row=2)]
    assert [r[3] for r in problems] == ["无法读取"]  # only the bundle's unreadable file is left
    checks = [[c.value for c in row] for row in book["核查明细"].iter_rows(min_row=2)]
    uscc_row = next(r for r in checks if r[3] == "V-USCC")
    assert uscc_row[4:8] == ["统一社会信用代码", "—", "数据有误", "✗ 有误，待补充"]
