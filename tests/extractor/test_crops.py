"""Crops of uncertain values, cut from a real image-only PDF by the boxes provenance gives (no recognition
needed: the boxes are written here): what is cut, and the bounds on count and size."""

from __future__ import annotations

import io

from PIL import Image

from extractor.crops import MAX_CROPS, MAX_HEIGHT, MAX_WIDTH, uncertain_crops
from forms.problems import Problem, Severity
from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import scan

PAGE = scan(pdf_pages(["text:Quarterly sales figures 2025"]), dpi=100, noise=0)


def unsure(path: str) -> Problem:
    return Problem(
        "ocr_uncertain", Severity.WARN, field=path, raw="x", params={"label": path, "confidence": "0.5"}
    )


def test_a_crop_is_the_box_with_a_margin_and_only_uncertain_values_get_one():
    provenance = {
        "a.b": {"page": 1, "bbox": [50.0, 50.0, 150.0, 70.0], "source": "ocr"},
        "a.c": {"page": 1, "bbox": [50.0, 100.0, 150.0, 120.0], "source": "ocr"},
        "a.d": {"page": 1, "source": "ocr"},  # no box: nothing to show
    }
    other = Problem("required", Severity.ERROR, field="a.c", params={"label": "c"})
    crops = uncertain_crops(PAGE, [unsure("a.b"), other, unsure("a.d")], provenance)
    assert list(crops) == ["a.b"]
    image = Image.open(io.BytesIO(crops["a.b"]))
    assert image.size == (224, 64)  # (100 + 2 × 6) × 2 by (20 + 2 × 6) × 2


def test_crops_are_bounded_in_number_and_size():
    boxes = {f"t.{n}": {"page": 1, "bbox": [0.0, 0.0, 2000.0, 2000.0]} for n in range(MAX_CROPS + 5)}
    crops = uncertain_crops(PAGE, [unsure(path) for path in boxes], boxes)
    assert len(crops) == MAX_CROPS
    for data in crops.values():
        width, height = Image.open(io.BytesIO(data)).size
        assert width <= MAX_WIDTH and height <= MAX_HEIGHT
    beyond = {"x.y": {"page": 7, "bbox": [0.0, 0.0, 10.0, 10.0]}}  # a page the file has not
    assert uncertain_crops(PAGE, [unsure("x.y")], beyond) == {}
