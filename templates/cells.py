"""What every generated workbook shares: user text written into a cell safely, and the A4 print setup.

User text goes through ``write_text``, the one function every generated workbook writes text with.

openpyxl stores a string beginning with ``=`` as a formula; a cell typed ``=HYPERLINK(…)`` by an applicant
must reach the authority's Excel as the text it was (ASVS 1.2.10). So text is always a string cell, and
text that Excel would read as a formula when edited also gets the quote prefix.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell
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


def print_a4_fit_width(ws: Worksheet, *, landscape: bool, side: float, top_bottom: float) -> None:
    """Print ``ws`` on A4: one page wide, as many pages long as it takes, centred; margins in inches."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = side
    ws.page_margins.top = ws.page_margins.bottom = top_bottom
