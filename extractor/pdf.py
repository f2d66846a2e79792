"""Read a PDF into the intermediate model (the only module that imports pdfplumber and pdfminer).

pdfminer interprets each page into characters and ruling lines (read straight from its layout objects:
pdfplumber's conversion of every object into a dict of all its attributes would cost a third of the time),
and pdfplumber's table finder (``pdfplumber.table``: snap, join, intersect ruling lines into cells) finds the
ruled tables. Per page: those tables, each cell's text re-joined across line wraps (CJK and digits
join without a space, so an 18-character USCC wrapped in a narrow cell comes back whole; Latin words keep
their space; a short line followed by a new CJK line starts a new paragraph), and the lines outside the
tables as paragraphs, in reading order. A table that continues on the next page (same columns, or a first
row with the columns of the last row before the break) is stitched back: header rows repeated on the new
page dropped, a row split by the page break joined again when its continuation has an empty first cell
(a row whose label itself was cut is joined by the mapper, which knows the labels). Pages without
a text layer (scans) and text in fonts without a Unicode map (``(cid:N)``) are reported as problems; a
file with no text at all is unreadable.

Only what a reader sees is read: characters drawn in an invisible render mode (3, 7), outside the page
box, smaller than ``MIN_VISIBLE_SIZE``, white where no filled shape lies under them or covered by an
opaque image drawn after them are kept apart as their cell's or line's ``unseen`` text, for the mapper to
report on the field. A page whose only text is unseen — the invisible text layer a scanner's software lays
over (or under) its page image — is a scanned page and is recognised (``extractor.scan``), never trusted.
"""

from __future__ import annotations

import bisect
import io
import itertools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine, LTRect
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfplumber.table import (
    TableSettings,
    cells_to_tables,
    edges_to_intersections,
    intersections_to_cells,
    merge_edges,
)
from pdfplumber.utils import filter_edges

from extractor.errors import UnreadableFile
from extractor.glyphs import symbol_font, symbol_text
from extractor.model import Block, Cell, Paragraph, SourceDoc, Table, checkbox_states
from extractor.settings import DEFAULT_LIMITS, Deadline, Limits, Progress
from extractor.text import is_cjk, join_wrapped
from forms.problems import Problem, Severity
from forms.spacing import space_is_insignificant

if TYPE_CHECKING:
    from extractor.scan import PageSource

#: Positions closer than this (points) are the same ruling line.
SNAP = 1.5
#: A line ending this many character widths short of the cell's longest line ends a paragraph.
SHORT_LINE_EMS = 2.0
#: Room (in ems) left on a line broken between two letters or digits past which it was broken at a space: a
#: typesetter breaks a word only when it fills the line (a scan's lines carry no space glyph to tell).
WORD_BREAK_EMS = 1.5
#: Gap (in ems) between two non-CJK characters that counts as a space when the PDF has no space glyph.
SPACE_EMS = 0.25
#: Gap (in ems) between two CJK characters that counts as a (full-width) space.
CJK_SPACE_EMS = 0.8

#: Characters smaller than this (points) are not read by anyone.
MIN_VISIBLE_SIZE = 1.0
#: Text render modes that paint nothing (3 invisible, 7 clip only; PDF 32000-1 §9.3.6).
INVISIBLE_MODES = frozenset({3, 7})

#: Ruling lines (after joining) on one page handed to the table finder, and the crossings it may turn into
#: cells: its cost grows with lines × lines and crossings², a 200 × 200 grid of lines (a few KB of PDF) takes
#: half a minute. A dense form page has ~40 lines and ~150 crossings.
MAX_TABLE_EDGES = 1_000
MAX_TABLE_POINTS = 2_000

#: pdfplumber's default table settings ("lines" strategy: tables are found from their ruling lines).
TABLE_SETTINGS = TableSettings()

_CID = re.compile(r"\(cid:\d+\)")

