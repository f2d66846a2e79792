"""Read a scanned PDF (pages that are only images) into the intermediate model, by text recognition.

Each page is rendered with pypdfium2 (its size bounded by ``Limits.max_page_pixels``), straightened
(the skew measured on the long ruling lines), cleared of red seal ink (only the red channel is read, in
which the ink is as light as the paper, so a stamp over a label does not hide it; the stamps found are
kept as seals), its table ruling lines found with OpenCV and its text recognised (``extractor.ocr``).
Text boxes and ruling lines are then handed, in PDF points, to the same table finder and cell assembly
as a text PDF's characters and lines (``extractor.pdf``): the mapper sees the same intermediate, each
cell and line carrying the recognition confidence of its weakest text box.

Recognising a page (``recognise_page``) is the unit of work, and it opens the PDF itself, so any process
can do it. Which process does is the caller's choice, given as a ``PageSource``: by default the pages are
recognised one after the other here (``in_turn``); the service spreads them over processes or over its
task queue's workers. This package runs no pools of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from extractor import checkboxes
from extractor.errors import PagesPending, UnreadableFile
from extractor.model import Paragraph, SourceDoc
from extractor.ocr import TextBox, recognise
from extractor.pdf import (
    _assemble,
    _cluster,
    _edge,
    _find_tables,
    _index,
    _inside,
    _lines,
    _page_table,
    _PageTable,
    _Refused,
)
from extractor.seals import Seal, near, red_ink, seal_boxes
from extractor.settings import DEFAULT_LIMITS, Deadline, Limits, Progress
from forms import FORMS
from forms.labels import fold_label
from forms.problems import Problem, Severity
from forms.spacing import is_cjk

#: Resolution pages are recognised at: 200 dpi reads the forms' 10.5-pt text reliably.
DPI = 200
#: Largest skew corrected, in degrees (a page fed crookedly into a scanner).
MAX_SKEW = 5.0
#: A ruling line is at least this fraction of the page's width (horizontal) or height (vertical) …
H_LINE_FRACTION = 1 / 30
V_LINE_FRACTION = 1 / 60

__all__ = ["PageSource", "PagesPending", "ScannedPage", "in_turn", "read_scan", "recognise_page"]


def is_scan(data: bytes) -> bool:
    """Whether a PDF is plainly a scan, told from its bytes without interpreting a page: it draws images
    and names no font. A file that also names form XObjects (which can nest and multiply what a page
    draws) goes to the text-PDF reader, which bounds the objects drawn on each page and then recognises
    the image pages it found (``recognise_pages``) — as it does for any PDF whose objects are compressed."""
    return b"/Image" in data and b"/Font" not in data and b"/Form" not in data


def read_scan(
    data: bytes,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> SourceDoc:
    """Read a scanned PDF (bytes; ``name`` names it in messages) into a ``SourceDoc`` of kind ``scan``;
    ``progress(n, N)`` is told as the n-th of the N pages recognised begins; ``page_source`` recognises them
    (``in_turn`` when None)."""
    problems: list[Problem] = []
    with _opened(data, name) as document:
        total = len(document)
    recognised = min(total, limits.max_pages, limits.max_ocr_pages)
    found = _recognise(data, name, range(1, recognised + 1), limits, progress, page_source)
    items, seals = found.items, found.seals
    if found.form_ends is not None and found.form_ends < total:  # the rest are the applicant's attachments
        params = {"pages": _page_span(found.form_ends + 1, total), "count": total - found.form_ends}
        problems.append(Problem("attachment_pages", Severity.WARN, params=params))
    elif total > recognised:
        params = {"total": total, "limit": recognised}
        problems.append(Problem("pages_not_recognised", Severity.WARN, params=params))
    if not items:
        raise UnreadableFile(
            name,
            "扫描件/无文本层，且未识别出任何文字：请提供清晰的扫描件或 Word 文件",
            english="no text layer, no text recognised",
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return SourceDoc(
        file=name,
        kind="scan",
        blocks=tuple(_assemble([block for _, _, block in items])),
        problems=tuple(problems),
        pages=total,
        meta={"ocr": True, "seals": [s.to_dict() for s in seals]},
    )


def recognise_pages(
    data: bytes,
    name: str,
    numbers: list[int],
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    page_source: PageSource | None = None,
) -> list[tuple[int, float, Paragraph | _PageTable]]:
    """The blocks (with page and top) of the image pages ``numbers`` (1-based) of a text PDF, recognised
    as a scan's are: a mixed PDF's text pages are read as text, its scanned pages by recognition."""
    return _recognise(data, name, numbers[: limits.max_ocr_pages], limits, progress, page_source).items


@contextmanager
def _opened(data: bytes, name: str) -> Iterator[pdfium.PdfDocument]:
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(name, f"PDF 文件已损坏，无法读取（{exc}）", english="corrupt PDF") from None
    try:
        yield document
    finally:
        document.close()


def recognise_page(data: bytes, name: str, number: int, limits: Limits = DEFAULT_LIMITS) -> ScannedPage:
    """Page ``number`` (1-based) of the PDF ``data`` rendered and recognised: the unit of work, which any
    process can do (it opens the PDF itself)."""
    with _opened(data, name) as document:
        return _read_page(document, name, number, limits)


def in_turn(data: bytes, name: str, numbers: Sequence[int], limits: Limits) -> Iterator[ScannedPage]:
    """The pages ``numbers`` recognised one after the other in this process, as they are asked for (the
    default ``PageSource``): one page image held at a time."""
    with _opened(data, name) as document:
        for number in numbers:
            yield _read_page(document, name, number, limits)


def _read_page(document: pdfium.PdfDocument, name: str, number: int, limits: Limits) -> ScannedPage:
    try:
        image, scale = render(document[number - 1], limits)
    except pdfium.PdfiumError as exc:
        reason = f"PDF 第 {number} 页已损坏，无法读取（{exc}）"
        raise UnreadableFile(name, reason, english="corrupt PDF") from None
    return read_image(image, scale, number)


@dataclass
class _Recognised:
    """What ``_recognise`` found: the blocks (with page and top), the seals, and the page the form ended
    on when a form's last field was found (None: not found, every page was recognised)."""

    items: list[tuple[int, float, Paragraph | _PageTable]]
    seals: list[Seal]
    form_ends: int | None = None


