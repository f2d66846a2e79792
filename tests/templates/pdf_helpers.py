"""Text of a PDF for "does it print this?" checks, through poppler's ``pdftotext`` (no pdfplumber here:
only extractor/pdf.py imports it)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"


def pdf_text(data: bytes) -> str:
    """The words of each text block (roughly: each table cell) joined, blocks one a line."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        Path(tmp.name).write_bytes(data)
        out = subprocess.run(
            ["pdftotext", "-bbox-layout", tmp.name, "-"], check=True, capture_output=True
        ).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True, huge_tree=True))
    blocks = ["".join(w.text or "" for w in b.iter(f"{XHTML}word")) for b in root.iter(f"{XHTML}block")]
    return "\n".join(blocks)


def squeeze(text: str) -> str:
    """Without whitespace (line breaks fall anywhere in print) and soft hyphens of wrapped words."""
    return "".join(text.split()).replace("-", "")


def prints(needle: str, flat: str) -> bool:
    """Whether ``needle`` is in the squeezed text: as a whole, or — where a wrapped table cell was read
    interleaved with its neighbour — as its characters in order within a short stretch of the text."""
    needle = squeeze(needle)
    if not needle or needle in flat:
        return True
    if len(needle) < 4:
        return False
    window = 3 * len(needle) + 20
    start = flat.find(needle[:2])
    while start != -1:
        pos, ok = start, True
        for ch in needle:
            pos = flat.find(ch, pos, start + window)
            if pos == -1:
                ok = False
                break
            pos += 1
        if ok:
            return True
        start = flat.find(needle[:2], start + 1)
    return False