# pdfminer logs a warning for every oddity of a damaged or crafted file ("Refusing to execute circular
# reference", "Could not get FontBBox" …); what matters reaches the caller as a problem or UnreadableFile,
# and the CLI's stderr must stay one line. Its errors are still logged.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_PAGE_NUMBER = re.compile(r"^[\s\-—–·第页共/PpAaGgEe0-9]*$")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    size: float
    bottom: float = 0.0
    trailing_space: bool = False  # the line ends with a space glyph: it was broken at a space


def _char_text(ch: dict[str, Any]) -> str:
    text = ch.get("text") or ""
    table = symbol_font(ch.get("fontname"))
    return symbol_text(text, table) if table else text


def _lines(chars: Sequence[dict[str, Any]]) -> list[_Line]:
    """Group characters into printed lines (top to bottom, left to right), inserting spaces at gaps."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    line_top = line_bottom = 0.0
    for ch in ordered:
        mid = (ch["top"] + ch["bottom"]) / 2
        if current and line_top - 0.5 <= mid <= line_bottom + 0.5:
            current.append(ch)
            line_bottom = max(line_bottom, ch["bottom"])
            continue
        if current:
            groups.append(current)
        current = [ch]
        line_top, line_bottom = ch["top"], ch["bottom"]
    groups.append(current)
    lines = []
    for group in groups:
        group.sort(key=lambda c: c["x0"])
        parts: list[str] = []
        last: dict[str, Any] | None = None  # the last character printed (not a space)
        last_text = ""
        spaced = False  # a space glyph since ``last``
        for ch in group:
            text = _char_text(ch)
            if not text:
                continue
            if text == " ":
                spaced = last is not None
                continue
            if last is not None and _is_space(last, last_text, ch, text, spaced):
                parts.append(" ")
            parts.append(text)
            last, last_text, spaced = ch, text, False
        line_text = "".join(parts)
        if line_text:
            visible = [c for c in group if (c.get("text") or "").strip()]
            lines.append(
                _Line(
                    text=line_text,
                    x0=min(c["x0"] for c in visible),
                    x1=max(c["x1"] for c in visible),
                    top=min(c["top"] for c in visible),
                    size=max(c.get("size") or 10 for c in visible),
                    bottom=max(c["bottom"] for c in visible),
                    trailing_space=(group[-1].get("text") or "") == " ",
                )
            )
    return lines


def _is_space(
    left: dict[str, Any], left_text: str, right: dict[str, Any], right_text: str, glyph: bool
) -> bool:
    """Whether the text has a space between two printed characters: a space glyph, or a gap wider than a
    letter's spacing (a full-width space's between two CJK characters). Between CJK and a Latin letter or
    digit a space glyph or a narrow gap is the typesetter's (``forms.spacing``): only a full-width gap counts
    there, as it separates a label from its value."""
    gap = right["x0"] - left["x1"]
    size = max(min(right.get("size") or 10, left.get("size") or 10), 1)
    if space_is_insignificant(left_text, right_text):
        return gap > size * CJK_SPACE_EMS
    both_cjk = is_cjk(left_text[-1]) and is_cjk(right_text[0])
    return glyph or gap > size * (CJK_SPACE_EMS if both_cjk else SPACE_EMS)


def _cell_text(lines: list[_Line], border: float | None = None) -> str:
    """A cell's lines as its text: wrapped lines joined, paragraphs kept apart. A line of digits that ends
    well before the cell's right ``border`` was not wrapped: the digits on the next line are another number
    (``5000`` / ``6000``), not its continuation (a USCC wrapped in a narrow cell fills the line); a line
    broken between two words with room left on it was broken at a space."""
    if not lines:
        return ""
    right = max(line.x1 for line in lines)
    text = lines[0].text
    for prev, line in zip(lines, lines[1:], strict=False):
        short = right - prev.x1 > SHORT_LINE_EMS * prev.size
        room = border - prev.x1 if border is not None else 0.0
        unwrapped = room > SHORT_LINE_EMS * prev.size
        between_words = all(ch.isalnum() and not is_cjk(ch) for ch in (prev.text[-1], line.text[0]))
        if prev.trailing_space:  # broken at a space (LibreOffice prints the space that ends the line)
            text += " " + line.text
        elif short and is_cjk(line.text[0]):
            text += "\n" + line.text
        elif unwrapped and prev.text[-1].isdigit() and line.text[0].isdigit():
            text += "\n" + line.text
        elif between_words and room > WORD_BREAK_EMS * prev.size:
            text += " " + line.text
        else:
            text = join_wrapped([text, line.text])
    return text


def _cluster(values: Iterable[float]) -> list[float]:
    """Sorted positions with those closer than ``SNAP`` merged (ruling lines drawn twice, rounding)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _index(bounds: list[float], value: float) -> int:
    i = bisect.bisect_left(bounds, value - SNAP)
    return min(i, len(bounds) - 1)


