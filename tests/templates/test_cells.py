"""How the generated workbooks print (``templates.cells``): the settings read back with openpyxl, then the
workbooks printed by LibreOffice and read with pdfplumber — no text under 9 pt, no wrapped text clipped by
its row, the header row and the page footer on every page, the line to stamp after the last unit."""

from __future__ import annotations

import copy
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from forms.records import Record
from office.libreoffice import convert_many
from templates.cells import (
    FOOTER,
    MIN_PRINTED_PT,
    PAPERS,
    line_count,
    print_landscape,
)
from templates.render import fill
from templates.summary import COLUMNS, DATE_TEXT, STAMP_TEXT, findings, summary_xlsx
from tests.service.bundles.fixtures import SOFFICE_GROUP, standard_report
from tests.templates.pdf_helpers import squeeze

A4, A3 = PAPERS[0][1], PAPERS[1][1]
#: Units in the long summary: enough rows for several printed pages.
LONG_UNITS = 40


def test_lines_count_cjk_as_two_units_and_keep_line_breaks() -> None:
    assert line_count("一二三四五六", 7) == 2  # 6 usable units: three CJK characters a line
    assert line_count("ABCDE", 7) == 1 and line_count("ABCDEF", 7) == 2  # Latin: 1.1 units
    assert line_count("一二\n三", 20) == 2
    assert line_count("", 10) == 1


@pytest.mark.parametrize(("widths", "paper"), [([40, 60], A4), ([20] * 12, A3), ([30] * 20, A3)])
def test_paper_is_the_smallest_that_keeps_text_at_9_pt(widths: list[float], paper: int) -> None:
    ws = Workbook().active
    for col, width in enumerate(widths, start=1):
        ws.cell(1, col, "x")
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    print_landscape(ws, columns=len(widths))
    assert int(ws.page_setup.paperSize) == paper


@dataclass(frozen=True)
class Page:
    """A printed page: its text, its smallest character (pt), the texts of its ruled cells (squeezed)."""

    text: str
    smallest: float
    cells: list[str]


def long_report() -> dict[str, Any]:
    """The standard bundle's report with its units repeated to ``LONG_UNITS`` rows."""
    report = copy.deepcopy(standard_report().to_dict())
    units = report["units"]
    report["units"] = [dict(copy.deepcopy(units[i % len(units)]), seq=i + 1) for i in range(LONG_UNITS)]
    return report


@pytest.fixture(scope="module")
def workbooks(annex2_record: Record) -> dict[str, bytes]:
    return {"summary": summary_xlsx(long_report()), "annex2": fill("annex2", annex2_record, "xlsx")}


@pytest.fixture(scope="module")
def printed(workbooks: dict[str, bytes]) -> dict[str, list[Page]]:
    """Each workbook printed by LibreOffice (one start for both), page by page."""
    with tempfile.TemporaryDirectory(prefix="itbforms-print-") as tmp:
        sources = []
        for name, data in workbooks.items():
            sources.append(Path(tmp, f"{name}.xlsx"))
            sources[-1].write_bytes(data)
        pdfs = convert_many(sources, "pdf", Path(tmp))
        out = {}
        for name, pdf_path in zip(workbooks, pdfs, strict=True):
            with pdfplumber.open(io.BytesIO(pdf_path.read_bytes())) as pdf:
                out[name] = [
                    Page(
                        page.extract_text() or "",
                        min(float(c["size"]) for c in page.chars),
                        [squeeze(c or "") for table in page.extract_tables() for row in table for c in row],
                    )
                    for page in pdf.pages
                ]
    return out


def sheets(data: bytes) -> list[Worksheet]:
    return load_workbook(io.BytesIO(data)).worksheets


@pytest.mark.soffice
@SOFFICE_GROUP
@pytest.mark.parametrize("name", ["summary", "annex2"])
def test_every_sheet_prints_landscape_with_titles_footer_and_row_heights(
    name: str, workbooks: dict[str, bytes]
) -> None:
    for ws in sheets(workbooks[name]):
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) in (A4, A3), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert ws.print_title_rows, ws.title
        assert ws.oddFooter.center.text == FOOTER == "第 &P 页 共 &N 页"
        for row in range(2, ws.max_row + 1):
            assert ws.row_dimensions[row].height, f"{ws.title} row {row} has no height"


@pytest.mark.soffice
@SOFFICE_GROUP
def test_the_summary_is_on_a3_and_ends_with_the_line_to_stamp(workbooks: dict[str, bytes]) -> None:
    ws = sheets(workbooks["summary"])[0]
    assert int(ws.page_setup.paperSize) == A3  # twenty columns do not fit A4 at 9 pt
    stamp = 3 + LONG_UNITS + 2
    assert ws.cell(stamp, 1).value == STAMP_TEXT == "推荐单位（盖章）："
    assert ws.cell(stamp, len(COLUMNS) // 2 + 1).value == DATE_TEXT
    assert ws.print_area.endswith(f"{stamp}") and ws.row_dimensions[stamp].height >= 72


@pytest.mark.soffice
@SOFFICE_GROUP
@pytest.mark.parametrize("name", ["summary", "annex2"])
def test_no_printed_text_under_9_pt_and_a_footer_on_every_page(
    name: str, printed: dict[str, list[Page]]
) -> None:
    pages = printed[name]
    assert len(pages) > 1
    small = [(i, p.smallest) for i, p in enumerate(pages, start=1) if p.smallest < MIN_PRINTED_PT - 0.05]
    assert small == [], f"{name}: text under {MIN_PRINTED_PT} pt on pages {small}"
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页共" in squeeze(page.text), f"{name}: page {number} has no 第 n 页 共 m 页 footer"


@pytest.mark.soffice
@SOFFICE_GROUP
def test_summary_prints_every_finding_whole_and_its_header_on_every_page(
    printed: dict[str, list[Page]],
) -> None:
    pages = printed["summary"]
    last = next(i for i, page in enumerate(pages) if squeeze(DATE_TEXT) in squeeze(page.text))
    assert last > 0, "the summary should run over several pages"
    for number, page in enumerate(pages[: last + 1], start=1):
        assert {"序号", "平台名称", "问题说明"} <= set(page.cells), f"page {number}: no header row"
    cells = [cell for page in pages[: last + 1] for cell in page.cells]
    for unit in long_report()["units"]:
        for line in findings(unit):  # a row too low for its text would clip the last lines
            assert any(squeeze(line) in cell for cell in cells), f"clipped or missing: {line}"
