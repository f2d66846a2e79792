"""What every generated workbook shares: user text written into a cell safely, and how it prints.

User text goes through ``write_text``, the one function every generated workbook writes text with.

openpyxl stores a string beginning with ``=`` as a formula; a cell typed ``=HYPERLINK(…)`` by an applicant
must reach the authority's Excel as the text it was (ASVS 1.2.10). So text is always a string cell, and
text that Excel would read as a formula when edited also gets the quote prefix.
"""

from __future__ import annotations

import math

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from templates.context import clean_text

#: Leading characters that make Excel (or LibreOffice) treat typed text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_text(cell: Cell, text: str) -> None:
    """Store ``text`` (XML-illegal characters dropped) as a string, never a formula."""
    text = clean_text(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


#: Paper a sheet prints on, by how wide its columns are (openpyxl's paper size codes).
PAPERS: tuple[tuple[str, int, float], ...] = (("A4", 9, 842.0), ("A3", 8, 1191.0))  # long side in pt
#: No text may print smaller than this (points): a sheet shrunk further goes on larger paper.
MIN_PRINTED_PT = 9.0
#: The footer of every printed page.
FOOTER = "第 &P 页 共 &N 页"
#: Points one unit of column width takes at 100 %: Excel draws ~5.25, LibreOffice ~6.15 (measured on its
#: PDFs); the larger, with a margin, so that text stays above 9 pt in both.
PT_PER_WIDTH_UNIT = 6.4
#: Width units a character takes in the 11 pt default font: CJK (and full-width) characters about two.
CJK_UNITS, LATIN_UNITS = 2.0, 1.1
#: A wrapped line's height as a multiple of its font size, and the padding of a cell's top and bottom (pt).
LINE_SPACING, ROW_PADDING_PT = 1.4, 4.0
DEFAULT_FONT_PT = 11.0


def column_width(ws: Worksheet, column: int) -> float:
    """The width of a column of ``ws`` in Excel's units (its default where none is set)."""
    return ws.column_dimensions[get_column_letter(column)].width or ws.sheet_format.defaultColWidth or 8.43


def column_points(ws: Worksheet, columns: int) -> float:
    """How wide the first ``columns`` columns of ``ws`` print at 100 %, in points."""
    return sum(PT_PER_WIDTH_UNIT * column_width(ws, c) for c in range(1, columns + 1))


def print_landscape(
    ws: Worksheet, *, columns: int, font_pt: float = DEFAULT_FONT_PT, margin: float = 0.3
) -> None:
    """Print ``ws`` landscape, one page wide, on the smallest paper (A4, else A3) on which its ``columns``
    shrink no text of ``font_pt`` below ``MIN_PRINTED_PT``; footer ``第 n 页 共 m 页``; margins in inches.
    Header rows to repeat are the caller's (``ws.print_title_rows``)."""
    needed = column_points(ws, columns)
    fits = [
        code
        for _, code, long_side in PAPERS
        if (long_side - 2 * margin * 72) / needed * font_pt >= MIN_PRINTED_PT
    ]
    ws.page_setup.paperSize = fits[0] if fits else PAPERS[-1][1]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = margin
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = font_pt  # shrunk with the sheet like every other text


def text_units(text: str, font_pt: float = DEFAULT_FONT_PT) -> float:
    """How many column-width units ``text`` takes on one line in a ``font_pt`` font."""
    units = sum(CJK_UNITS if ord(ch) >= 0x2E80 else LATIN_UNITS for ch in text)
    return units * font_pt / DEFAULT_FONT_PT


def line_count(text: str, width: float, font_pt: float = DEFAULT_FONT_PT) -> int:
    """Lines ``text`` wraps to in a column ``width`` units wide (its own line breaks kept)."""
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(text_units(line, font_pt) / usable)) for line in text.split("\n"))


def fit_row_heights(ws: Worksheet, first: int, last: int) -> None:
    """Set the height of rows ``first``–``last`` from the lines their wrapped text takes (neither Excel
    nor LibreOffice fits a row to its text on opening, so a taller cell would overprint the next row)."""
    spans = {
        (r.min_row, r.min_col): sum(column_width(ws, c) for c in range(r.min_col, r.max_col + 1))
        for r in ws.merged_cells.ranges
    }
    for row in ws.iter_rows(min_row=first, max_row=last):
        height = DEFAULT_FONT_PT * LINE_SPACING
        for cell in row:
            if cell.value is None or isinstance(cell, MergedCell):
                continue
            width = spans.get((cell.row, cell.column)) or column_width(ws, cell.column)
            font_pt = float(cell.font.sz or DEFAULT_FONT_PT)
            height = max(height, line_count(str(cell.value), width, font_pt) * font_pt * LINE_SPACING)
        ws.row_dimensions[row[0].row].height = round(height + ROW_PADDING_PT, 1)