@dataclass
class _PageTable:
    """A table on one page, before stitching: cells with their grid place and the column boundaries."""

    cells: list[Cell]
    xs: list[float]
    top: float
    bottom: float
    page: int
    last_page: int = 0
    #: per cell (same order): its last printed line runs to the cell's right edge — its text may go on
    #: past a page break (a row the break cut, whose every column continues on the next page)
    open: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page


def _page_table(
    bboxes: list[tuple[float, float, float, float]],
    chars: list[dict[str, Any]],
    page: int,
    unseen: Sequence[dict[str, Any]] = (),
) -> _PageTable:
    xs = _cluster([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = _cluster([b[1] for b in bboxes] + [b[3] for b in bboxes])
    placed = []
    grid: dict[tuple[int, int], int] = {}
    for n, (x0, top, x1, bottom) in enumerate(bboxes):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        placed.append((r0, c0, max(1, r1 - r0), max(1, c1 - c0)))
        for r in range(r0, max(r0 + 1, r1)):
            for c in range(c0, max(c0 + 1, c1)):
                grid[(r, c)] = n
    members: list[list[dict[str, Any]]] = [[] for _ in bboxes]
    hidden: list[list[dict[str, Any]]] = [[] for _ in bboxes]
    for into, group in ((members, chars), (hidden, unseen)):
        for ch in group:
            cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            c = bisect.bisect_right(xs, cx) - 1
            r = bisect.bisect_right(ys, cy) - 1
            owner = grid.get((r, c))
            if owner is not None:
                into[owner].append(ch)
    cells: list[Cell] = []
    opened: list[bool] = []
    for n, (r, c, rowspan, colspan) in enumerate(placed):
        lines = _lines(members[n])
        text = _cell_text(lines, bboxes[n][2])
        full = bool(lines) and bboxes[n][2] - lines[-1].x1 <= SHORT_LINE_EMS * lines[-1].size
        cells.append(
            Cell(
                text=text,
                row=r,
                col=c,
                rowspan=rowspan,
                colspan=colspan,
                checked=checkbox_states(text),
                page=page,
                unseen=_unseen_text(hidden[n]),
            )
        )
        opened.append(full)
    order = sorted(range(len(cells)), key=lambda i: (cells[i].row, cells[i].col))
    return _PageTable([cells[i] for i in order], xs, ys[0], ys[-1], page, open=[opened[i] for i in order])


def _unseen_text(chars: Sequence[dict[str, Any]]) -> str:
    return "".join(c["text"] for c in sorted(chars, key=lambda c: (c["top"], c["x0"]))).strip()


def _inside(ch: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 2 * SNAP for x, y in zip(a, b, strict=True))


def _rows(cells: list[Cell]) -> list[list[Cell]]:
    rows: dict[int, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.row, []).append(cell)
    return [rows[r] for r in sorted(rows)]


def _boundaries(table: _PageTable, cells: list[Cell]) -> list[tuple[float, float]]:
    return [(table.xs[c.col], table.xs[min(c.col + c.colspan, len(table.xs) - 1)]) for c in cells]


def _continues(first: _PageTable, more: _PageTable) -> bool:
    """Whether ``more`` has ``first``'s columns: all of them, or at least its first row has the columns of
    ``first``'s last row (a row cut by the page break, in a table whose rows differ)."""
    if _same_columns(first.xs, more.xs):
        return True
    head, cont = _rows(first.cells), _rows(more.cells)
    if not head or not cont:
        return False
    a, b = _boundaries(first, head[-1]), _boundaries(more, cont[0])
    return len(a) == len(b) and all(
        abs(x0 - y0) <= 2 * SNAP and abs(x1 - y1) <= 2 * SNAP for (x0, x1), (y0, y1) in zip(a, b, strict=True)
    )


def _regrid(table: _PageTable, xs: list[float]) -> None:
    """Renumber ``table``'s columns on the finer grid ``xs`` (which holds all of its own boundaries)."""
    cells = []
    for cell, (x0, x1) in zip(table.cells, _boundaries(table, table.cells), strict=True):
        col = _index(xs, x0)
        cells.append(replace(cell, col=col, colspan=max(1, _index(xs, x1) - col)))
    table.cells, table.xs = cells, xs


def _stitch(first: _PageTable, more: _PageTable) -> None:
    """Append ``more`` (the table's continuation on the next page) to ``first``, in place."""
    if not _same_columns(first.xs, more.xs):
        xs = _cluster(first.xs + more.xs)
        _regrid(first, xs)
        _regrid(more, xs)
    is_open = {id(c): o for c, o in zip(first.cells, first.open, strict=True)}
    is_open.update((id(c), o) for c, o in zip(more.cells, more.open, strict=True))
    head_rows = _rows(first.cells)
    cont_rows = _rows(more.cells)
    repeated = 0  # header rows repeated on the new page (a title row and a column header row, say)
    while (
        repeated < min(len(head_rows), len(cont_rows))
        and [c.text for c in cont_rows[repeated]] == [c.text for c in head_rows[repeated]]
        and any(c.text.strip() for c in cont_rows[repeated])
    ):
        repeated += 1
    cont_rows = cont_rows[repeated:]
    if head_rows and cont_rows:
        split = cont_rows[0]
        first_cell = next((c for c in split if c.col == 0), None)
        last = {c.col: c for c in head_rows[-1]}
        cut = all(is_open.get(id(last[c.col]), False) for c in split if c.text.strip() and c.col in last)
        if (first_cell is None or not first_cell.text.strip() or cut) and any(c.text.strip() for c in split):
            joined = {}
            for cell in split:
                target = last.get(cell.col)
                if target is None:
                    break
                text = join_wrapped([target.text, cell.text])
                joined[cell.col] = replace(target, text=text, checked=checkbox_states(text))
                is_open[id(joined[cell.col])] = is_open.get(id(cell), False)
            else:  # every piece has a cell above it: one row split by the page break
                last_ids = {id(c) for c in head_rows[-1]}
                first.cells = [joined.get(c.col, c) if id(c) in last_ids else c for c in first.cells]
                cont_rows = cont_rows[1:]
    offset = (max((c.last_row for c in first.cells), default=-1) + 1) - (
        cont_rows[0][0].row if cont_rows else 0
    )
    for row in cont_rows:
        for c in row:
            first.cells.append(replace(c, row=c.row + offset))
            is_open[id(first.cells[-1])] = is_open.get(id(c), False)
    first.open = [is_open.get(id(c), False) for c in first.cells]
    first.bottom = more.bottom
    first.last_page = more.page


@dataclass
class _Page:
    """What one page holds: characters (pdfplumber-style dicts), ruling-line edges, whether it has images."""

    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    graphics: bool
    unseen: list[dict[str, Any]] = field(default_factory=list)  # characters no reader sees


def _page_objects(layout: Any) -> _Page:
    """Characters and edges of an interpreted page, top-down coordinates (``top`` from the page's top)."""
    height = layout.height
    chars: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    shapes: list[tuple[float, float, float, float]] = []  # filled, not white: white text on them shows
    graphics = False
    stack = [iter(layout)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
            continue
        if isinstance(obj, LTChar):
            fontname = obj.fontname
            chars.append(
                {
                    "text": obj.get_text(),
                    "x0": obj.x0,
                    "x1": obj.x1,
                    "top": height - obj.y1,
                    "bottom": height - obj.y0,
                    "size": obj.size,
                    "fontname": fontname.decode("latin-1") if isinstance(fontname, bytes) else fontname,
                    "upright": obj.upright,
                    "invisible": _drawn_invisibly(obj, layout.bbox),
                    "white": _white(obj.graphicstate.ncolor),
                }
            )
        elif isinstance(obj, LTRect):
            graphics = True
            if obj.fill and not _white(obj.non_stroking_color):
                shapes.append((obj.x0, height - obj.y1, obj.x1, height - obj.y0))
            edges.extend(_rect_edges(obj.x0, height - obj.y1, obj.x1, height - obj.y0))
        elif isinstance(obj, LTLine):
            graphics = True
            edges.append(_edge(obj.x0, height - obj.y1, obj.x1, height - obj.y0))
        elif isinstance(obj, LTCurve):
            graphics = True
            points = [(x, height - y) for x, y in obj.pts]
            for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
                if ax == bx or ay == by:
                    edges.append(_edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
        elif isinstance(obj, LTImage):
            graphics = True
            if _opaque(obj):  # the text drawn before it, under it, is hidden (a scan's text layer)
                box = (obj.x0, height - obj.y1, obj.x1, height - obj.y0)
                for ch in chars:
                    ch["invisible"] = ch["invisible"] or _inside(ch, [box])
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj))
    seen: list[dict[str, Any]] = []
    unseen: list[dict[str, Any]] = []
    for ch in chars:
        invisible, white = ch.pop("invisible"), ch.pop("white")
        (unseen if invisible or (white and not _inside(ch, shapes)) else seen).append(ch)
    return _Page(seen, edges, graphics, unseen)


def _opaque(image: LTImage) -> bool:
    """An image that hides what lies under it: no soft mask, colour-key mask or stencil."""
    attrs = getattr(image.stream, "attrs", {}) or {}
    return not any(key in attrs for key in ("SMask", "Mask", "ImageMask", "SM", "IM"))


def _drawn_invisibly(ch: LTChar, page: tuple[float, float, float, float]) -> bool:
    """A character painted in an invisible render mode, tiny, or wholly outside the page box."""
    x0, y0, x1, y1 = page
    return (
        getattr(ch, _RENDER_MODE, 0) in INVISIBLE_MODES
        or ch.size < MIN_VISIBLE_SIZE
        or ch.x1 <= x0
        or ch.x0 >= x1
        or ch.y1 <= y0
        or ch.y0 >= y1
    )


def _white(color: Any) -> bool:
    """Whether a fill colour is white paper (gray 1, RGB 1 1 1, CMYK 0 0 0 0)."""
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple) or not all(isinstance(v, int | float) for v in color):
        return False
    if len(color) == 4:
        return all(v <= 0.01 for v in color)
    return len(color) in (1, 3) and all(v >= 0.99 for v in color)


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    """A ruling-line edge as pdfplumber's table finder takes it (horizontal when top == bottom)."""
    return {
        "object_type": "line",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": "h" if top == bottom else "v",
    }


def _rect_edges(x0: float, top: float, x1: float, bottom: float) -> list[dict[str, Any]]:
    return [
        _edge(x0, top, x1, top),
        _edge(x0, bottom, x1, bottom),
        {**_edge(x0, top, x0, bottom), "orientation": "v"},
        {**_edge(x1, top, x1, bottom), "orientation": "v"},
    ]


class _Refused(Exception):
    """A page over a work limit (``_Budget``, ``_find_tables``): the file is refused with ``reason``."""

    def __init__(self, reason: str, english: str) -> None:
        self.reason = reason
        self.english = english
        super().__init__(english)


def _timeout(deadline: Deadline) -> _Refused:
    return _Refused(deadline.reason, "parse timeout")


#: The attribute ``_Budget`` sets on each character: the text render mode it was drawn in.
_RENDER_MODE = "itbforms_render_mode"


class _Budget(PDFPageAggregator):
    """pdfminer's page aggregator, holding each page to ``limits.max_page_objects`` drawn objects and the
    document to its deadline: a form XObject that draws another twice, n levels deep, draws 2^n objects
    from a few hundred bytes (pdfminer only refuses a form that draws *itself*)."""

    def __init__(self, resources: PDFResourceManager, limits: Limits, deadline: Deadline) -> None:
        super().__init__(resources, laparams=None)
        self.limits = limits
        self.deadline = deadline
        self.drawn = 0
        self.mode = 0

    def begin_page(self, page: PDFPage, ctm: Any) -> None:
        self.drawn = 0
        super().begin_page(page, ctm)

    def _draw(self) -> None:
        self.drawn += 1
        if self.drawn > self.limits.max_page_objects:
            raise _Refused(
                f"内容过于复杂（超过 {self.limits.max_page_objects} 个绘图对象），拒绝处理",
                "too many objects on a page",
            )
        if not self.drawn % 512 and self.deadline.passed():
            raise _timeout(self.deadline)

    def begin_figure(self, *args: Any) -> None:
        self._draw()
        super().begin_figure(*args)

    def paint_path(self, *args: Any) -> None:
        self._draw()
        super().paint_path(*args)

    def render_image(self, *args: Any) -> None:
        self._draw()
        super().render_image(*args)

    def render_string(self, textstate: Any, *args: Any) -> None:
        self.mode = textstate.render  # pdfminer's LTChar does not keep the text render mode
        super().render_string(textstate, *args)

    def render_char(self, *args: Any) -> float:
        self._draw()
        advance = float(super().render_char(*args))
        setattr(self.cur_item._objs[-1], _RENDER_MODE, self.mode)
        return advance


def _find_tables(edges: list[dict[str, Any]]) -> list[list[tuple[float, float, float, float]]]:
    """The cells (bounding boxes) of each ruled table, as pdfplumber's ``find_tables`` finds them; a page
    with more ruling lines or crossings than a form has is refused (``_Refused``) before the quadratic
    steps."""
    s = TABLE_SETTINGS
    lines = filter_edges(edges, "v", min_length=s.edge_min_length_prefilter)
    lines += filter_edges(edges, "h", min_length=s.edge_min_length_prefilter)
    if not lines:
        return []
    merged = merge_edges(
        lines, s.snap_x_tolerance, s.snap_y_tolerance, s.join_x_tolerance, s.join_y_tolerance
    )
    merged = filter_edges(merged, min_length=s.edge_min_length)
    if len(merged) > MAX_TABLE_EDGES:
        raise _Refused(
            f"表格线过多（{len(merged)} 条，上限 {MAX_TABLE_EDGES} 条），不是表单，拒绝处理",
            "too many ruling lines",
        )
    points = edges_to_intersections(merged, s.intersection_x_tolerance, s.intersection_y_tolerance)
    if len(points) > MAX_TABLE_POINTS:
        raise _Refused(
            f"表格线交点过多（{len(points)} 个，上限 {MAX_TABLE_POINTS} 个），不是表单，拒绝处理",
            "too many ruling-line crossings",
        )
    return [
        [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in group]
        for group in cells_to_tables(intersections_to_cells(points))
    ]


def _unreadable(name: str, exc: Exception, page: int | None = None) -> UnreadableFile:
    if isinstance(exc, _Refused):
        where = f"第 {page} 页" if page else "文件"
        return UnreadableFile(name, f"PDF {where}{exc.reason}", english=exc.english)
    if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError) or isinstance(
        exc.__cause__, PDFPasswordIncorrect | PDFEncryptionError
    ):
        return UnreadableFile(name, "PDF 已加密，请去除密码后再上传", english="encrypted PDF")
    where = f"第 {page} 页" if page else "文件"
    return UnreadableFile(name, f"PDF {where}已损坏，无法读取（{type(exc).__name__}）", english="corrupt PDF")