def _recognise(
    data: bytes,
    name: str,
    numbers: Sequence[int],
    limits: Limits,
    progress: Progress | None,
    page_source: PageSource | None,
) -> _Recognised:
    """The blocks and seals of the pages ``numbers`` (1-based), recognised by ``page_source``, within
    ``limits.ocr_timeout``. Once a page holds a form's last field, the pages after it are attachments
    (a licence, an audit report …) and are not recognised — but for pages its last table runs on to, told
    by their ruling lines in a small rendering."""
    deadline = Deadline(limits, limits.ocr_timeout)
    found = _Recognised([], [])
    recognised = (page_source or in_turn)(data, name, numbers, limits)
    columns: list[float] | None = None  # the column lines of the form's last table, once found
    try:
        for done, number in enumerate(numbers, start=1):
            if deadline.passed():
                raise UnreadableFile(name, f"PDF 第 {number} 页{deadline.reason}", english="parse timeout")
            if columns is not None and not _continues(data, number, columns, limits):
                found.form_ends = number - 1
                break
            if progress is not None:
                progress(done, len(numbers))
            page = next(recognised)
            found.seals.extend(page.seals)
            try:
                blocks = page.blocks(limits)
            except _Refused as exc:
                raise UnreadableFile(name, f"PDF 第 {number} 页{exc.reason}", english=exc.english) from None
            found.items.extend(blocks)
            if columns is None:
                columns = _closing_columns([block for _, _, block in blocks])
    finally:
        close = getattr(recognised, "close", None)
        if close is not None:  # a generator: its PDF closed, a pool's waiting pages given up
            close()
    return found


#: How far apart (points) a column line of the form's last table and a line on the next page may be and
#: still be the same column (scanned pages shift by a few millimetres in the feeder).
COLUMN_SLACK = 10.0
#: Resolution of the small rendering that tells whether a page continues the form's last table.
GLANCE_DPI = 100


@lru_cache(maxsize=1)
def _closing_labels() -> frozenset[str]:
    """The labels of each form's last field, folded (annex1: 证明材料目录; annex2: the authority's
    opinion)."""
    labels: set[str] = set()
    for fd in FORMS.values():
        *_, (_, last) = fd.iter_fields()
        labels.update(fold_label(label) for label in last.labels)
    return frozenset(labels)


def _closing_columns(blocks: list[Paragraph | _PageTable]) -> list[float] | None:
    """None when ``blocks`` (one page's) hold no form's last field; else the column lines of the page's
    last table, which a page continuing it repeats (empty when the page ends with no table)."""
    texts = [b.text for b in blocks if isinstance(b, Paragraph)]
    texts += [c.text for b in blocks if isinstance(b, _PageTable) for c in b.cells]
    if not any(fold_label(t) in _closing_labels() for t in texts if t):
        return None
    tables = [b for b in blocks if isinstance(b, _PageTable)]
    return max(tables, key=lambda t: t.bottom).xs if tables else []


