"""Small PDFs written byte by byte, for what LibreOffice never prints: fonts without a Unicode map
(``(cid:N)`` text) and pages that are only an image (a scan)."""

from __future__ import annotations

import zlib


def pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with a correct cross-reference table; ``trailer``
    adds entries to the trailer dictionary (``/Encrypt …``)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        trailer,
        xref,
    )
    return bytes(out)


def stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def pdf_pages(pages: list[str]) -> bytes:
    """A PDF whose pages are ``"text:…"`` (a line in Helvetica), ``"cid:…"`` (glyph ids of a font without
    a Unicode map) or ``"image"`` (a grey image filling the page, no text)."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    fonts = b"<< /Font << /F1 %d 0 R /F2 %d 0 R >> /XObject << /Im1 %d 0 R >> >>"
    kids = []
    first_page = 3
    n = len(pages)
    font1, font2, cidfont, image = (
        first_page + 2 * n,
        first_page + 2 * n + 1,
        first_page + 2 * n + 2,
        first_page + 2 * n + 3,
    )
    for i, spec in enumerate(pages):
        page_no, content_no = first_page + 2 * i, first_page + 2 * i + 1
        kids.append(f"{page_no} 0 R".encode())
        if spec.startswith("text:"):
            text = spec[5:].replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            content = f"BT /F1 12 Tf 72 700 Td ({text}) Tj ET".encode("latin-1")
        elif spec.startswith("cid:"):
            glyphs = "".join(f"{ord(c):04X}" for c in spec[4:])
            content = f"BT /F2 12 Tf 72 700 Td <{glyphs}> Tj ET".encode()
        else:
            content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources %s >>"
            % (content_no, fonts % (font1, font2, image))
        )
        objects.append(stream(content))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), n)
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Foo /Encoding /Identity-H /DescendantFonts [%d 0 R] >>"
        % cidfont
    )
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Foo /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /Foo "
        b"/Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 "
        b"/StemV 80 >> /DW 1000 >>"
    )
    pixels = zlib.compress(bytes([180]) * (8 * 8))
    objects.append(
        stream(
            pixels,
            b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /FlateDecode ",
        )
    )
    return pdf(objects)


def pdf_drawn(
    texts: list[tuple[float, float, str, str]],
    lines: list[tuple[float, float, float, float]] = (),  # type: ignore[assignment]
    fills: list[tuple[float, float, float, float, str]] = (),  # type: ignore[assignment]
    size: float = 10,
) -> bytes:
    """A one-page PDF (612 × 792 pt) drawing any Unicode text with a Type0 font whose ``ToUnicode`` map
    names every character (no glyphs are needed to read it back), ruling lines and filled rectangles.

    ``texts`` are ``(x, y, text, state)``: ``state`` is content-stream operators set for that text only
    (``"3 Tr"`` invisible render mode, ``"1 g"`` white, ``"/F1 0.5 Tf"`` a near-zero size). ``lines`` are
    ``(x0, y0, x1, y1)`` strokes; ``fills`` are ``(x, y, w, h, colour operators)``.
    """
    codes: dict[str, int] = {}
    for _, _, text, _ in texts:
        for ch in text:
            codes.setdefault(ch, len(codes) + 1)
    ops = ["0 0 0 RG 0.6 w"]
    ops += [f"q {colour} {x} {y} {w} {h} re f Q" for x, y, w, h, colour in fills]
    ops += [f"{x0} {y0} m {x1} {y1} l S" for x0, y0, x1, y1 in lines]
    for x, y, text, state in texts:
        glyphs = "".join(f"{codes[ch]:04X}" for ch in text)
        ops.append(f"q BT /F1 {size} Tf {state} 1 0 0 1 {x} {y} Tm <{glyphs}> Tj ET Q")
    content = "\n".join(ops).encode()
    bfchar = "\n".join(f"<{code:04X}> <{ord(ch):04X}>" for ch, code in codes.items())
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /U def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(codes)} beginbfchar\n{bfchar}\nendbfchar endcmap "
        "CMapName currentdict /CMap defineresource pop "
        "end end"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Any /Encoding /Identity-H /DescendantFonts [6 0 R] "
        b"/ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Any /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor << /Type /FontDescriptor /FontName /Any "
        b"/Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 "
        b"/StemV 80 >> /DW 1000 >>",
        stream(cmap),
    ]
    return pdf(objects)
