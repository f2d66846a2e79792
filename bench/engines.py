"""Recognition engines compared on our own scans: rapidocr (the project's, PP-OCR models in its wheel)
against Debian's Tesseract 5 (``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, run as its CLI), for the
choice issue 13 asks to be made by measurement.

Both forms' example records are printed by LibreOffice, scanned by code (``tests/extractor/scans.py``:
skew, noise, JPEG, a red seal, a signature) and parsed by ``extractor.parse_bytes`` twice: once as shipped,
once with each page's recognition (``extractor.scan.recognise``) done by Tesseract on the same prepared
image (straightened, seal ink removed). Reported per engine: the share of fields that came back right
(as the bundle compares them), CPU seconds of the recognition (this process for rapidocr, the child
processes for Tesseract; both on one thread) and pages per CPU second. Tesseract is a measurement tool
here, not a dependency: ``python -m bench.engines`` needs it on PATH.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import resource
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import cv2
import numpy as np
import pypdfium2 as pdfium

from bench.readme import write_section
from extractor import parse_bytes, scan
from extractor.ocr import Glyph, TextBox
from extractor.settings import Limits
from forms.records import dump_record, load_record
from forms.spacing import is_cjk
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.scans import leaves, same
from tests.extractor.scans import scan as make_scan

SCANS: dict[str, dict[str, Any]] = {"annex1": {"dpi": 200, "skew": 0.8}, "annex2": {"dpi": 150, "skew": -1.0}}
#: A gap between two words wider than this many line heights splits a Tesseract line (a table's cells).
SPLIT_GAP = 1.2


def tesseract(image: np.ndarray) -> list[TextBox]:
    """The lines Tesseract reads on ``image``, as ``extractor.ocr.recognise`` gives them."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        cv2.imwrite(str(path), image)
        tsv = subprocess.run(
            ["tesseract", str(path), "-", "-l", "chi_sim+eng", "--psm", "3", "tsv"],
            capture_output=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            timeout=600,
        ).stdout.decode("utf-8")
    lines: dict[tuple[str, ...], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row["level"] == "5" and row["text"].strip():
            lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    out = []
    for words in lines.values():
        piece: list[dict[str, str]] = []
        for word in sorted(words, key=lambda w: int(w["left"])):
            if piece and int(word["left"]) - _right(piece[-1]) > SPLIT_GAP * int(word["height"]):
                out.append(_box(piece))
                piece = []
            piece.append(word)
        out.append(_box(piece))
    return sorted(out, key=lambda b: (b.bbox[1], b.bbox[0]))


def _right(word: dict[str, str]) -> int:
    return int(word["left"]) + int(word["width"])


def _box(words: list[dict[str, str]]) -> TextBox:
    text, glyphs = "", []
    for word in words:
        spaced = bool(text) and not (is_cjk(text[-1]) and is_cjk(word["text"][0]))
        text += (" " if spaced else "") + word["text"]
        score = max(float(word["conf"]), 0.0) / 100
        glyphs.append(Glyph(word["text"], float(word["left"]), float(_right(word)), score, spaced))
    x0, top = min(int(w["left"]) for w in words), min(int(w["top"]) for w in words)
    x1 = max(_right(w) for w in words)
    bottom = max(int(w["top"]) + int(w["height"]) for w in words)
    confidence = sum(g.score for g in glyphs) / len(glyphs)
    return TextBox(text, (float(x0), float(top), float(x1), float(bottom)), confidence, tuple(glyphs))


#: Recognition CPU seconds spent so far by each engine.
SPENT = {"rapidocr": 0.0, "tesseract": 0.0}
_RAPIDOCR = scan.recognise


def rapidocr(image: np.ndarray) -> list[TextBox]:
    """The project's recognition, its CPU time (this process) counted."""
    start = time.process_time()
    try:
        return _RAPIDOCR(image)
    finally:
        SPENT["rapidocr"] += time.process_time() - start


def timed_tesseract(image: np.ndarray) -> list[TextBox]:
    """Tesseract's recognition, its CPU time (the child processes) counted."""
    start = children_cpu()
    try:
        return tesseract(image)
    finally:
        SPENT["tesseract"] += children_cpu() - start


def right_share(name: str, result: object) -> tuple[int, int]:
    """Fields that came back right, and all fields, of a parse of form ``name``'s example."""
    expected = leaves(dump_record(load_record(read_example(f"{name}.json")).record, name))
    got = leaves(result.to_dict()["record"]) if result is not None else {}  # type: ignore[attr-defined]
    keys = [k for k in expected if k not in ("form", "schema_version")]
    return sum(same(got.get(k), expected[k]) for k in keys), len(keys)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite bench/README.md")
    args = parser.parse_args()
    unbounded = Limits(ocr_timeout=24 * 3600.0)
    load = open("/proc/loadavg").read().split()[0]
    rows = {"rapidocr": [0, 0, 0.0, 0], "tesseract": [0, 0, 0.0, 0]}  # right, fields, CPU s, pages
    for name, how in SCANS.items():
        loaded = load_record(read_example(f"{name}.json"))
        data = make_scan(fill(loaded.form, loaded.record, "pdf"), **how)
        pages = len(pdfium.PdfDocument(data))
        before = dict(SPENT)
        for engine, fn in (("rapidocr", rapidocr), ("tesseract", timed_tesseract)):
            with mock.patch.object(scan, "recognise", fn):
                try:
                    result = parse_bytes(data, f"{name}.pdf", limits=unbounded)
                except ValueError:  # not recognised as the form at all
                    result = None
            right, fields = right_share(name, result)
            row = rows[engine]
            row[0] += right
            row[1] += fields
            row[2] += SPENT[engine] - before[engine]
            row[3] += pages
            print(name, engine, f"{right}/{fields}", f"{SPENT[engine] - before[engine]:.1f} CPU s", pages)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    table = [
        f"| {engine} | {r[0]}/{r[1]} ({100 * r[0] / r[1]:.1f} %) | {r[2]:.1f} | {r[3] / r[2]:.2f} |"
        for engine, r in rows.items()
    ]
    text = "\n".join(
        [
            "## Recognition engines: rapidocr against Tesseract (issue 13)",
            "",
            f"Measured {when}, Python {platform.python_version()}, load average {load} when it started: both"
            " forms' examples printed by LibreOffice, scanned by code (annex1 200 dpi, annex2 150 dpi; skew,"
            " noise, JPEG, seal, signature) and parsed by `python -m bench.engines` with each engine doing"
            " the page recognition (same prepared images, one thread each).",
            "",
            "| engine | fields right | recognition CPU s | pages / CPU s |",
            "|---|---:|---:|---:|",
            *table,
        ]
    )
    print(text)
    if not args.no_write:
        write_section("bench-engines", text)


if __name__ == "__main__":
    main()