def _continues(data: bytes, number: int, columns: list[float], limits: Limits) -> bool:
    """Whether page ``number`` continues a table with these column lines (points): all of them but one,
    and at least two, are drawn on it. Told from a small rendering, without recognising any text."""
    if len(columns) < 2:
        return False
    with _opened(data, "") as document:
        image, scale = render(document[number - 1], limits, GLANCE_DPI)
    gray = straighten(image)[:, :, 2].copy()
    drawn = [(x0 + x1) / 2 / scale for x0, top, x1, bottom in ruling_lines(gray) if bottom - top > x1 - x0]
    matched = sum(any(abs(x - at) <= COLUMN_SLACK for at in drawn) for x in columns)
    return matched >= max(2, len(columns) - 1)


def _page_span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


@dataclass
class ScannedPage:
    """One page as recognised: text boxes as characters and ruling lines as edges, both in PDF points
    from the page's top (as ``extractor.pdf`` gets them from a text page), and the seals found."""

    number: int
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    seals: list[Seal]

    def to_dict(self) -> dict[str, Any]:
        """The page as JSON-ready data (what the task queue's workers store between a page's task and the
        file's)."""
        seals = [{"page": s.page, "bbox": list(s.bbox), "near": s.near} for s in self.seals]
        return {"number": self.number, "chars": self.chars, "edges": self.edges, "seals": seals}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScannedPage:
        seals = [Seal(s["page"], tuple(s["bbox"]), s["near"]) for s in data["seals"]]
        return cls(data["number"], data["chars"], data["edges"], seals)

    def blocks(self, limits: Limits) -> list[tuple[int, float, Paragraph | _PageTable]]:
        """The page's tables and lines outside them, with their tops, each knowing its confidence."""
        out: list[tuple[int, float, Paragraph | _PageTable]] = []
        boxes = []
        for bboxes in _find_tables(self.edges):
            if len(bboxes) > limits.max_cells:
                raise _Refused(f"表格单元格超过 {limits.max_cells} 个，拒绝处理", "too many cells")
            box = (
                min(b[0] for b in bboxes),
                min(b[1] for b in bboxes),
                max(b[2] for b in bboxes),
                max(b[3] for b in bboxes),
            )
            boxes.append(box)
            inside = [c for c in self.chars if _inside(c, [box])]
            table = _page_table(bboxes, inside, self.number)
            out.append((self.number, box[1], _with_confidence(table, bboxes, inside)))
        outside = [c for c in self.chars if not _inside(c, boxes)]
        for line in _lines(outside):
            members = [c for c in outside if line.top <= (c["top"] + c["bottom"]) / 2 <= line.bottom]
            paragraph = Paragraph(
                text=repair(line.text),
                index=0,
                page=self.number,
                top=line.top,
                bottom=line.bottom,
                confidence=_weakest(members),
                bbox=(line.x0, line.top, line.x1, line.bottom),
            )
            out.append((self.number, line.top, paragraph))
        return out


#: How a PDF's pages are recognised: given its bytes, its name (for messages), the page numbers (1-based)
#: and the limits, each page's ``ScannedPage`` in that order, as they are asked for. A source that has the
#: pages recognised elsewhere (by the task queue's workers) raises ``PagesPending`` with those not ready.
PageSource = Callable[[bytes, str, Sequence[int], Limits], Iterator[ScannedPage]]


def _weakest(chars: list[dict[str, Any]]) -> float | None:
    return min((c["confidence"] for c in chars), default=None)


def _with_confidence(
    table: _PageTable, bboxes: list[tuple[float, float, float, float]], chars: list[dict[str, Any]]
) -> _PageTable:
    """``table`` whose cells carry the confidence of the weakest text box inside them and their box (each
    cell found on the grid as ``extractor.pdf._page_table`` placed it)."""
    ys = _cluster([b[1] for b in bboxes] + [b[3] for b in bboxes])
    drawn = {(_index(ys, b[1]), _index(table.xs, b[0])): b for b in bboxes}
    cells = []
    for cell in table.cells:
        box = drawn.get((cell.row, cell.col))
        weakest = _weakest([ch for ch in chars if _inside(ch, [box])]) if box else None
        cells.append(replace(cell, text=repair(cell.text), confidence=weakest, bbox=box))
    table.cells = cells
    return table


def read_image(image: np.ndarray, scale: float, number: int) -> ScannedPage:
    """Straighten page ``number``'s image (rendered at ``scale`` pixels per point), find and remove the
    seal ink, find the ruling lines and checkboxes and recognise its text."""
    image = straighten(image)
    ink = red_ink(image)
    gray = image[:, :, 2].copy()  # the red channel: red seal ink is as light as paper, black text stays black
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    to_points = 1 / scale
    edges = [_edge_in_points(seg, to_points) for seg in ruling_lines(gray)]
    marks = checkboxes.find(gray, scale)
    boxes = checkboxes.place(recognise(image), marks)
    chars = [_char(box, to_points) for box in boxes]
    seals = [
        Seal(number, _scaled(bbox, to_points), near(bbox, [(b.text, b.bbox) for b in boxes]))
        for bbox in seal_boxes(ink, scale)
    ]
    return ScannedPage(number, chars, edges, seals)


