"""Scans made by code from the PDFs LibreOffice printed, as an authority receives them: each page
rasterized (150–300 dpi), a red round seal stamped over 申报单位（盖章）, a signature scribbled after
法定代表人（签字）,
turned by a small skew, speckled with noise, saved as JPEG and bound into an image-only PDF."""

from __future__ import annotations

import io
import math
import random
from typing import Any

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from forms.records import load_record
from service.bundles.screen import normalise
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.pdfs import pdf_pages

SEAL_LABEL = "申报单位（盖章）"
SIGNATURE_LABEL = "法定代表人（签字）"


def scan(
    pdf: bytes,
    *,
    dpi: int = 200,
    skew: float = 0.7,
    noise: float = 8.0,
    quality: int = 70,
    pages: list[int] | None = None,
    seed: int = 13,
) -> bytes:
    """An image-only PDF of ``pdf``'s pages (1-based ``pages``, all by default) as a scanner makes it."""
    rng = random.Random(seed)
    document = pdfium.PdfDocument(pdf)
    images = []
    try:
        for index in [p - 1 for p in pages] if pages else range(len(document)):
            page = document[index]
            scale = dpi / 72
            image = page.render(scale=scale).to_pil().convert("RGB")
            for box in _find(page, SIGNATURE_LABEL):
                signature(image, (box[2] * scale, box[3] * scale), scale, rng)
            for box in _find(page, SEAL_LABEL):  # stamped over the unit's name after the label
                seal(image, ((box[2] + 70) * scale, (box[1] + box[3]) / 2 * scale), scale)
            image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor="white", expand=False)
            images.append(_jpeg(_noisy(image, noise, rng), quality))
    finally:
        document.close()
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=dpi)
    return out.getvalue()


def _find(page: pdfium.PdfPage, text: str) -> list[tuple[float, float, float, float]]:
    """Boxes (points from the page's top) where ``text`` is printed on ``page``."""
    textpage = page.get_textpage()
    height = page.get_height()
    found = []
    searcher = textpage.search(text)
    while (hit := searcher.get_next()) is not None:
        index, count = hit
        boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
        left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
        found.append((left, height - max(b[3] for b in boxes), right, height - min(b[1] for b in boxes)))
    return found


def seal(image: Image.Image, centre: tuple[float, float], scale: float) -> None:
    """A red round official seal (a ring, a star, an arc of text-like strokes) centred on ``centre``, its
    ink multiplied onto the page as stamp ink is: the black text under it stays black."""
    layer = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(layer)
    r = 60 * scale
    cx, cy = centre
    red = (225, 40, 50)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=int(4 * scale))
    star = [
        (
            cx + 0.3 * r * math.cos(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4),
            cy + 0.3 * r * math.sin(math.radians(-90 + 36 * k)) * (1 if k % 2 == 0 else 0.4),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    for k in range(14):  # the unit's name round the rim, as blocky strokes
        a = math.radians(200 + k * 10)
        x, y = cx + 0.72 * r * math.cos(a), cy + 0.72 * r * math.sin(a)
        draw.rectangle((x - 4 * scale, y - 4 * scale, x + 4 * scale, y + 4 * scale), fill=red)
    image.paste(ImageChops.multiply(image, layer))


def signature(image: Image.Image, start: tuple[float, float], scale: float, rng: random.Random) -> None:
    """A hand-written-looking scribble in dark blue ink from ``start``."""
    draw = ImageDraw.Draw(image)
    x, y = start
    points = []
    for k in range(40):
        points.append((x + k * 2.2 * scale, y + 8 * scale * math.sin(k * 0.9) + rng.uniform(-2, 2) * scale))
    draw.line(points, fill=(20, 30, 90), width=max(1, int(1.5 * scale)))


def _noisy(image: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    pixels = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, sigma, pixels.shape)
    speckled = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8))
    return speckled.filter(ImageFilter.GaussianBlur(0.4))


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue()))


