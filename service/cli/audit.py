"""``itbforms audit``: print the audit log (who submitted, read, downloaded and deleted which job, who
signed in), oldest first, from the database of ``ITBFORMS_DATA_DIR``."""

from __future__ import annotations

import argparse

from service.ownership import audit_for
from service.settings import Settings


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return int(text)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="输出审计日志：谁在何时提交、查看、下载、删除了哪个任务")
    p.add_argument("--account", help="只看这个账户")
    p.add_argument("--job", help="只看这个任务")
    p.add_argument("--last", type=_positive, help="只看最近的 N 条")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    entries = audit_for(Settings.from_env()).entries(account=args.account, job_id=args.job, limit=args.last)
    for entry in entries:
        print(entry.line())
    if not entries:
        print("审计日志中没有符合条件的记录")
    return 0