def render(page: pdfium.PdfPage, limits: Limits, dpi: int = DPI) -> tuple[np.ndarray, float]:
    """The page as a BGR image at ``dpi`` (smaller when that would exceed ``limits.max_page_pixels``) and
    the scale used (pixels per point)."""
    width, height = page.get_size()
    scale = min(dpi / 72, math.sqrt(limits.max_page_pixels / max(width * height, 1.0)))
    bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
    return bitmap.to_numpy()[:, :, :3].copy(), scale


def straighten(image: np.ndarray) -> np.ndarray:
    """``image`` rotated so that its long ruling lines are level (the skew of a crooked scan removed). The
    skew is measured on the page at half size (a quarter of the edge points for the line finder, the same
    angles), then the whole page is turned."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(small, 50, 150)
    width = small.shape[1]
    segments = cv2.HoughLinesP(edges, 1, math.pi / 1800, 100, minLineLength=width // 4, maxLineGap=5)
    if segments is None:
        return image
    angles = []
    for x1, y1, x2, y2 in segments.reshape(-1, 4):
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        if abs(angle) <= MAX_SKEW:
            angles.append(angle)
    if not angles:
        return image
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def ruling_lines(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The horizontal and vertical ruling lines of a page image, as (x0, top, x1, bottom) pixel boxes."""
    ink = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -10)
    h, w = gray.shape
    out: list[tuple[int, int, int, int]] = []
    for kernel in ((max(int(w * H_LINE_FRACTION), 10), 1), (1, max(int(h * V_LINE_FRACTION), 10))):
        lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        lines = cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            x, y, cw, ch = cv2.boundingRect(contour)
            out.append((x, y, x + cw, y + ch))
    return out


def _scaled(box: tuple[float, float, float, float], factor: float) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = box
    return (x0 * factor, top * factor, x1 * factor, bottom * factor)


def _edge_in_points(box: tuple[int, int, int, int], to_points: float) -> dict[str, Any]:
    """A ruling line as ``extractor.pdf``'s table finder takes it: a zero-width line through the box."""
    x0, top, x1, bottom = _scaled(box, to_points)
    if x1 - x0 >= bottom - top:  # horizontal
        mid = (top + bottom) / 2
        return _edge(x0, mid, x1, mid)
    mid = (x0 + x1) / 2
    return _edge(mid, top, mid, bottom)


#: A dash read as the character 一 or a hyphen between a year or month and the next date (2023年一2025年).
_DATE_DASH = re.compile(r"(?<=[年月])\s*[一\-－–]\s*(?=\d)")


@lru_cache(maxsize=1)
def _dashed_labels() -> frozenset[str]:
    """The forms' labels printed with a dash (申报单位承诺 — 日期), folded as the engine reads them (一)."""
    labels = set()
    for fd in FORMS.values():
        for _, f in fd.iter_fields():
            for label in (*f.labels, *(label for c in f.columns for label in c.labels)):
                if "—" in label:
                    labels.add(fold_label(label.replace("—", "一")))
    return frozenset(labels)


#: Brackets the engine read as ASCII ones, with the room a full-width bracket leaves read as spaces.
_BRACKETS = re.compile(r" *\(([^()\n]*)\) *")


def _full_width(m: re.Match[str]) -> str:
    """``(2022) `` as ``（2022）`` where the bracket stands by or holds Chinese text: Chinese text is set
    with full-width brackets, which the engine reads as ASCII ones and a space beside them."""
    text = m.string
    before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
    if any(is_cjk(ch) for ch in before + m.group(1) + after):
        return f"（{m.group(1).strip()}）"
    return m.group()


def repair(text: str) -> str:
    """Recognised text with the engine's known misreadings of our forms mended: an em dash read as 一 in a
    dashed label or between dates, full-width brackets read as ASCII ones."""
    text = _BRACKETS.sub(_full_width, _DATE_DASH.sub("—", text))
    if "一" in text and fold_label(text) in _dashed_labels():
        text = text.replace("一", "—")
    return text


def _char(box: TextBox, to_points: float) -> dict[str, Any]:
    """A recognised text box as one "character" of ``extractor.pdf``'s line and cell assembly."""
    x0, top, x1, bottom = _scaled(box.bbox, to_points)
    return {
        "text": box.text,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "size": (bottom - top) * 0.8,
        "fontname": None,
        "upright": True,
        "confidence": box.confidence,
    }
