"""The one intermediate every reader produces: paragraphs and tables with their positions.

Plain frozen dataclasses (as pdfplumber returns plain dicts with coordinates), so that the mapper never
sees a python-docx, pdfplumber or openpyxl object and every value it reads knows where it came from
(file, page, table, row, column) — provenance comes free.

Checkbox encodings are already unified by the readers: a chosen box is ``☑`` and an empty one ``☐``
in ``text`` wherever the source used a content control, a form field or a symbol-font glyph; glyphs typed
as text (``■``, ``□``, ``√`` …) are left as typed for the normaliser, which accepts all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from forms.problems import Problem
from forms.vocabulary import CHECKED_MARKS, UNCHECKED_MARKS

#: What a source file was before it was read: a kind of ``extractor.formats.FORMATS`` (``docx``, ``pdf``,
#: ``xlsx``; ``doc``/``xls`` are converted to docx/xlsx first but keep their own kind).
Kind = str


def checkbox_states(text: str) -> tuple[bool, ...]:
    """The states of the checkbox glyphs in ``text``, in order (``☑ 是 ☐ 否`` → ``(True, False)``)."""
    return tuple(ch in CHECKED_MARKS for ch in text if ch in CHECKED_MARKS or ch in UNCHECKED_MARKS)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph outside any table (for a PDF: one printed line outside the tables).

    ``index`` is the block's position in the document; ``page`` is 1-based where the format has pages;
    ``top``/``bottom`` are the line's vertical position on its page (PDF points from the top), where known.
    ``unseen`` is text the file holds here that no reader sees (see ``Cell.unseen``), left out of ``text``.
    ``confidence`` is the text recognition's confidence (0–1) for a line read from a scanned page, and
    ``bbox`` where on the page it was read (x0, top, x1, bottom in points from the top left).
    """

    text: str
    index: int
    page: int | None = None
    top: float | None = None
    bottom: float | None = None
    unseen: str = ""
    confidence: float | None = None
    bbox: tuple[float, float, float, float] | None = None

    @property
    def printed(self) -> bool:
        """A line as printed on a page (its position known): the layout, not the author, broke the text
        into lines, so a value may wrap onto the next line or lose its column (``label value``)."""
        return self.top is not None


@dataclass(frozen=True)
class Cell:
    """One cell, counted once however many grid cells it spans (its top-left position is ``row``/``col``).

    ``value`` is the typed value a spreadsheet stored (number, date, bool) when there is one — ``text`` is
    then only its display; ``percent`` says the spreadsheet showed it with a ``%`` format (0.7845 → 78.45%).
    ``checked`` lists the states of the checkboxes found in the cell, in order. ``page`` is set when the
    cell is on another page than its table's first (a PDF table stitched across pages). ``unseen`` is text
    the file holds in the cell that no reader sees — hidden, near-zero size, coloured like its background,
    deleted, outside the page, drawn invisibly — left out of ``text`` so that a value is what a person saw.
    ``confidence`` is the text recognition's confidence (0–1, its weakest text) for a cell read from a
    scanned page, and ``bbox`` where on the page the cell is drawn (as ``Paragraph.bbox``).
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    checked: tuple[bool, ...] = ()
    value: Any = None
    percent: bool = False
    page: int | None = None
    unseen: str = ""
    confidence: float | None = None
    bbox: tuple[float, float, float, float] | None = None

    @property
    def raw(self) -> Any:
        """What the normaliser should get: the stored value if typed, else the text."""
        return self.text if self.value is None else self.value

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class Table:
    """A table (a Word table, a table found on a PDF page, or one worksheet).

    ``rows[r]`` holds the cells whose top-left corner is in grid row ``r``, left to right. ``index`` numbers
    the tables of the document in order; a nested table names its enclosing table in ``parent``. ``name``
    is the worksheet name for a spreadsheet. ``page`` is the page (or sheet number) where the table starts.
    ``drawn`` is False for a worksheet's grid: its cells are not boxes drawn for the form's values, so an
    empty cell beside a label says nothing (the value may be in the cell below).
    """

    rows: tuple[tuple[Cell, ...], ...]
    index: int
    page: int | None = None
    parent: int | None = None
    name: str | None = None
    ncols: int = 0
    drawn: bool = True

    def cells(self) -> Iterator[Cell]:
        for row in self.rows:
            yield from row

    def grid(self) -> list[list[Cell | None]]:
        """The table as a full grid: every grid position holds the (merged) cell covering it, or None."""
        nrows = len(self.rows)
        width = max([self.ncols, *(c.last_col + 1 for c in self.cells())], default=0)
        grid: list[list[Cell | None]] = [[None] * width for _ in range(nrows)]
        for cell in self.cells():
            for r in range(cell.row, min(cell.last_row, nrows - 1) + 1):
                for c in range(cell.col, cell.last_col + 1):
                    grid[r][c] = cell
        return grid


Block = Paragraph | Table


@dataclass(frozen=True)
class SourceDoc:
    """A whole document as read: its blocks in order and what the reader found wrong (scanned pages …)."""

    file: str
    kind: Kind
    blocks: tuple[Block, ...]
    problems: tuple[Problem, ...] = ()
    pages: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def texts(self, limit: int = 400) -> list[str]:
        """The first ``limit`` non-empty texts (paragraphs and cells) in order, for form detection."""
        out: list[str] = []
        for block in self.blocks:
            items = [block.text] if isinstance(block, Paragraph) else [c.text for c in block.cells()]
            for text in items:
                if text.strip():
                    out.append(text)
                    if len(out) >= limit:
                        return out
        return out
