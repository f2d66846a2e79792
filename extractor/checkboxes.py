"""Checkbox squares on a page image and their marks, told by the ink inside them, not by text recognition.

The recognition engine reads a line such as ``□企业 ☑事业单位`` as text and often drops or misreads its
marks (a box is one small glyph in a long line). A printed box is a thin square outline of about a
character's size, so it is found in the image; the share of dark pixels inside it tells a typed ☑ or ■, a
hand-drawn tick or cross and an empty box apart, whatever glyph the engine guessed. The engine's reading of
the line is then rewritten with the marks so found (``place``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from extractor.ocr import Glyph, TextBox
from forms.vocabulary import CHECKED_MARKS, UNCHECKED_MARKS

#: A checkbox square's side, in points (a 10.5-pt ☐ glyph is ~9 pt; a drawn box up to ~14 pt).
MIN_SIDE, MAX_SIDE = 6.0, 16.0
#: Longest side over shortest of a square outline.
MAX_ASPECT = 1.3
#: Share of the outline's border that is ink (a box's four sides are solid lines; a 口 or 日 glyph less so).
MIN_BORDER_INK = 0.8
#: Share of the inside (within a margin off the outline) that is ink: at most this for an empty box …
EMPTY_INK = 0.04
#: … at least this for a marked one (☑'s tick, ■, a hand tick or cross); in between the mark is unclear.
MARKED_INK = 0.10
#: Confidence given to a mark between the two (reported as uncertain) and to a clear one.
UNCLEAR, CLEAR = 0.5, 1.0

#: More squares than this on one page are a pattern (graph paper, a hostile page), not a form's boxes: none
#: is read as a mark, which keeps the matching of boxes to lines bounded.
MAX_BOXES = 500

UNCHECKED, CHECKED = "☐", "☑"
#: What the engine reads a box as (its marks, a tick, a cross): a square read as anything else is text.
MARK_READINGS = CHECKED_MARKS | UNCHECKED_MARKS | frozenset("×xXvV✗✘")


@dataclass(frozen=True)
class Checkbox:
    """A checkbox square on a page image: its box in pixels (x0, top, x1, bottom) and the share of ink
    inside it."""

    bbox: tuple[int, int, int, int]
    ink: float

    @property
    def checked(self) -> bool:
        return self.ink >= (EMPTY_INK + MARKED_INK) / 2

    @property
    def confidence(self) -> float:
        """How plainly the box is empty or marked."""
        return CLEAR if self.ink <= EMPTY_INK or self.ink >= MARKED_INK else UNCLEAR

    @property
    def mark(self) -> str:
        return CHECKED if self.checked else UNCHECKED


def find(gray: np.ndarray, scale: float) -> list[Checkbox]:
    """The checkbox squares of a grayscale page image (``scale``: pixels per point), left to right."""
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    stroke = max(3, round(MIN_SIDE * scale * 0.6))  # the level and upright strokes, without a tick's slant
    level = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (stroke, 1)))
    upright = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, stroke)))
    outlines = cv2.bitwise_or(level, upright)
    contours, _ = cv2.findContours(outlines, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    candidates: list[Checkbox] = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if not (MIN_SIDE * scale <= min(w, h) and max(w, h) <= MAX_SIDE * scale):
            continue
        if max(w, h) > MAX_ASPECT * min(w, h):
            continue
        box = outlines[y : y + h, x : x + w] > 0
        rim = max(1, round(min(w, h) * 0.12))
        sides = [box[:rim].any(axis=0), box[-rim:].any(axis=0), box[:, :rim].any(axis=1)]
        sides.append(box[:, -rim:].any(axis=1))
        if min(float(side.mean()) for side in sides) < MIN_BORDER_INK:
            continue
        margin = max(2, round(min(w, h) * 0.22))
        inside = ink[y + margin : y + h - margin, x + margin : x + w - margin] > 0
        if inside.size == 0:
            continue
        candidates.append(Checkbox((x, y, x + w, y + h), float(inside.mean())))
        if len(candidates) > 4 * MAX_BOXES:  # each box's outline counts at most a few times
            return []
    found: list[Checkbox] = []
    for square in sorted(candidates, key=lambda c: -_area(c.bbox)):  # an outline, not its inner edge or fill
        if not any(_overlaps(square.bbox, other.bbox) for other in found):
            found.append(square)
    if len(found) > MAX_BOXES:
        return []
    return sorted(found, key=lambda c: (c.bbox[1], c.bbox[0]))


def _area(box: tuple[int, int, int, int]) -> int:
    return (box[2] - box[0]) * (box[3] - box[1])


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _under(glyph: Glyph, box: Checkbox) -> bool:
    return box.bbox[0] <= (glyph.x0 + glyph.x1) / 2 <= box.bbox[2]


def place(boxes: list[TextBox], found: list[Checkbox]) -> list[TextBox]:
    """The recognised lines ``boxes`` with their marks taken from the checkboxes ``found`` on the page
    (``mark``): each box belongs to the line that read a glyph over it, else to the nearest line beside it."""
    owned: list[list[Checkbox]] = [[] for _ in boxes]
    for square in found:
        cy = (square.bbox[1] + square.bbox[3]) / 2
        level = [(n, box) for n, box in enumerate(boxes) if box.bbox[1] <= cy <= box.bbox[3]]
        reading = [(0.0, n) for n, box in level if any(_under(g, square) for g in box.glyphs)]
        beside = [
            (_distance(box, square), n)
            for n, box in level
            if _distance(box, square) <= box.bbox[3] - box.bbox[1]
        ]
        if reading or beside:
            owned[min(reading or beside)[1]].append(square)
    return [mark(box, mine) for box, mine in zip(boxes, owned, strict=True)]


def _distance(box: TextBox, square: Checkbox) -> float:
    """How far a checkbox's centre is from a line, left or right (0 inside it)."""
    cx = (square.bbox[0] + square.bbox[2]) / 2
    return max(box.bbox[0] - cx, 0.0, cx - box.bbox[2])


