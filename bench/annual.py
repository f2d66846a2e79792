"""Annual bundle benchmark (issue 18): an authority's bundle of 50 platforms' 年度运行情况表 in mixed
formats (Word, Excel and PDF, varied from ``examples/annex2.json``) screened end to end with last year's
年度运行情况汇总表 as ``previous`` — parse, group, V-/A- checks with the received date and A-CARRY,
statistics, JSON report and the 年度运行情况汇总表 with its charts — with 1 and with 2 worker processes.

Reported as the application bundle benchmark reports (``bench.bundle``): wall time, speed-up, CPU time
and peak memory of the whole process tree. The bundle and last year's summary are generated once
(LibreOffice prints the PDFs in one batch) and cached in ``out/bench/``.
Run: ``python -m bench.annual`` (``make bench`` runs it with the other benchmarks).
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import sys
import time
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.bundle import CACHE, ROOT, cache_key, measure, timing_table
from bench.readme import write_section

PLATFORMS = 50
FORMATS = ("docx", "xlsx", "pdf")
RECEIVED = date(2026, 3, 25)
GENERATOR_VERSION = "2"
#: Every INCIDENT_EVERY-th platform reports an incident (不符合), every KEEP_EVERY-th a staff of 40 at the
#: end of the year (需关注: 第六条 no longer met), so the workbook has every 年度核查 but 待补充.
INCIDENT_EVERY, KEEP_EVERY = 17, 10
SECTION = "bench-annual"  # of bench/README.md


def _uscc(seq: int) -> str:
    from forms.uscc import check_character  # noqa: PLC0415

    first17 = f"91{320000 + seq % 90:06d}{seq:09d}"
    return first17 + check_character(first17)


def platform_record(base: dict[str, Any], seq: int) -> dict[str, Any]:
    """Platform ``seq``: the example annual report with its own names, code and figures (deterministic)."""
    record = copy.deepcopy(base)
    header = record["header"]
    header["platform_name"] = f"第{seq:03d}号产业技术基础公共服务平台"
    header["operator"] = f"第{seq:03d}检测认证研究院有限公司"
    header["uscc"] = _uscc(seq)
    header["contact_mobile"] = f"139{seq:08d}"
    ops = record["operations"]
    revenue = Decimal(3000 + (seq * 613) % 9000).quantize(Decimal("0.01"))
    itb = (revenue * Decimal(60 + seq % 35) / 100).quantize(Decimal("0.01"))
    ops["revenue_total"], ops["revenue_itb"] = revenue, itb
    ops["itb_share"] = (itb / revenue * 100).quantize(Decimal("0.01"))
    ops["clients"] = 1100 + (seq * 37) % 1500  # above the example's 中小企业 (1012)
    if seq % INCIDENT_EVERY == 0:
        record["changes"]["incidents"], record["changes"]["incident_details"] = True, "实验室发生一起安全事故"
    if seq % KEEP_EVERY == 0:
        for key, current in (("staff_total", 40), ("staff_senior", 30), ("staff_qualified", 35)):
            record["capacity"][key] = {**record["capacity"][key], "current": current}
    return record


def last_year_record(record: dict[str, Any]) -> dict[str, Any]:
    """The platform's report of the year before: its 本年末 are this year's 上年末, revenue 10 % lower."""
    last = copy.deepcopy(record)
    last["header"]["report_year"] -= 1
    last["header"]["fill_date"] = last["header"]["fill_date"].replace(year=last["header"]["report_year"] + 1)
    for key, metric in last["capacity"].items():
        if isinstance(metric, dict) and "current" in metric:
            last["capacity"][key] = {"previous": metric["previous"], "current": metric["previous"]}
    ops = last["operations"]
    ops["revenue_itb"] = (ops["revenue_itb"] * Decimal("0.9")).quantize(Decimal("0.01"))
    return last


def build(platforms: int = PLATFORMS) -> tuple[Path, Path]:
    """The benchmark bundle and last year's 年度运行情况汇总表 (generated once, then cached)."""
    from forms.records import load_record  # noqa: PLC0415
    from service.bundles.annual import screen_annual  # noqa: PLC0415
    from service.bundles.files import FileOutcome  # noqa: PLC0415
    from templates.annual_summary import annual_summary_xlsx  # noqa: PLC0415
    from templates.render import fill, fill_pdfs  # noqa: PLC0415

    bundle = CACHE / f"annual-{platforms}-{cache_key('annex2', GENERATOR_VERSION)}.zip"
    previous = bundle.with_name(bundle.stem + "-previous.xlsx")
    if bundle.exists() and previous.exists():
        return bundle, previous
    CACHE.mkdir(parents=True, exist_ok=True)
    base = load_record(json.loads((ROOT / "examples" / "annex2.json").read_text(encoding="utf-8"))).record
    records = [platform_record(base, seq) for seq in range(1, platforms + 1)]
    started = time.monotonic()
    print(f"生成 {platforms} 个平台的年度运行情况表（Word、Excel、PDF）…", file=sys.stderr)
    kinds = [FORMATS[seq % len(FORMATS)] for seq in range(1, platforms + 1)]
    pdfs = iter(fill_pdfs([("annex2", r) for r, k in zip(records, kinds, strict=True) if k == "pdf"]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for seq, (record, kind) in enumerate(zip(records, kinds, strict=True), 1):
            data = next(pdfs) if kind == "pdf" else fill("annex2", record, kind)
            zf.writestr(f"{seq:03d}-{record['header']['operator']}/年度运行情况表.{kind}", data)
    last = [
        FileOutcome(i, f"{i}.docx", "", 0, "parsed", "docx", form="annex2", record=last_year_record(r))
        for i, r in enumerate(records)
    ]
    previous.write_bytes(annual_summary_xlsx(screen_annual(last).to_dict()["units"]))
    bundle.write_bytes(buffer.getvalue())
    print(f"已生成 {bundle}（{time.monotonic() - started:.0f} 秒）", file=sys.stderr)
    return bundle, previous


def screen(bundle: Path, workers: int, previous: Path) -> dict[str, Any]:
    """What the measured process does: everything ``itbforms bundle --previous … --received …`` does."""
    from service.bundles.annual import annual_section, load_previous  # noqa: PLC0415
    from service.bundles.screen import screen_bundle  # noqa: PLC0415
    from templates.annual_summary import annual_summary_xlsx  # noqa: PLC0415

    started = time.monotonic()
    last = load_previous(previous.read_bytes(), previous.name)
    report = screen_bundle(bundle, name=bundle.name, workers=workers)
    data = report.to_dict()
    annual = annual_section(report.files, received=RECEIVED, previous=last)
    assert annual is not None
    workbook = annual_summary_xlsx(annual["units"], failed=data["failed"])
    return {
        "seconds": time.monotonic() - started,
        "counts": {**annual["counts"], "files": data["counts"]["files"], "failed_files": len(data["failed"])},
        "with_previous": annual["statistics"]["with_previous"],
        "workbook_bytes": len(workbook),
    }


def run(platforms: int = PLATFORMS, repeat: int = 2) -> str:
    """Measure with 1 and 2 workers, ``repeat`` times each, alternating, keeping each one's fastest run."""
    import platform  # noqa: PLC0415
    from datetime import datetime  # noqa: PLC0415

    bundle, previous = build(platforms)
    load = os.getloadavg()[0]
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(repeat):
        for workers in (2, 1):
            runs[workers].append(measure(bundle, workers, "bench.annual", "--previous", str(previous)))
    one, two = (min(runs[w], key=lambda r: r["seconds"]) for w in (1, 2))
    counts = one["counts"]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "## Annual bundle screening (issue 18: 年度运行情况汇总表)",
        "",
        f"Measured {stamp}, {os.cpu_count()} CPUs, Python {platform.python_version()}: a generated bundle "
        f"of {platforms} platforms' annual reports (Word, Excel and PDF in turn, {counts['files']} files) "
        "with last year's 年度运行情况汇总表 as `previous`, screened end to end by `python -m bench.annual` "
        "(read last year's summary, parse, group, V-/A- checks with the received date and A-CARRY, "
        "statistics, 年度运行情况汇总表 with its charts) in a fresh process; CPU time and peak memory of "
        f"the process tree sampled every 100 ms; fastest of {repeat} alternating runs each. Load average "
        f"when it started: {load:.1f}.",
        "",
        *timing_table([one, two]),
        "",
        "The wall times depend on what else runs on the machine (see the load average); the CPU time of "
        "the tree is what the screening itself costs.",
    ]
    lines += [
        "",
        f"Platforms: {counts['platforms']} (正常 {counts['正常']}, 需关注 {counts['需关注']}, 不符合 "
        f"{counts['不符合']}, 待补充 {counts['待补充']}), {one['with_previous']} matched with last year's "
        f"summary; files not used: {counts['failed_files']}.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.annual", description=__doc__.split("\n\n")[0])
    parser.add_argument("--platforms", type=int, default=PLATFORMS, help=f"default {PLATFORMS}")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each worker count (default 2)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    parser.add_argument("--screen", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--previous", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.screen:
        print(json.dumps(screen(args.screen, args.workers, args.previous)))
        return 0
    from office.libreoffice import available  # noqa: PLC0415

    if not available():
        print("annual bundle benchmark skipped: LibreOffice is not installed (it makes the bundle's PDFs)")
        return 0
    text = run(args.platforms, max(1, args.repeat))
    print(text)
    if not args.no_write:
        readme = write_section(SECTION, text)
        print(f"\n(written to {readme.relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
