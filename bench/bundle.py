"""Bundle benchmark: a recommending authority's bundle of 100 units (a complete annex1 ``.docx`` and its PDF
each, varied from ``examples/annex1.json``) screened end to end — parse, group, compare Word with PDF,
check, report and 推荐汇总表 — with 1 and with 2 worker processes.

Reported: wall time of each run, the speed-up, and the peak memory of the whole process tree (the
screening process, the forkserver and the parser processes), sampled from ``/proc`` every 100 ms as the sum
of RSS (what ``top`` shows; shared pages counted once per process, so an upper bound) and of PSS (shared
pages divided among their sharers). Targets (issue 6): ≤ 30 s on 2 cores, near-linear scaling, peak RSS
≤ 500 MB.

The bundle is generated once (LibreOffice makes the 100 PDFs in one batch, about a minute) and cached in
``out/bench/`` under a key of the example record and the template, so later runs measure only screening.
Run: ``python -m bench.bundle`` (``make bench`` runs it with the other benchmarks).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.processes import descendants, stat
from bench.readme import write_section

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "out" / "bench"
UNITS = 100
TARGET_SECONDS_2 = 30.0
TARGET_RSS_MB = 500.0
#: Bump when the way the bundle is generated changes (the cache key includes it).
GENERATOR_VERSION = "1"

NATURES = ("企业", "事业单位", "社会团体")
REGIONS = ("江苏省", "浙江省", "广东省", "山东省", "四川省", "湖北省", "北京市", "上海市")


def _uscc(seq: int) -> str:
    from forms.uscc import check_character  # noqa: PLC0415

    first17 = f"91{310000 + seq % 90:06d}{seq:09d}"
    return first17 + check_character(first17)


def unit_record(base: dict[str, Any], seq: int) -> dict[str, Any]:
    """Unit ``seq``: the example application with its own name, code, region and figures (deterministic)."""
    record = copy.deepcopy(base)
    name = f"第{seq:03d}检测认证研究院有限公司"
    record["cover"]["applicant"] = record["applicant"]["name"] = name
    record["cover"]["platform_name"] = f"第{seq:03d}号产业技术基础公共服务平台"
    applicant = record["applicant"]
    applicant["uscc"] = _uscc(seq)
    applicant["nature"] = NATURES[seq % len(NATURES)]
    applicant["region"] = REGIONS[seq % len(REGIONS)]
    applicant["contact_mobile"] = f"139{seq:08d}"
    staff = 60 + (seq * 37) % 400
    applicant["staff_total"] = staff
    applicant["staff_senior"] = staff * (45 + seq % 30) // 100
    applicant["staff_qualified"] = staff * (55 + seq % 30) // 100
    revenue = Decimal(3000 + (seq * 613) % 9000).quantize(Decimal("0.01"))
    itb = (revenue * Decimal(50 + seq % 45) / 100).quantize(Decimal("0.01"))
    applicant["revenue_total"], applicant["revenue_itb"], applicant["service_revenue"] = revenue, itb, itb
    applicant["itb_share"] = (itb / revenue * 100).quantize(Decimal("0.01"))
    applicant["equipment_value"] = Decimal(800 + (seq * 997) % 20000).quantize(Decimal("0.01"))
    return record


def cache_key(form_id: str, version: str) -> str:
    """A key of a generated bundle: the generator's ``version``, the form's example record and template."""
    from templates.build import template_path  # noqa: PLC0415

    digest = hashlib.sha256(version.encode())
    digest.update((ROOT / "examples" / f"{form_id}.json").read_bytes())
    digest.update(Path(template_path(form_id)).read_bytes())
    return digest.hexdigest()[:16]


def bundle_path(units: int = UNITS) -> Path:
    """Where the generated bundle is cached (its name changes with the example record and the template)."""
    return CACHE / f"bundle-{units}-{cache_key('annex1', GENERATOR_VERSION)}.zip"


def build_bundle(units: int = UNITS) -> Path:
    """The benchmark bundle (generated once, then cached)."""
    return build_units(
        bundle_path(units), units, "Word 与 PDF（LibreOffice 一次批量转换）", "申报书（盖章）.pdf"
    )


def build_units(
    path: Path,
    units: int,
    what: str,
    pdf_name: str,
    prints: Callable[[list[bytes]], list[bytes]] | None = None,
) -> Path:
    """A bundle of ``units`` generated units at ``path`` (generated once, then cached): each unit's annex1
    ``.docx`` and its PDF named ``pdf_name``, the PDFs printed by LibreOffice in one batch and then turned
    by ``prints`` into what the bundle holds (scans, say). ``what`` says what is generated, for the log."""
    from forms.records import load_record  # noqa: PLC0415
    from templates.render import fill, fill_pdfs  # noqa: PLC0415

    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    base = load_record(json.loads((ROOT / "examples" / "annex1.json").read_text(encoding="utf-8"))).record
    records = [unit_record(base, seq) for seq in range(1, units + 1)]
    started = time.monotonic()
    print(f"生成 {units} 个单位的{what}…", file=sys.stderr)
    pdfs = fill_pdfs([("annex1", r) for r in records])
    if prints is not None:
        pdfs = prints(pdfs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for seq, (record, pdf) in enumerate(zip(records, pdfs, strict=True), 1):
            folder = f"{seq:03d}-{record['applicant']['name']}"
            zf.writestr(f"{folder}/申报书.docx", fill("annex1", record, "docx"))
            zf.writestr(f"{folder}/{pdf_name}", pdf)
    partial = path.with_suffix(".part")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
    print(f"已生成 {path}（{time.monotonic() - started:.0f} 秒）", file=sys.stderr)
    return path


# --- measuring -------------------------------------------------------------------------------------------


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def sample(root: int, cpu: dict[int, float]) -> tuple[int, int]:
    """(RSS, PSS) in kB summed over ``root`` and its descendants; each one's CPU seconds go to ``cpu``."""
    tick = os.sysconf("SC_CLK_TCK")
    rss = pss = 0
    for pid in descendants(root):
        r, p = _memory_kb(pid)
        rss, pss = rss + r, pss + p
        fields = stat(pid)
        if fields:  # utime and stime are fields 14 and 15 of the whole line (11 and 12 after the name)
            cpu[pid] = max(cpu.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / tick)
    return rss, pss


