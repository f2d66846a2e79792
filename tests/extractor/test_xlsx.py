"""The .xlsx reader: typed values, % formats, dates, merged cells, formulas never calculated."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from extractor.errors import UnreadableFile
from extractor.settings import Limits
from extractor.xlsx import read_xlsx


def workbook_bytes(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_cells(doc, index: int = 0) -> dict[tuple[int, int], object]:
    return {(c.row, c.col): c for c in doc.blocks[index].cells()}


def test_values_keep_their_type_and_a_percent_format_is_flagged():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "基本信息"
    ws.append(["产业技术基础服务业务占比（%）", 0.7845])
    ws["B1"].number_format = "0.00%"
    ws.append(["成立时间", date(2020, 3, 1)])
    ws.append(["填报日期", "2025年3月1日"])
    ws.append(["营业收入（万元）", 1234.5, 0.1 + 0.2])
    ws.append(["从业人员总数（人）", 120, True])
    doc = read_xlsx(workbook_bytes(wb), "a.xlsx")
    cells = sheet_cells(doc)
    share = cells[(0, 1)]
    assert share.percent and share.value == 0.7845 and share.text == "78.45%"
    assert cells[(1, 1)].value == date(2020, 3, 1) and cells[(1, 1)].text == "2020-03-01"
    assert cells[(2, 1)].value is None and cells[(2, 1)].text == "2025年3月1日"
    assert cells[(3, 1)].text == "1234.5" and not cells[(3, 1)].percent
    assert cells[(3, 2)].text == "0.30000000000000004" or cells[(3, 2)].text == "0.3"
    assert cells[(4, 1)].value == 120 and cells[(4, 1)].text == "120"
    assert cells[(4, 2)].value is True and cells[(4, 2)].text == "是"
    table = doc.blocks[0]
    assert table.name == "基本信息" and table.page == 1 and doc.kind == "xlsx"


def test_a_datetime_with_a_time_is_kept_as_datetime():
    wb = openpyxl.Workbook()
    wb.active["A1"] = datetime(2025, 3, 1, 9, 30)
    cell = sheet_cells(read_xlsx(workbook_bytes(wb), "t.xlsx"))[(0, 0)]
    assert cell.value == datetime(2025, 3, 1, 9, 30)


def test_merged_cells_are_one_cell_with_a_span_and_gaps_keep_row_numbers():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "单位名称"
    ws["B1"] = "某检测中心"
    ws.merge_cells("B1:D1")
    ws["A3"] = "主营业务"
    ws["A4"] = "检验检测"
    ws.merge_cells("A4:D6")
    doc = read_xlsx(workbook_bytes(wb), "m.xlsx")
    table = doc.blocks[0]
    cells = sheet_cells(doc)
    assert (cells[(0, 1)].colspan, cells[(0, 1)].rowspan) == (3, 1)
    assert (0, 2) not in cells and (0, 3) not in cells
    assert (cells[(3, 0)].colspan, cells[(3, 0)].rowspan) == (4, 3)
    assert len(table.rows) == 6 and table.rows[1] == ()
    assert table.ncols == 4


def test_every_sheet_is_a_table_in_order():
    wb = openpyxl.Workbook()
    wb.active.title = "基本信息"
    wb.create_sheet("典型案例")["A1"] = "案例名称"
    doc = read_xlsx(workbook_bytes(wb), "s.xlsx")
    assert [(t.name, t.page, t.index) for t in doc.blocks] == [("基本信息", 1, 0), ("典型案例", 2, 1)]


def test_a_formula_without_a_cached_value_is_reported():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = 3
    ws["B1"] = "=A1*2"
    doc = read_xlsx(workbook_bytes(wb), "f.xlsx")
    (problem,) = doc.problems
    assert problem.code == "formula_uncached" and problem.raw == "B1"
    assert sheet_cells(doc)[(0, 1)].text == ""


def test_a_corrupt_workbook_is_unreadable():
    data = workbook_bytes(openpyxl.Workbook())
    with pytest.raises(UnreadableFile, match="bad.xlsx"):
        read_xlsx(data[:200], "bad.xlsx")


def test_limits_bound_rows_and_cells():
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(50):
        ws.append([f"a{i}", i])
    data = workbook_bytes(wb)
    doc = read_xlsx(data, "long.xlsx", Limits(max_rows=10))
    assert len(doc.blocks[0].rows) == 10 and [p.code for p in doc.problems] == ["rows_truncated"]
    with pytest.raises(UnreadableFile, match="单元格超过 30"):
        read_xlsx(data, "wide.xlsx", Limits(max_cells=30))
    with pytest.raises(UnreadableFile, match="解压后"):
        read_xlsx(data, "bomb.xlsx", Limits(max_unzipped_bytes=1000))
