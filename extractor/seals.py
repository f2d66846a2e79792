"""Red seals (round and oval official stamps, scanned or placed as images) found on PDF pages.

A seal is a region of red ink (colour separation in HSV) of a stamp's size and shape; it is reported with
its page, its box in PDF points and the printed text nearest to it (``申报单位（盖章）``), so that a
person — and the bundle summary's 盖章 column — can tell whether the unit sealed where the form asks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import pypdfium2 as pdfium

from extractor.settings import DEFAULT_LIMITS, Limits

#: A seal covers at least this many square points (a round stamp is 38–42 mm across, ~115 pt) …
MIN_SEAL_AREA = 400.0
#: … and its box is no longer than this in either direction (round and oval stamps).
MAX_SEAL_ASPECT = 2.5
#: Resolution text PDFs' pages are rendered at to look for seals (a stamp is still ~60 pixels across).
SEAL_DPI = 36

#: The character of ``（盖章）`` that names a place for a seal.
SEAL_MARK = "章"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Seal:
    """A red stamp on a page: its page, box in PDF points (x0, top, x1, bottom) and the nearest text."""

    page: int
    bbox: Box
    near: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"page": self.page, "bbox": [round(v, 1) for v in self.bbox], "near": self.near}


def red_ink(image: np.ndarray) -> np.ndarray:
    """The mask (255 where red) of the red ink of a BGR page image, slightly widened to cover its rim."""
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    low = cv2.inRange(hsv, (0, 70, 70), (12, 255, 255))
    high = cv2.inRange(hsv, (160, 70, 70), (180, 255, 255))
    return cv2.dilate(cv2.bitwise_or(low, high), np.ones((3, 3), np.uint8))


def seal_boxes(ink: np.ndarray, scale: float) -> list[Box]:
    """Boxes (pixels) of the red-ink regions of a stamp's size and shape (``scale``: pixels per point)."""
    size = max(3, int(5 * scale)) | 1
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)  # a ring, not its star
    out = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        aspect = max(w, h) / max(min(w, h), 1)
        if w * h / (scale * scale) >= MIN_SEAL_AREA and aspect <= MAX_SEAL_ASPECT:
            out.append((float(x), float(y), float(x + w), float(y + h)))
    return sorted(out, key=lambda b: (b[1], b[0]))


def near(box: Box, texts: list[tuple[str, Box]]) -> str | None:
    """The text naming the seal's place: of the texts the seal covers or stands beside (within half its
    width, on the same lines), the nearest one asking for a seal
    (``（盖章）``, its 章 even when the stamp made the rest unreadable), else the text nearest to the seal's
    centre (same units as ``box``); None when there is no text."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2

    def distance(item: tuple[str, Box]) -> float:
        x0, top, x1, bottom = item[1]
        return math.hypot(max(x0 - cx, 0, cx - x1), max(top - cy, 0, cy - bottom))

    reach = max(box[2] - box[0], box[3] - box[1]) / 2  # a seal is stamped on or beside its label

    def covered(item: tuple[str, Box]) -> bool:
        x0, top, x1, bottom = item[1]
        return x0 < box[2] + reach and box[0] - reach < x1 and top < box[3] and box[1] < bottom

    asking = [t for t in texts if SEAL_MARK in t[0] and covered(t)]
    return min(asking or texts, key=distance)[0] if texts else None


def find_seals(data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Seal]:
    """The seals on the pages of a text PDF (each page rendered small), each with the printed line nearest
    to it; an unreadable file has none (its reader reports it)."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return []
    seals = []
    try:
        for index in range(min(len(document), limits.max_pages)):
            try:
                page = document[index]
            except pdfium.PdfiumError:  # a damaged page the text reader read around: no seal looked for there
                continue
            width, height = page.get_size()
            scale = min(SEAL_DPI / 72, math.sqrt(limits.max_page_pixels / max(width * height, 1.0)))
            image = page.render(scale=scale).to_numpy()[:, :, :3]
            boxes = seal_boxes(red_ink(image), scale)
            if boxes:
                lines = _text_lines(page, height)
                for x0, top, x1, bottom in boxes:
                    bbox = (x0 / scale, top / scale, x1 / scale, bottom / scale)
                    seals.append(Seal(index + 1, bbox, near(bbox, lines)))
    finally:
        document.close()
    return seals


def _text_lines(page: pdfium.PdfPage, height: float) -> list[tuple[str, Box]]:
    """The page's text in rectangles (pdfium's runs of text), boxes from the page's top."""
    textpage = page.get_textpage()
    out = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            out.append((text, (left, height - top, right, height - bottom)))
    return out