def measure(bundle: Path, workers: int, module: str = "bench.bundle", *extra: str) -> dict[str, Any]:
    """Screen ``bundle`` in a fresh process (``python -m module --screen``, with ``extra`` arguments) with
    ``workers`` parsers: its time, the CPU time of its process tree (a process's last 0.1 s may be missed)
    and the tree's peak memory."""
    child = subprocess.Popen(
        [sys.executable, "-m", module, "--screen", str(bundle), "--workers", str(workers), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    peak_rss = peak_pss = 0
    cpu: dict[int, float] = {}
    while child.poll() is None:
        rss, pss = sample(child.pid, cpu)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    out, _ = child.communicate()
    if child.returncode != 0:
        raise SystemExit(f"screening with {workers} workers failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return {
        **result,
        "workers": workers,
        "cpu_seconds": sum(cpu.values()),
        "peak_rss_mb": peak_rss / 1024,
        "peak_pss_mb": peak_pss / 1024,
    }


def screen(bundle: Path, workers: int) -> dict[str, Any]:
    """What the measured process does: everything ``itbforms bundle`` does, timed."""
    from service.bundles.screen import screen_bundle  # noqa: PLC0415
    from templates.summary import summary_xlsx  # noqa: PLC0415

    started = time.monotonic()
    report = screen_bundle(bundle, name=bundle.name, workers=workers)
    data = report.to_dict()
    summary = summary_xlsx(data)
    seconds = time.monotonic() - started
    counts = data["counts"]
    return {
        "seconds": seconds,
        "counts": counts,
        "summary_bytes": len(summary),
        "parse_seconds": report.seconds,
    }


SECTION = "bench-bundle"  # of bench/README.md


def timing_table(results: list[dict[str, Any]]) -> list[str]:
    """The Markdown table of ``measure`` results, the first (1 worker) the base of the speed-up."""
    lines = [
        "| worker processes | wall time (s) | speed-up | CPU time of the tree (s) | peak RSS, sum (MB) "
        "| peak PSS, sum (MB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['workers']} | {r['seconds']:.1f} | {results[0]['seconds'] / r['seconds']:.2f}× | "
            f"{r['cpu_seconds']:.1f} | {r['peak_rss_mb']:.0f} | {r['peak_pss_mb']:.0f} |"
        )
    return lines


def run(units: int = UNITS, repeat: int = 2) -> tuple[str, bool]:
    """Measure with 1 and 2 workers, ``repeat`` times each, alternating, keeping each one's fastest run (the
    least disturbed by other work on the machine); the Markdown section for bench/README.md and whether the
    targets are met."""
    import platform  # noqa: PLC0415
    from datetime import datetime  # noqa: PLC0415

    bundle = build_bundle(units)
    load = os.getloadavg()[0]
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (2, 1):
            runs[workers].append(measure(bundle, workers))
    results = [min(runs[w], key=lambda r: r["seconds"]) for w in (1, 2)]
    one, two = results
    counts = one["counts"]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "## Bundle screening (issue 6: 批量审核)",
        "",
        f"Measured {stamp}, {os.cpu_count()} CPUs, Python {platform.python_version()}: a generated bundle "
        f"of {units} units (a complete annex1 `.docx` and its PDF each, {counts['files']} files), screened "
        "end to end by `python -m bench.bundle` (parse, group, Word/PDF comparison, V-/E- checks, JSON "
        "report and 推荐汇总表) in a fresh process; CPU time and peak memory of the whole process tree "
        f"sampled every 100 ms; fastest of {repeat} alternating runs each. Load average when it started: "
        f"{load:.1f} (other work on the machine stretches wall times; CPU times are what the screening "
        "itself costs).",
        "",
        *timing_table(results),
    ]
    ok = (
        two["seconds"] <= TARGET_SECONDS_2
        and max(r["peak_rss_mb"] for r in results) <= TARGET_RSS_MB
        and counts["units"] == units
    )
    lines += [
        "",
        f"Targets: ≤ {TARGET_SECONDS_2:.0f} s with 2 workers, near-linear scaling, peak RSS ≤ "
        f"{TARGET_RSS_MB:.0f} MB — {'met' if ok else 'NOT met'}. Units: {counts['units']} "
        f"(符合 {counts['eligible']}, 不符合 {counts['ineligible']}, 待补充 {counts['incomplete']}); "
        f"with Word/PDF differences: {counts['with_differences']}.",
    ]
    return "\n".join(lines), ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bundle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=UNITS, help=f"units in the bundle (default {UNITS})")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each worker count (default 2)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    parser.add_argument("--screen", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.screen:
        print(json.dumps(screen(args.screen, args.workers)))
        return 0
    from office.libreoffice import available  # noqa: PLC0415

    if not available() and not bundle_path(args.units).exists():
        print("bundle benchmark skipped: LibreOffice is not installed (it makes the bundle's PDFs)")
        return 0
    text, _ = run(args.units, max(1, args.repeat))
    print(text)
    if not args.no_write:
        readme = write_section(SECTION, text)
        print(f"\n(written to {readme.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
