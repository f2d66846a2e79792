"""Crops of a scan's uncertain values: the part of the page each ``ocr_uncertain`` value was read from,
rendered again from the PDF as a small PNG, so that a person compares the reading with the page in one look.

The boxes are those of the recognition (``provenance[path]["bbox"]``, points from the page's top left),
measured on the straightened page: a margin around each box covers a scanner's small skew. Bounded: at
most ``MAX_CROPS`` crops per file, each at most ``MAX_WIDTH`` × ``MAX_HEIGHT`` pixels.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pypdfium2 as pdfium

from forms.problems import Problem

#: Crops per file: the first uncertain values in the order their problems are listed.
MAX_CROPS = 30
#: Largest crop in pixels (a wider or taller box is rendered smaller).
MAX_WIDTH, MAX_HEIGHT = 600, 200
#: Resolution a small box is shown at (pixels per point: 144 dpi) and the margin around it, in points.
SCALE = 2.0
MARGIN = 6.0


def uncertain_crops(
    data: bytes, problems: Sequence[Problem], provenance: Mapping[str, Mapping[str, Any]]
) -> dict[str, bytes]:
    """Field path → a PNG of where the page shows it, for every ``ocr_uncertain`` problem whose value has
    a page and box in ``provenance`` (a scan's ``data`` as the reader got it)."""
    wanted: dict[str, tuple[int, Sequence[float]]] = {}
    for problem in problems:
        where = provenance.get(problem.field or "") or {}
        if problem.code == "ocr_uncertain" and where.get("bbox") and where.get("page"):
            wanted.setdefault(problem.field or "", (where["page"], where["bbox"]))
        if len(wanted) == MAX_CROPS:
            break
    if not wanted:
        return {}
    document = pdfium.PdfDocument(data)
    try:
        return {
            path: _crop(document[page - 1], box)
            for path, (page, box) in wanted.items()
            if page <= len(document)
        }
    finally:
        document.close()


def _crop(page: pdfium.PdfPage, box: Sequence[float]) -> bytes:
    """``box`` (x0, top, x1, bottom in points) of ``page`` with a margin, as a PNG within the size bound."""
    width, height = page.get_size()
    x0, top = max(box[0] - MARGIN, 0.0), max(box[1] - MARGIN, 0.0)
    x1, bottom = min(box[2] + MARGIN, width), min(box[3] + MARGIN, height)
    x1, bottom = max(x1, x0 + 1), max(bottom, top + 1)
    scale = min(SCALE, MAX_WIDTH / (x1 - x0), MAX_HEIGHT / (bottom - top))
    # pdfium's crop is what to cut off each side (left, bottom, right, top), in points
    bitmap = page.render(
        scale=scale, crop=(x0, height - bottom, width - x1, top), fill_color=(255, 255, 255, 255)
    )
    out = io.BytesIO()
    bitmap.to_pil().convert("RGB").save(out, "PNG", optimize=True)
    return out.getvalue()
