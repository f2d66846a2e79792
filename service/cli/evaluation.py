"""``itbforms evaluation read 年度运行情况汇总表.xlsx``: the evaluators' 年度评价 sheet (第十八条) as JSON.

Prints ``{"file", "counts": {platforms, 合格, 不合格, 未评价, problems}, "evaluations": [{row, seq,
platform_name, uscc, opinion, result}], "problems": [{row, field, message}]}``. Exit 0 when every row was
taken as it is, 1 when a row has a problem (a result other than 合格/不合格, a platform not in the 汇总
sheet, a bad code: listed, never dropped), 2 when the file is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractor.annual_summary import read_evaluation
from extractor.errors import UnreadableFile
from extractor.settings import Limits
from service.cli import EXIT_FAILED, EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluation", help="年度评价：读回评价人员填写的年度运行情况汇总表")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    read = actions.add_parser("read", help="读取“年度评价”工作表，输出 JSON（平台、评价意见、评价结果）")
    read.add_argument("file", type=Path, help="已填写的 年度运行情况汇总表.xlsx")
    read.add_argument("-o", "--output", type=Path, help="写入此 JSON 文件（默认输出到标准输出）")
    read.set_defaults(func=run_read)


def run_read(args: argparse.Namespace) -> int:
    limits = Limits.from_env()
    size = args.file.stat().st_size
    if size > limits.max_file_bytes:
        raise UnreadableFile(
            args.file.name, f"文件过大（{size} 字节），超过 {limits.max_file_bytes} 字节的上限"
        )
    sheet = read_evaluation(args.file.read_bytes(), args.file.name, limits)
    text = json.dumps(sheet.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    for problem in sheet.problems:
        print(problem["message"], file=sys.stderr)
    return EXIT_FAILED if sheet.problems else EXIT_OK
