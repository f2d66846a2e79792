"""``itbforms bundle BUNDLE.zip -o 推荐汇总表.xlsx --json report.json``: screen a recommending authority's
bundle of applications and write the 推荐汇总表 (and the JSON report).

A bundle of annual reports (or one holding both kinds) also gives the 年度运行情况汇总表
(``--annual-output``), checked with the received date (``--received``, default the zip file's date) and
against last year's reports (``--previous`` last year's zip or 年度运行情况汇总表); the JSON report then
has an ``annual`` section. The 推荐汇总表 is written unless the bundle holds annual reports only.

A progress bar goes to stderr, then one summary line. Exit 0 when every unit is 符合, every platform 正常
and every file was read; 1 when a unit is 不符合 or 待补充, a platform is not 正常, or a file could not be
used; 2 when the bundle itself is unusable.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from tqdm import tqdm

from extractor.settings import Limits
from service.bundles.annual import annual_line, annual_section, china_date, load_previous
from service.bundles.screen import Progress
from service.cli import EXIT_FAILED, EXIT_OK
from service.jobs import bundle_limits
from service.settings import Settings
from service.workflows import screen_bundle
from templates.annual_summary import annual_summary_xlsx
from templates.summary import summary_xlsx


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"进程数应为正整数：{text!r}")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bundle", help="批量审核：解析推荐材料压缩包，生成推荐汇总表")
    p.add_argument(
        "bundle",
        type=Path,
        help="申报材料或年度运行情况表压缩包（.zip，每个单位的 Word/PDF/Excel，可分文件夹）",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("推荐汇总表.xlsx"),
        help="推荐汇总表（默认 推荐汇总表.xlsx）",
    )
    p.add_argument("--json", type=Path, dest="json_path", help="同时写出 JSON 核查报告")
    p.add_argument("--recommender", help="推荐单位名称（印在汇总表上）")
    p.add_argument(
        "--workers", type=_workers, default=os.cpu_count() or 1, help="并行解析的进程数（默认 CPU 核数）"
    )
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.add_argument(
        "--annual-output",
        type=Path,
        default=None,
        help="年度运行情况表的汇总表（默认与 -o 同目录的 年度运行情况汇总表.xlsx；压缩包中有年度报告时写出）",
    )
    p.add_argument(
        "--received", type=_date, help="年度报告的收到日期 YYYY-MM-DD（默认为压缩包文件的日期，北京时间）"
    )
    p.add_argument(
        "--previous",
        type=Path,
        help="上年度的报送压缩包（.zip）或上年度的年度运行情况汇总表（.xlsx），用于逐年核对",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    bars: list[tqdm] = []  # made at the first event, once the number of files is known

    def progress(event: Progress) -> None:
        if event.file is None:
            bars.append(
                tqdm(total=event.total, unit="个文件", desc="解析", file=sys.stderr, disable=args.quiet)
            )
            return
        bars[0].set_postfix_str(event.file.name[-40:], refresh=False)
        bars[0].update(1)

    settings = Settings.from_env()
    previous = None
    if args.previous:
        previous = load_previous(
            args.previous.read_bytes(),
            args.previous.name,
            limits=bundle_limits(settings),
            document_limits=Limits.from_env(),
            workers=args.workers,
        )
    try:
        report = screen_bundle(
            args.bundle,
            name=args.bundle.name,
            recommender=args.recommender,
            workers=args.workers,
            progress=progress,
            limits=bundle_limits(settings),  # the same ITBFORMS_BUNDLE_* as the service
            document_limits=Limits.from_env(),
        )
    finally:
        for bar in bars:
            bar.close()
    data = report.to_dict()
    received = args.received or china_date(args.bundle.stat().st_mtime)
    annual = annual_section(report.files, received=received, previous=previous)
    applications = annual is None or bool(data["units"])
    if applications:
        args.output.write_bytes(summary_xlsx(data))
    if annual is not None:
        data["annual"] = annual
        annual_path = args.annual_output or args.output.with_name("年度运行情况汇总表.xlsx")
        annual_path.write_bytes(annual_summary_xlsx(annual["units"], failed=data["failed"]))
        print(f"年度运行情况表 {annual_line(annual)}。汇总表：{annual_path}", file=sys.stderr)
    if args.json_path:
        args.json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    c = data["counts"]
    print(
        f"共 {c['files']} 个文件、{c['units']} 个单位：符合 {c['eligible']}，不符合 {c['ineligible']}，"
        f"待补充 {c['incomplete']}；无法使用的文件 {c['failed_files']} 个；重复申报 {c['duplicates']} 个，"
        f"Word/PDF 不一致 {c['with_differences']} 个。" + (f"汇总表：{args.output}" if applications else ""),
        file=sys.stderr,
    )
    clean = c["eligible"] == c["units"] and not c["failed_files"]
    clean = clean and (annual is None or annual["counts"]["正常"] == annual["counts"]["platforms"])
    return EXIT_OK if clean else EXIT_FAILED
