"""Scanned-PDF benchmark: the example application printed by LibreOffice, scanned by code (200 dpi, skew,
noise, JPEG, a red seal; ``tests/extractor/scans.py``) and parsed by ``extractor.parse_bytes``, against the
recognition engine alone on the same pages (pypdfium2 render at the same resolution + rapidocr).

Reported: CPU seconds of each (this process, one thread: ``extractor.ocr.THREADS``), pages per CPU second,
the ratio of our whole parse (render, deskew, seal ink, ruling lines, recognition, tables, mapping) to the
engine alone (target ≤ 1.3×) and the process's peak memory; then the wall time of the same parse with its
pages spread over the web server's page pool (``service.workflows.page_pool``, one process per core), and
the parse of the same scan followed by ten pages of attachments (listed, not recognised).
Run: ``python -m bench.scan``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pypdfium2 as pdfium

from bench.readme import write_section
from extractor import parse_bytes
from extractor.ocr import recognise
from extractor.scan import DPI
from extractor.settings import Limits
from forms.records import load_record
from service.workflows.page_pool import PagePool
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.scans import attachment_pages, joined, scan

TARGET_RATIO = 1.3


def engine_alone(data: bytes) -> None:
    """What the engine does by itself: each page rendered at our resolution and recognised."""
    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            recognise(page.render(scale=DPI / 72).to_numpy()[:, :, :3].copy())
    finally:
        document.close()


def cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def wall(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite bench/README.md")
    args = parser.parse_args()
    loaded = load_record(read_example("annex1.json"))
    data = scan(fill(loaded.form, loaded.record, "pdf"))
    pages = len(pdfium.PdfDocument(data))
    load = open("/proc/loadavg").read().split()[0]
    recognise(pdfium.PdfDocument(data)[0].render(scale=1).to_numpy()[:, :, :3].copy())  # models loaded once
    engine = cpu(lambda: engine_alone(data))
    unbounded = Limits(ocr_timeout=24 * 3600.0)  # CPU time is measured: a busy machine must not time out
    ours = cpu(lambda: parse_bytes(data, "申报书（盖章扫描件）.pdf", limits=unbounded))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = ours / engine
    processes = os.cpu_count() or 1
    pool = PagePool(processes)
    try:
        parse_bytes(data, "warm-up.pdf", limits=unbounded, page_source=pool)  # the pool's engines loaded
        pooled = wall(lambda: parse_bytes(data, "申报书.pdf", limits=unbounded, page_source=pool))
    finally:
        pool.close()
    with_attachments = joined(data, *[attachment_pages()] * 5)
    appended = cpu(lambda: parse_bytes(with_attachments, "申报书及附件.pdf", limits=unbounded))
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "## Scanned PDFs (issue 13)",
            "",
            f"Measured {when}, Python {platform.python_version()}, load average {load} when it started: the"
            f" example application ({pages} pages) printed by LibreOffice and scanned by code at 200 dpi,"
            " parsed by `python -m bench.scan` (one thread; CPU time of this process).",
            "",
            "| | CPU s | pages / CPU s | |",
            "|---|---:|---:|---|",
            f"| rapidocr alone (render + recognise each page) | {engine:.1f} | {pages / engine:.2f} | |",
            f"| our parse (`extractor.parse_bytes`) | {ours:.1f} | {pages / ours:.2f} |"
            f" {ratio:.2f}× (target ≤ {TARGET_RATIO}×) {'ok' if ratio <= TARGET_RATIO else 'OVER'} |",
            f"| the same scan followed by 10 pages of attachments (listed, not recognised) | {appended:.1f} |"
            f" {pages / appended:.2f} | |",
            "",
            f"Pages over the page pool ({processes} processes, `service.workflows.page_pool`, as the parse"
            f" page and `POST /parse` do): {pooled:.1f} s wall, {pages / pooled:.2f} pages per second,"
            f" against {ours:.1f} CPU s in one process. Peak memory of the one process: {peak_mb:.0f} MB.",
        ]
    )
    print(text)
    if not args.no_write:
        write_section("bench-scan", text)


if __name__ == "__main__":
    main()