def sealed(pdf: bytes, page: int = 1) -> bytes:
    """``pdf`` with an electronic seal (a red stamp image) placed over 申报单位（盖章） on ``page`` (1-based),
    its text layer untouched."""
    document = pdfium.PdfDocument(pdf)
    try:
        target = document[page - 1]
        x0, top, x1, bottom = _find(target, SEAL_LABEL)[0]
        stamp = Image.new("RGB", (240, 240), "white")
        seal(stamp, (120, 120), 1.9)
        jpeg = io.BytesIO()
        stamp.save(jpeg, "JPEG", quality=90)
        jpeg.seek(0)
        image = pdfium.PdfImage.new(document)
        image.load_jpeg(jpeg, inline=True)
        size = 120.0  # points: a 42-mm seal
        cx, cy = (x0 + x1) / 2, target.get_height() - (top + bottom) / 2
        image.set_matrix(pdfium.PdfMatrix().scale(size, size).translate(cx - size / 2, cy - size / 2))
        target.insert_obj(image)
        target.gen_content()
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def with_text_layer(scanned: bytes, text: str = "91320000MA1XTEXTLAYER Zhang San Fax 0000") -> bytes:
    """``scanned`` with a text layer as scanner software lays one, saying ``text`` (wrong on purpose) down
    each page: under the page image on the first page, drawn invisibly (render mode 3) over it on the
    others."""
    import ctypes

    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(scanned)
    try:
        wide = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        for index in range(len(document)):
            page = document[index]
            height = page.get_height()
            for n, top in enumerate(range(60, int(height) - 40, 40)):
                obj = raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", ctypes.c_float(11.0))
                raw.FPDFText_SetText(obj, ctypes.cast(wide, ctypes.POINTER(ctypes.c_ushort)))
                raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 60, height - top)
                if index == 0:
                    raw.FPDFPage_InsertObjectAtIndex(page.raw, obj, n)  # before the image: under it
                else:
                    raw.FPDFTextObj_SetTextRenderMode(obj, raw.FPDF_TEXTRENDERMODE_INVISIBLE)
                    raw.FPDFPage_InsertObject(page.raw, obj)
            raw.FPDFPage_GenerateContent(page.raw)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    finally:
        document.close()


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """The record's scalar values by dotted path (rows of tables by index; a list of options is one value)."""
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in leaves(item, f"{path}.{key}".strip(".")).items()
        }
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {k: v for i, item in enumerate(value) for k, v in leaves(item, f"{path}.{i}").items()}
    return {path: value}


def same(got: Any, expected: Any) -> bool:
    """Whether a value came back: as the bundle compares a PDF with its Word file, so spacing between
    Chinese and Latin text, line breaks and full- or half-width brackets do not count."""
    return normalise(got) == normalise(expected)


#: Values of the 申报书's cover that recognition reads but reports uncertain: beside ``&`` it guesses the
#: spacing (``extractor.recognition``).
UNSURE = {
    "cover.platform_name": "工业测量&测试公共服务平台",
    "cover.recommender": "江苏省工业和信息化厅 & 科技厅",
}


def unsure_cover() -> bytes:
    """A one-page scan: the 申报书's cover with the ``UNSURE`` values, printed by LibreOffice and scanned
    (the smallest scan with uncertain values: parse it with ``form="annex1"``, a cover alone is no form)."""
    record = read_example("annex1.json")
    for path, value in UNSURE.items():
        section, key = path.split(".")
        record[section][key] = value
    loaded = load_record(record)
    return scan(fill(loaded.form, loaded.record, "pdf"), pages=[1])


def joined(*pdfs: bytes) -> bytes:
    """One PDF of the pages of ``pdfs``, in order."""
    document = pdfium.PdfDocument.new()
    for pdf in pdfs:
        document.import_pages(pdfium.PdfDocument(pdf))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def attachment_pages() -> bytes:
    """Two pages an applicant puts after the form, as a scanner makes them: a page of text (a licence) and
    a table whose columns are not the form's (an audit report)."""
    dpi = 150
    page = Image.new("RGB", (1240, 1754), "white")  # A4
    draw = ImageDraw.Draw(page)
    xs = [140, 260, 700, 880, 1100]
    for y in range(200, 1000, 60):
        draw.line((xs[0], y, xs[-1], y), fill="black", width=2)
    for x in xs:
        draw.line((x, 200, x, 980), fill="black", width=2)
    draw.text((150, 215), "Audit report 2025", fill="black")
    table = io.BytesIO()
    page.save(table, "PDF", resolution=dpi)
    text = pdf_pages(["text:Business licence of the applicant"])
    return scan(joined(text, table.getvalue()), dpi=dpi, skew=-0.5)
