"""``itbforms check RECORD.json``: run the regulation's checks on a record and print the report.

Exit 0 when eligible (annex1) or ok (annex2); 1 when any check fails or cannot be decided; 2 when the
record is unusable: not a JSON record, or holding values of the wrong type (the report is still printed,
with those values under V-TYPE, and stderr names the first of them).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from forms.errors import InvalidRecord
from forms.problems import Severity
from service import workflows
from service.cli import EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE
from service.cli._records import read_record_file

PASSING_VERDICTS = frozenset({"eligible", "ok"})


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期应为 YYYY-MM-DD：{text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="按《管理办法》核查一份记录（JSON）")
    p.add_argument("record", type=Path, help="记录文件（JSON）")
    p.add_argument("--form", choices=["annex1", "annex2"], help="表单（默认取记录中的 form）")
    p.add_argument("--received", type=_iso_date, help="收到日期 YYYY-MM-DD（年度报告按此判断是否逾期）")
    p.add_argument("--previous", type=Path, help="上一年度的年度运行情况表记录（JSON），用于核对结转数据")
    p.add_argument("--format", choices=["json", "text"], default="json", help="输出格式（默认 json）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    loaded = read_record_file(args.record, args.form)
    previous = read_record_file(args.previous, "annex2").record if args.previous else None
    report = workflows.check(loaded, received=args.received, previous=previous)
    if args.format == "text":
        sys.stdout.write(report.to_text() + "\n")
    else:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors:  # values of the wrong type: the report above says where; the exit code says "unusable"
        print(f"itbforms check: {InvalidRecord(errors, source=str(args.record))}", file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK if report.verdict in PASSING_VERDICTS else EXIT_FAILED
