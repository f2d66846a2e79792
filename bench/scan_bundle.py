"""Scanned bundle benchmark (issue 13, item 6): a recommending authority's bundle of 20 units, each an annex1
``.docx`` and the same record printed by LibreOffice and scanned by code (``tests/extractor/scans.py``: a red
seal over 申报单位（盖章）, a signature, noise, JPEG; 150–300 dpi and a skew of up to ±1° varying across the
units), done as a job on the queue by ``itbforms worker --processes N`` (embedded SQLite queue, a fresh data
directory: ``bench.queue.as_job``) with 2 and with 1 worker processes.

Reported: wall time from submission to results, CPU time and peak memory of the worker's whole process tree
(sums of RSS and of PSS, sampled every 0.1 s as ``bench.bundle.measure`` does), pages recognised and pages per
wall second, the speed-up from 1 to 2 processes, the units' verdicts and the Word-vs-scan differences the
report labels recognition uncertainty (识别不确定) against the others. Target (issue 13): peak memory ≤ 1 GB.

The bundle is generated once (20 PDFs printed in one LibreOffice batch, then scanned: about 3 minutes) and
cached in ``out/bench/`` under a key of the generator, the example record and the template.
Run: ``python -m bench.scan_bundle``.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bundle import CACHE, ROOT, build_units, cache_key
from bench.queue import as_job
from bench.readme import write_section

SECTION = "bench-scan-bundle"  # of bench/README.md
UNITS = 20
TARGET_PEAK_MB = 1024.0
#: Bump when the way the bundle is generated changes (the cache key includes it).
GENERATOR_VERSION = "scan-1"
#: Recognition's deadline is wall-clock time: a machine busy with other work must not time a file out.
WORKER_ENV = {"ITBFORMS_OCR_TIMEOUT": "3600"}
SCANNED_NAME = "申报书（盖章扫描件）.pdf"


def scan_settings(seq: int) -> dict[str, Any]:
    """How unit ``seq``'s PDF is scanned: 150, 200, 250 or 300 dpi, a skew from -1° to +1° (deterministic)."""
    return {"dpi": 150 + 50 * (seq % 4), "skew": round(-1.0 + 0.2 * ((seq * 7) % 11), 1), "seed": seq}


def _scan(job: tuple[bytes, dict[str, Any]]) -> bytes:
    from tests.extractor.scans import scan  # noqa: PLC0415

    pdf, how = job
    return scan(pdf, **how)


def bundle_path(units: int = UNITS) -> Path:
    """Where the generated scanned bundle is cached."""
    return CACHE / f"scan-bundle-{units}-{cache_key('annex1', GENERATOR_VERSION)}.zip"


def build_bundle(units: int = UNITS) -> Path:
    """The benchmark's scanned bundle (generated once, then cached)."""
    what = "Word 与盖章扫描件（LibreOffice 批量打印，再逐页扫描）"
    return build_units(bundle_path(units), units, what, SCANNED_NAME, _scan_all)


def _scan_all(pdfs: list[bytes]) -> list[bytes]:
    """Each unit's PDF scanned as ``scan_settings`` says, on every core."""
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        return list(pool.map(_scan, [(pdf, scan_settings(seq)) for seq, pdf in enumerate(pdfs, 1)]))


def scanned_pages(bundle: Path) -> int:
    """Pages of the bundle's scans that recognition reads (each scan's pages up to ``max_ocr_pages``)."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    from extractor.settings import Limits  # noqa: PLC0415

    cap = Limits.from_env().max_ocr_pages
    pages = 0
    with zipfile.ZipFile(bundle) as zf:
        for name in zf.namelist():
            if name.endswith(SCANNED_NAME):
                document = pdfium.PdfDocument(zf.read(name))
                pages += min(len(document), cap)
                document.close()
    return pages


def differences(report: dict[str, Any]) -> tuple[int, list[str]]:
    """Word-vs-scan differences over the report's units: how many are labelled recognition uncertainty, and
    the others as ``unit: label``."""
    found = [(unit["seq"], d) for unit in report["units"] for d in unit["differences"]]
    others = [f"{seq}: {d['label']}" for seq, d in found if not d.get("uncertain")]
    return len(found) - len(others), others


def run(units: int = UNITS, processes: tuple[int, ...] = (2, 1)) -> tuple[str, bool]:
    """The bundle done with each number of worker ``processes`` in turn: the Markdown section and whether the
    target is met (the speed-up is against the first run with 1 process, when there is one)."""
    bundle = build_bundle(units)
    pages = scanned_pages(bundle)
    load = os.getloadavg()[0]
    results = {}
    for n in processes:
        results[n] = as_job(bundle, n, environ=WORKER_ENV, watch=True)
        shown = {k: round(v, 1) for k, v in results[n].items() if isinstance(v, float)}
        print(f"{n} 个处理进程：{shown}", file=sys.stderr)
    report = results[processes[0]]["report"]
    counts = report["counts"]
    uncertain, others = differences(report)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Scanned bundle on the queue (issue 13: 20 units, 2 cores)",
        "",
        f"Measured {stamp}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
        f"{load:.1f} at the start: a generated bundle of {units} units (an annex1 `.docx` and the same "
        "record printed by LibreOffice and scanned by code — red seal, signature, noise, JPEG, 150–300 "
        f"dpi, skew within ±1° — each; {counts['files']} files, {pages} scanned pages) submitted as a job "
        "and done by `itbforms worker --processes N` on the embedded SQLite queue "
        "(`python -m bench.scan_bundle`), timed from submission to stored results; CPU time and peak memory "
        "of the worker's whole process tree sampled every 0.1 s.",
        "",
        "| worker processes | wall time (s) | speed-up | pages / wall s | CPU time of the tree (s) "
        "| CPU s / page | peak RSS, sum (MB) | peak PSS, sum (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in sorted(results.items()):
        speedup = f"{results[1]['seconds'] / r['seconds']:.2f}×" if 1 in results else "—"
        lines.append(
            f"| {n} | {r['seconds']:.1f} | {speedup} | "
            f"{pages / r['seconds']:.3f} | {r['cpu_seconds']:.1f} | {r['cpu_seconds'] / pages:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {r['peak_pss_mb']:.0f} |"
        )
    peak = max(r["peak_pss_mb"] for r in results.values())
    ok = peak <= TARGET_PEAK_MB and counts["units"] == units
    lines += [
        "",
        f"Target: peak memory of the worker tree ≤ {TARGET_PEAK_MB:.0f} MB (PSS: shared pages counted "
        f"once) — {'met' if ok else 'NOT met'}. Units: {counts['units']} (符合 {counts['eligible']}, 不符合 "
        f"{counts['ineligible']}, 待补充 {counts['incomplete']}); Word-vs-scan differences: {uncertain} "
        f"labelled 识别不确定, {len(others)} others (in {counts['with_differences']} units)"
        + (": " + "; ".join(f"`{o}`" for o in others) if others else "")
        + ".",
    ]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scan_bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=UNITS, help=f"units in the bundle (default {UNITS})")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[2, 1], help="worker processes of each run (default 2 1)"
    )
    parser.add_argument("--build", action="store_true", help="only generate (and cache) the bundle")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    args = parser.parse_args(argv)
    if args.build:
        print(build_bundle(args.units))
        return 0
    text, _ = run(args.units, tuple(args.processes))
    print(text)
    if not args.no_write:
        readme = write_section(SECTION, text)
        print(f"\n(written to {readme.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
