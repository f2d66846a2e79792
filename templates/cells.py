"""User text into a worksheet cell, safely: the one function every generated workbook writes text with.

openpyxl stores a string beginning with ``=`` as a formula; a cell typed ``=HYPERLINK(…)`` by an applicant
must reach the authority's Excel as the text it was (ASVS 1.2.10). So text is always a string cell, and
text that Excel would read as a formula when edited also gets the quote prefix.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell

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
