"""The annex 2 workbook read back with openpyxl: values typed and where their labels say."""

from __future__ import annotations

import copy
import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from forms import ANNEX2
from forms.errors import FormsError
from forms.model import FieldType
from forms.records import Record, empty_record
from templates.render import fill
from templates.xlsx import SHEETS, build_workbook

SHEET_NAMES = ["基本信息", "能力建设", "服务运营", "年度计划", "典型案例"]


def workbook(record: Record) -> Workbook:
    return load_workbook(io.BytesIO(fill("annex2", record, "xlsx")))


def row_of(wb: Workbook, label: str) -> tuple[str, tuple[Any, ...]]:
    """The sheet and the row whose column A reads ``label`` (exactly one in the workbook)."""
    found = [
        (ws.title, row)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        if row and row[0] == label
    ]
    assert len(found) == 1, (label, found)
    return found[0]


def expected_cell(kind: FieldType, value: Any, other: str | None = None) -> Any:
    """How a typed value reads back from the workbook."""
    if value is None:
        return None
    if kind is FieldType.BOOL:
        return "是" if value else "否"
    if kind is FieldType.DATE:
        return datetime(value.year, value.month, value.day)
    if kind is FieldType.MULTI:
        return "、".join(f"{v}（{other}）" if v == "其他" and other else v for v in value) or None
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


@pytest.fixture(scope="module")
def example_wb(annex2_record: Record) -> Workbook:
    return workbook(annex2_record)


def test_sheets_in_the_order_of_the_spec(example_wb: Workbook) -> None:
    assert example_wb.sheetnames == SHEET_NAMES
    placed = [part for _, parts in SHEETS for part in parts]
    assert {p.split(".")[0] for p in placed} == {s.key for s in ANNEX2.sections}


def test_every_value_is_beside_its_label_and_typed(example_wb: Workbook, annex2_record: Record) -> None:
    for section in ANNEX2.sections:
        values = annex2_record[section.key]
        for f in section.fields:
            where = f"{section.key}.{f.key}"
            if f.type is FieldType.TABLE:
                continue
            sheet, row = row_of(example_wb, f.label)
            if f.type is FieldType.METRIC:
                item = f.item_type or FieldType.INT
                assert row[1] == f.unit, where
                assert row[2] == expected_cell(item, values[f.key]["previous"]), where
                assert row[3] == expected_cell(item, values[f.key]["current"]), where
                assert sheet == "能力建设"
            else:
                other = values.get(f.other_key) if f.other_key else None
                assert row[1] == expected_cell(f.type, values[f.key], other), where


def test_cases_sheet_has_one_row_per_case(example_wb: Workbook, annex2_record: Record) -> None:
    ws = example_wb["典型案例"]
    rows = list(ws.iter_rows(values_only=True))
    table = ANNEX2.field("operations.cases")
    assert rows[0][0] == table.label
    assert list(rows[1]) == [c.label for c in table.columns]
    cases = annex2_record["operations"]["cases"]
    assert [list(r) for r in rows[2:]] == [[case[c.key] for c in table.columns] for case in cases]


def test_numbers_dates_and_text_are_stored_as_their_types(example_wb: Workbook) -> None:
    ws = example_wb["服务运营"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(3, ws.max_row + 1)}
    revenue = cells["营业收入（万元）"]
    assert revenue.data_type == "n" and revenue.number_format == "#,##0.00"
    share = cells["产业技术基础服务业务占比（%）"]
    assert share.data_type == "n" and share.number_format == "0.00" and 0 <= share.value <= 100
    assert cells["服务企业数（家）"].number_format == "0"
    header = example_wb["基本信息"]
    cells = {header.cell(r, 1).value: header.cell(r, 2) for r in range(3, header.max_row + 1)}
    assert cells["填报日期"].is_date and cells["填报日期"].number_format == 'yyyy"年"m"月"d"日"'
    uscc = cells["统一社会信用代码"]
    assert uscc.data_type == "s" and uscc.number_format == "@"


@pytest.mark.parametrize(
    "payload", ["=1+1", '=HYPERLINK("http://evil.example","点我")', "+SUM(A1:A9)", "-2+3", "@cmd"]
)
def test_user_text_never_becomes_a_formula(payload: str, annex2_record: Record) -> None:
    record = copy.deepcopy(annex2_record)
    record["header"]["batch"] = payload
    record["operations"]["problems"] = payload
    record["operations"]["cases"][0]["title"] = payload
    wb = workbook(record)
    for ws, label in ((wb["基本信息"], "认定批次"), (wb["服务运营"], "存在的问题")):
        cell = next(ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
        assert cell.data_type == "s" and cell.value == payload
        assert cell.quotePrefix is True
    case = wb["典型案例"].cell(3, 1)
    assert case.data_type == "s" and case.value == payload


def test_drop_downs_for_yes_no_and_prompts_for_multi_choice(example_wb: Workbook) -> None:
    ws = example_wb["年度计划"]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and all(dv.formula1 == '"是,否"' for dv in lists)
    changed_row = next(
        r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == ANNEX2.field("changes.changed").label
    )
    assert any(f"B{changed_row}" in str(dv.sqref) for dv in lists)
    header = example_wb["基本信息"]
    prompts = [dv.prompt for dv in header.data_validations.dataValidation if dv.prompt]
    assert any("新型储能" in p and "、" in p for p in prompts)
    numbers = [dv for dv in example_wb["服务运营"].data_validations.dataValidation if dv.type == "decimal"]
    assert any(dv.formula1 == "0" and dv.formula2 == "100" for dv in numbers)  # the percentage


def test_frozen_headers_and_widths(example_wb: Workbook) -> None:
    for ws in example_wb.worksheets:
        assert ws.freeze_panes == "A3", ws.title
        assert ws.print_title_rows == "$1:$2", ws.title
        assert ws.column_dimensions["A"].width >= 20 and ws.column_dimensions["B"].width >= 10


def test_blank_workbook_has_labels_blank_values_and_blank_case_rows() -> None:
    wb = workbook(empty_record("annex2"))
    values = [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]
    assert "None" not in values
    _, row = row_of(wb, "营业收入（万元）")
    assert row[1] is None
    cases = list(wb["典型案例"].iter_rows(values_only=True))
    assert len(cases) == 2 + 3 and all(v is None for r in cases[2:] for v in r)
    assert wb["服务运营"].cell(3, 2).number_format == "#,##0.00"  # a blank money cell is ready for a number


def test_metric_halves_and_other_text(annex2_record: Record) -> None:
    record = copy.deepcopy(annex2_record)
    record["capacity"]["site_area"] = {"previous": Decimal("12000"), "current": None}
    record["header"]["service_scopes"] = ["计量检测", "其他"]
    record["header"]["service_scopes_other"] = "检测数据服务"
    record["header"]["fill_date"] = date(2026, 3, 15)
    wb = workbook(record)
    assert row_of(wb, "服务场所面积")[1][2:4] == (12000, None)
    assert row_of(wb, "服务范围")[1][1] == "计量检测、其他（检测数据服务）"


def test_only_annex2_has_a_workbook(annex1_record: Record) -> None:
    with pytest.raises(FormsError, match="没有 Excel 版本"):
        build_workbook("annex1", annex1_record)
