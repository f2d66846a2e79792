"""``python -m bench`` (``make bench``): our fill and parse against the bare libraries, on realistic forms.

Each row times one of our operations and the plain library doing the least comparable work on the same
file, alternately, ``--repeat`` times, and reports medians and their ratio against the target:

- fill annex1 .docx (``templates.render.fill``) vs a bare docxtpl render of the same template and context;
- parse .docx (``extractor.parse_bytes``) vs python-docx reading every paragraph and table cell;
- parse PDF vs pdfplumber ``extract_text`` + ``extract_tables`` of every page;
- parse .xlsx vs openpyxl (read-only) reading every cell.

The forms are the example records (``examples/``): complete, realistic applications and annual reports.
The table is printed and written into ``bench/README.md`` with the date and the machine (``--no-write``
only prints). Timing is the benchmark's business: the test suite asserts no timings.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.readme import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "bench"  # of bench/README.md


@dataclass(frozen=True)
class Row:
    name: str
    ours: float  # median seconds
    baseline: float
    target: float

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline

    @property
    def ok(self) -> bool:
        return self.ratio <= self.target


def median_pair(
    ours: Callable[[], object],
    baseline: Callable[[], object],
    repeat: int,
    clock: Callable[[], float] = time.process_time,
) -> tuple[float, float]:
    """Medians of ``repeat`` alternating runs of each (one warm-up run of each first), timed by ``clock``
    (this process's CPU time by default)."""
    ours()
    baseline()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, out in ((ours, a), (baseline, b)):
            start = clock()
            fn()
            out.append(clock() - start)
    return statistics.median(a), statistics.median(b)


def _examples() -> dict[str, object]:
    from forms.records import load_record

    return {
        name: load_record(json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8")))
        for name in ("annex1", "annex2")
    }


def bench_fill(record: object, repeat: int) -> Row:
    from docxtpl import DocxTemplate

    from templates.context import build_context
    from templates.render import fill, template_bytes

    loaded = record
    form, values = loaded.form, loaded.record  # type: ignore[attr-defined]
    template = template_bytes(form.id)

    def bare() -> bytes:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(build_context(form, values), autoescape=True)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    ours, base = median_pair(lambda: fill(form, values, "docx"), bare, repeat)
    return Row("fill annex1 .docx vs bare docxtpl render", ours, base, 1.2)


def bench_docx(data: bytes, repeat: int) -> Row:
    import docx

    from extractor import parse_bytes

    def python_docx() -> int:
        document = docx.Document(io.BytesIO(data))
        n = sum(len(p.text) for p in document.paragraphs)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    n += len(cell.text)
        return n

    ours, base = median_pair(lambda: parse_bytes(data, "annex1.docx"), python_docx, repeat)
    return Row("parse annex1 .docx vs python-docx paragraphs + cells", ours, base, 1.0)


def bench_pdf(data: bytes, repeat: int) -> Row:
    import pdfplumber

    from extractor import parse_bytes

    def plumber() -> int:
        n = 0
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                n += len(page.extract_text() or "")
                n += len(page.extract_tables())
        return n

    ours, base = median_pair(lambda: parse_bytes(data, "annex1.pdf"), plumber, repeat)
    return Row("parse annex1 PDF vs pdfplumber extract_text + extract_tables", ours, base, 1.0)


def bench_xlsx(data: bytes, repeat: int) -> Row:
    import openpyxl

    from extractor import parse_bytes

    def read_all() -> int:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        n = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    n += cell.value is not None
        wb.close()
        return n

    ours, base = median_pair(lambda: parse_bytes(data, "annex2.xlsx"), read_all, repeat)
    return Row("parse annex2 .xlsx vs openpyxl read-only, every cell", ours, base, 1.5)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} CPUs, {system}, Python {platform.python_version()}"


def table(rows: Sequence[Row], skipped: Sequence[str]) -> str:
    lines = [
        "| operation | ours (ms) | baseline (ms) | ratio | target | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        mark = "ok" if r.ok else "OVER"
        ours, base = f"{r.ours * 1000:.1f}", f"{r.baseline * 1000:.1f}"
        lines.append(f"| {r.name} | {ours} | {base} | {r.ratio:.2f}× | ≤ {r.target:.1f}× | {mark} |")
    for name in skipped:
        lines.append(f"| {name} | – | – | – | – | skipped |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs of each side (default 15)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from office.libreoffice import available
    from templates.render import fill

    examples = _examples()
    a1, a2 = examples["annex1"], examples["annex2"]
    rows = [bench_fill(a1, args.repeat)]
    docx_bytes = fill(a1.form, a1.record, "docx")  # type: ignore[attr-defined]
    rows.append(bench_docx(docx_bytes, args.repeat))
    skipped = []
    if available():
        pdf_bytes = fill(a1.form, a1.record, "pdf")  # type: ignore[attr-defined]
        rows.append(bench_pdf(pdf_bytes, max(3, args.repeat // 3)))
    else:
        skipped.append("parse annex1 PDF (LibreOffice is not installed: no PDF to parse)")
    rows.append(bench_xlsx(fill(a2.form, a2.record, "xlsx"), args.repeat))  # type: ignore[attr-defined]

    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    runs = f"medians of {args.repeat} runs, PDF {max(3, args.repeat // 3)}; CPU time"
    text = f"Measured {stamp} on {machine()} ({runs}).\n\n"
    text += table(rows, skipped)
    print(text)
    if not args.no_write:
        readme = write_section(SECTION, text)
        print(f"\n(written to {readme.relative_to(ROOT)})")
    # The other benchmarks, each writing its own section of bench/README.md: bundles (issue 6), annual
    # bundles (issue 18), PDF fill on the warm LibreOffice pool (issue 17), the command line's start (17.7).
    for name in ("bundle", "annual", "office", "cli"):
        importlib.import_module(f"bench.{name}").main(["--no-write"] if args.no_write else [])
    return 0


if __name__ == "__main__":
    sys.exit(main())