def mark(box: TextBox, mine: list[Checkbox]) -> TextBox:
    """``box`` with its marks taken from its checkboxes ``mine``: whatever the engine read where a box is
    printed is replaced by the box's mark, a box it dropped is put back before the text after it. A mark
    the engine read where no box was found is as sure as the engine is of that character. Its confidence
    becomes that of its text without the marks (the mean of its characters', as the engine scores a line),
    or of its least clear mark. Unchanged where the engine gave no character positions."""
    if not box.glyphs:
        return box
    mine = [c for c in mine if all(g.text in MARK_READINGS for g in box.glyphs if _under(g, c))]
    if not mine:  # none, or each a glyph such as 口 or 国 that the engine read as text: its own marks count
        read = [g.score for g in box.glyphs if g.text in CHECKED_MARKS | UNCHECKED_MARKS]
        return replace(box, confidence=min([box.confidence, *read]), glyphs=())
    kept = [g for g in box.glyphs if not any(_under(g, c) for c in mine)]
    pieces = [((g.x0 + g.x1) / 2, g) for g in kept] + [((c.bbox[0] + c.bbox[2]) / 2, c) for c in mine]
    pieces.sort(key=lambda piece: piece[0])
    text = ""
    for _, piece in pieces:
        if isinstance(piece, Checkbox):
            text = (text.rstrip() + " " if text else "") + piece.mark
        else:
            text += (" " if piece.space_before and text and not text.endswith(" ") else "") + piece.text
    scores = [g.score for g in kept]
    marks = [c.confidence for c in mine]
    confidence = min([sum(scores) / len(scores)] if scores else [], default=CLEAR)
    return replace(box, text=text, confidence=min([confidence, *marks]), glyphs=())
