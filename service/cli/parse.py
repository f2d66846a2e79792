"""``itbforms parse FILE``: a filled form (Word, PDF or Excel) → the record as JSON, with its problems.

    itbforms parse 申报书.docx
    itbforms parse 年度运行情况表.xlsx --form annex2 --checks -o report.json

Prints ``{"form", "schema_version", "record", "problems", "provenance"(, "checks")}``. Exit 0 when the file
was parsed (even with problems: they are in the JSON), 2 when it is unusable (not a supported file, not
one of the two forms, corrupt, encrypted, a scan without text) with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extractor import Limits, read_file
from extractor.formats import extensions
from service import workflows
from service.cli import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="解析已填写的申报书/年度运行情况表（Word、PDF、Excel），输出 JSON 记录")
    p.add_argument("file", type=Path, help="文件：" + " ".join(extensions(usual_only=True)))
    p.add_argument(
        "--form",
        choices=["annex1", "annex2"],
        help="表单（默认按标题与栏目自动识别）：annex1 申报书，annex2 年度运行情况表",
    )
    p.add_argument("--checks", action="store_true", help="同时按《管理办法》核查，结果列于 checks")
    p.add_argument("-o", "--output", type=Path, help="写入此 JSON 文件（默认输出到标准输出）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    limits = Limits.from_env()
    data = read_file(args.file, limits)
    result = workflows.parse(data, args.file.name, form=args.form, checks=args.checks, limits=limits)
    text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