def read_pdf(
    data: bytes,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> SourceDoc:
    """Read a PDF (bytes; ``name`` names it in messages) into a ``SourceDoc``; ``progress(n, N)`` is told
    as the n-th of its N image pages to recognise begins; ``page_source`` recognises them
    (``extractor.scan``)."""
    problems: list[Problem] = []
    scanned: list[int] = []
    undecodable: list[int] = []
    items: list[tuple[int, float, Paragraph | _PageTable]] = []  # (page, top, block) in reading order
    chars_seen = 0
    deadline = Deadline(limits)
    try:  # pdfminer promises no narrower set of exceptions for a damaged or hostile file
        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        pages = list(itertools.islice(PDFPage.create_pages(document), limits.max_pages + 1))
        total = _page_count(document, len(pages))
        resources = PDFResourceManager(caching=True)
        device = _Budget(resources, limits, deadline)
        interpreter = PDFPageInterpreter(resources, device)
    except Exception as exc:  # pdfminer raises anything on a hostile file
        raise _unreadable(name, exc) from None
    if total > limits.max_pages:
        problems.append(
            Problem("pages_truncated", Severity.WARN, params={"total": total, "limit": limits.max_pages})
        )
    for number, pdf_page in enumerate(pages[: limits.max_pages], start=1):
        try:
            if deadline.passed():
                raise _timeout(deadline)
            interpreter.process_page(pdf_page)
            page = _page_objects(device.get_result())
            chars = [c for c in page.chars if c["upright"]]
            text = "".join(c["text"] for c in chars)
            found = _find_tables(page.edges) if text.strip() else []
        except Exception as exc:  # pdfminer raises anything on a hostile file
            raise _unreadable(name, exc, number) from None
        if not text.strip():
            if page.graphics:
                scanned.append(number)
            continue
        if _CID.search(text):
            undecodable.append(number)
        chars_seen += len(chars)
        if chars_seen > limits.max_chars:
            raise UnreadableFile(
                name, f"文字超过 {limits.max_chars} 个字符，拒绝处理", english="too much text"
            )
        boxes = []
        for bboxes in found:
            if len(bboxes) > limits.max_cells:
                raise UnreadableFile(
                    name, f"表格单元格超过 {limits.max_cells} 个，拒绝处理", english="too many cells"
                )
            x0, top = min(b[0] for b in bboxes), min(b[1] for b in bboxes)
            x1, bottom = max(b[2] for b in bboxes), max(b[3] for b in bboxes)
            boxes.append((x0, top, x1, bottom))
            box = (x0, top, x1, bottom)
            table = _page_table(bboxes, _within(chars, box), number, _within(page.unseen, box))
            items.append((number, top, table))
        outside = [c for c in chars if not _inside(c, boxes)] if boxes else chars
        hidden = [c for c in page.unseen if not _inside(c, boxes)]
        for line in _lines(outside):
            beside = [c for c in hidden if line.top <= (c["top"] + c["bottom"]) / 2 <= line.bottom]
            paragraph = Paragraph(
                text=line.text,
                index=0,
                page=number,
                top=line.top,
                bottom=line.bottom,
                unseen=_unseen_text(beside),
            )
            items.append((number, line.top, paragraph))
    ocr = bool(scanned)
    if ocr:  # image pages (a mixed PDF, a scan not told by its bytes) are recognised (``extractor.scan``)
        from extractor.scan import recognise_pages

        found_on = recognise_pages(data, name, scanned, limits, progress, page_source)
        items += found_on
        scanned = [n for n in scanned if n not in {page for page, _, _ in found_on}]
    if scanned:
        problems.append(
            Problem(
                "scanned_page", Severity.WARN, params={"pages": _page_list(scanned), "count": len(scanned)}
            )
        )
    if undecodable:
        problems.append(Problem("undecodable_font", Severity.WARN, params={"pages": _page_list(undecodable)}))
    if not items:
        if scanned:
            raise UnreadableFile(
                name,
                "扫描件/无文本层：PDF 中没有可读取的文字，请提供 Word 文件或可复制文字的 PDF",
                english="no text layer",
            )
        raise UnreadableFile(name, "PDF 中没有任何文字", english="empty PDF")
    items.sort(key=lambda item: (item[0], item[1]))
    blocks = _assemble([block for _, _, block in items])
    meta = {"ocr": True} if ocr else {}
    return SourceDoc(
        file=name, kind="pdf", blocks=tuple(blocks), problems=tuple(problems), pages=total, meta=meta
    )


def _within(chars: list[dict[str, Any]], box: tuple[float, float, float, float]) -> list[dict[str, Any]]:
    """The characters wholly inside ``box`` (a table's outline, one point of slack)."""
    x0, top, x1, bottom = box
    return [
        c
        for c in chars
        if x0 - 1 <= c["x0"] and c["x1"] <= x1 + 1 and top - 1 <= c["top"] and c["bottom"] <= bottom + 1
    ]


def _page_count(document: Any, listed: int) -> int:
    """The page count the document declares (its page tree's ``Count``), or the pages listed."""
    try:
        count = resolve1(resolve1(document.catalog["Pages"])["Count"])
        return max(int(count), listed)
    except Exception:  # a broken page tree still has the pages pdfminer found
        return listed


def _assemble(items: list[Paragraph | _PageTable]) -> list[Block]:
    """Stitch page tables continued on the next page, then number blocks and tables in order."""
    merged: list[Paragraph | _PageTable] = []
    for item in items:
        if isinstance(item, _PageTable):
            prev = _previous_content(merged)
            if (
                isinstance(prev, _PageTable)
                and prev.last_page + 1 == item.page
                and _continues(prev, item)
                and _first_on_page(merged, item)
            ):
                _stitch(prev, item)
                continue
        merged.append(item)
    blocks: list[Block] = []
    tables = 0
    for item in merged:
        if isinstance(item, Paragraph):
            blocks.append(replace(item, index=len(blocks)))
            continue
        cells = [replace(c, page=None) if c.page == item.page else c for c in item.cells]
        rows = tuple(tuple(row) for row in _rows(cells))
        blocks.append(Table(rows=rows, index=tables, page=item.page, ncols=max(len(item.xs) - 1, 0)))
        tables += 1
    return blocks


def _previous_content(merged: list[Paragraph | _PageTable]) -> Paragraph | _PageTable | None:
    """The last block before this one that is not a page number or running footer."""
    for item in reversed(merged):
        if isinstance(item, Paragraph) and _PAGE_NUMBER.match(item.text):
            continue
        return item
    return None


def _first_on_page(merged: list[Paragraph | _PageTable], table: _PageTable) -> bool:
    """True when nothing but page numbers stands above ``table`` on its page."""
    for item in reversed(merged):
        page = item.last_page if isinstance(item, _PageTable) else item.page
        if page != table.page:
            return True
        if isinstance(item, Paragraph) and _PAGE_NUMBER.match(item.text):
            continue
        return False
    return True


def _page_list(pages: list[int]) -> str:
    """``1-3、5`` for pages 1, 2, 3, 5."""
    spans: list[list[int]] = []
    for p in pages:
        if spans and spans[-1][1] + 1 == p:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    return "、".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
