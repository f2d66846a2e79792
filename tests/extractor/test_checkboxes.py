"""Checkbox marks read from the ink inside each printed box, not from what the recognition engine made of
the glyph: a line of options drawn with empty boxes, a hand tick, a cross, a filled box and a faint dot."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractor import checkboxes
from extractor.ocr import recognise

pytestmark = pytest.mark.xdist_group("extractor-scan")

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SCALE = 200 / 72  # pixels per point: a page rendered at 200 dpi
OPTIONS = ["企业", "事业单位", "社会团体", "高等院校", "其他"]


def options_line(marks: list[str]) -> tuple[np.ndarray, list[int]]:
    """A line of 10.5-pt options at 200 dpi, each after a printed box holding ``marks`` (``""`` empty,
    ``"tick"`` a hand-drawn tick, ``"cross"``, ``"fill"`` a filled box, ``"dot"`` a faint speck), and the
    left edges of the boxes."""
    size = round(10.5 * SCALE)
    image = Image.new("L", (2200, 3 * size), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    x, top, side = 40, size, round(9 * SCALE)
    lefts = []
    for option, mark in zip(OPTIONS, marks, strict=True):
        box = (x, top, x + side, top + side)
        lefts.append(x)
        draw.rectangle(box, outline=0, width=2)
        if mark == "tick":
            draw.line([(x + 5, top + 13), (x + 10, top + side - 4), (x + side + 6, top - 8)], fill=0, width=3)
        elif mark == "cross":
            draw.line([(x + 5, top + 5), (x + side - 5, top + side - 5)], fill=0, width=3)
            draw.line([(x + 5, top + side - 5), (x + side - 5, top + 5)], fill=0, width=3)
        elif mark == "fill":
            draw.rectangle((x + 5, top + 5, x + side - 5, top + side - 5), fill=0)
        elif mark == "dot":
            draw.rectangle((x + 12, top + 12, x + 15, top + 15), fill=0)
        draw.text((x + side + 8, top - size // 6), option, font=font, fill=0)
        x += side + 8 + size * len(option) + 2 * size
    return cv2.cvtColor(np.asarray(image), cv2.COLOR_GRAY2BGR), lefts


def drawn(found: list[checkboxes.Checkbox], lefts: list[int]) -> list[checkboxes.Checkbox]:
    """The boxes found where boxes were drawn (not a glyph such as 团 that encloses its strokes)."""
    return [c for x in lefts for c in found if abs(c.bbox[0] - x) <= 2]


def test_typed_and_hand_marks_are_told_by_the_ink_in_their_boxes():
    image, lefts = options_line(["", "tick", "cross", "fill", ""])
    found = checkboxes.find(image[:, :, 2].copy(), SCALE)
    assert [c.checked for c in drawn(found, lefts)] == [False, True, True, True, False]
    assert all(c.confidence == checkboxes.CLEAR for c in drawn(found, lefts))
    read = checkboxes.place(recognise(image), found)
    line = "".join(box.text for box in sorted(read, key=lambda b: b.bbox[0]))
    assert line.replace(" ", "") == "☐企业☑事业单位☑社会团体☑高等院校☐其他"
    assert all(box.confidence >= 0.9 for box in read)  # the text is plain, and so is every mark


def test_a_speck_in_a_box_is_an_unclear_mark_and_makes_its_line_uncertain():
    image, lefts = options_line(["", "dot", "", "", "tick"])
    found = checkboxes.find(image[:, :, 2].copy(), SCALE)
    assert [c.confidence for c in drawn(found, lefts)].count(checkboxes.UNCLEAR) == 1
    read = checkboxes.place(recognise(image), found)
    line = {box.text.replace(" ", "")[1:]: box.confidence for box in read}
    assert line["事业单位"] == checkboxes.UNCLEAR and line["其他"] > 0.9


def test_a_square_glyph_read_as_text_is_not_taken_for_a_box():
    size = round(10.5 * SCALE)
    image = Image.new("L", (900, 3 * size), 255)
    ImageDraw.Draw(image).text(
        (40, size), "脑机接口 国家标准 日期", font=ImageFont.truetype(FONT, size), fill=0
    )
    page = cv2.cvtColor(np.asarray(image), cv2.COLOR_GRAY2BGR)
    found = checkboxes.find(page[:, :, 2].copy(), SCALE)
    assert [box.text for box in checkboxes.place(recognise(page), found)] == ["脑机接口 国家标准 日期"]


def squares(rows: int, cols: int) -> np.ndarray:
    """A grayscale image of ``rows`` × ``cols`` empty 9-pt boxes, a box apart."""
    side = round(9 * SCALE)
    grid = np.full((2 * rows * side, 2 * cols * side), 255, np.uint8)
    for top in range(0, grid.shape[0], 2 * side):
        for left in range(0, grid.shape[1], 2 * side):
            cv2.rectangle(grid, (left, top), (left + side, top + side), 0, 2)
    return grid


def test_a_page_of_squares_is_a_pattern_not_checkboxes():
    assert len(checkboxes.find(squares(5, 5), SCALE)) == 25
    assert checkboxes.find(squares(30, 20), SCALE) == []  # 600 boxes: graph paper, none read as a mark
