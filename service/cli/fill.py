"""``itbforms fill`` and ``itbforms prefill``: records → filled Word / PDF / Excel forms.

    itbforms fill annex1 record.json -o out.docx     # format from the extension: .docx .pdf, .xlsx (annex2)
    itbforms fill annex1 --blank -o blank.docx
    itbforms prefill annex2 --from last.json --year 2026 -o this.docx   # or --from last.docx|.xlsx|.pdf
    itbforms prefill annex2 --annex1 application.json --year 2026 -o this.xlsx

A partial record fills what it has; what is still missing (and values that could not be used) are listed
on stderr, and the command still succeeds. Unusable input exits 2 with a one-line message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extractor.formats import extensions
from forms import get_form
from forms.errors import FormsError
from forms.model import FormDef
from forms.problems import Problem
from forms.records import LoadedRecord, empty_record
from service import workflows
from service.cli import EXIT_OK
from service.cli._records import read_record_file, read_source_file
from service.settings import Settings

#: Output extension → format ``fill`` produces (``.json`` for ``prefill`` only).
OUTPUT_FORMATS = {".docx": "docx", ".pdf": "pdf", ".xlsx": "xlsx"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fill", help="用记录（JSON）填写表单，输出 Word/PDF/Excel")
    p.add_argument("form", choices=["annex1", "annex2"], help="表单：annex1 申报书，annex2 年度运行情况表")
    p.add_argument("record", type=Path, nargs="?", help="记录文件（JSON）；与 --blank 二选一")
    p.add_argument("--blank", action="store_true", help="输出空白表单")
    p.add_argument(
        "-o", "--output", type=Path, required=True, help="输出文件：.docx、.pdf（annex2 另可 .xlsx）"
    )
    p.add_argument("--timeout", type=float, help="PDF 转换超时（秒）")
    p.set_defaults(func=run_fill)

    q = sub.add_parser("prefill", help="按上一年度报告或申报书预填本年度的年度运行情况表")
    q.add_argument("form", choices=["annex2"], help="只能预填 annex2（年度运行情况表）")
    q.add_argument(
        "--from",
        dest="source",
        type=Path,
        help=f"上一年度的年度运行情况表：记录（.json）或文件（{'/'.join(extensions(usual_only=True))}）",
    )
    q.add_argument("--annex1", type=Path, help="申报书记录（JSON），用于填写表头")
    q.add_argument("--year", type=int, required=True, help="本次填报年度（所报告的年度）")
    q.add_argument("-o", "--output", type=Path, required=True, help="输出文件：.docx、.pdf、.xlsx 或 .json")
    q.add_argument("--timeout", type=float, help="PDF 转换超时（秒）")
    q.set_defaults(func=run_prefill)


def run_fill(args: argparse.Namespace) -> int:
    form = get_form(args.form)
    fmt = _output_format(args.output, form)
    if args.blank == (args.record is not None):
        raise FormsError("请给出记录文件，或使用 --blank 输出空白表单（二者只能选一）")
    if args.blank:
        record: Mapping[str, Any] = empty_record(form)
    else:
        loaded = read_record_file(args.record, form)
        _report(loaded.problems, "记录中无法使用的值（已留空）")
        record = loaded.record
    filled = _fill(form, record, fmt, args, source=None if args.blank else str(args.record))
    if not args.blank:
        _report(filled.missing, "尚未填写的必填项")
    _write(args.output, filled.content)
    return EXIT_OK


def run_prefill(args: argparse.Namespace) -> int:
    form = get_form(args.form)
    suffix = args.output.suffix.lower()
    fmt = "json" if suffix == ".json" else _output_format(args.output, form)
    if args.source is None and args.annex1 is None:
        raise FormsError("请用 --from 给出上一年度的报告，或用 --annex1 给出申报书记录")
    sources: list[LoadedRecord] = []
    if args.source is not None:
        sources.append(read_source_file(args.source, "annex2"))
        _report(sources[-1].problems, f"读取 {args.source.name} 时发现的问题（相应的值已留空）")
    if args.annex1 is not None:
        sources.append(read_record_file(args.annex1, "annex1"))
    record = workflows.prefill(args.year, *sources)
    filled = _fill(form, record, fmt, args, source=str(args.source or args.annex1))
    _write(args.output, filled.content)
    _report(filled.missing, "预填后仍需填写的必填项")
    return EXIT_OK


def _fill(
    form: FormDef, record: Mapping[str, Any], fmt: str, args: argparse.Namespace, source: str | None
) -> workflows.Filled:
    """``workflows.fill`` within the record limits of ``ITBFORMS_*`` (as in the service)."""
    limits = Settings.from_env().record_limits()
    return workflows.fill(form, record, fmt, timeout=args.timeout, limits=limits, source=source)


def _output_format(path: Path, form: FormDef) -> str:
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None or (fmt == "xlsx" and form.id != "annex2"):
        allowed = "、".join(s for s, f in OUTPUT_FORMATS.items() if f != "xlsx" or form.id == "annex2")
        raise FormsError(f"{path}：无法从扩展名判断输出格式（{form.id} 可输出 {allowed}）")
    return fmt


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    print(f"已写入 {path}", file=sys.stderr)


def _report(problems: list[Problem], title: str) -> None:
    if not problems:
        return
    print(f"{title}（{len(problems)} 项）：", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem.field or ''}：{problem.message}", file=sys.stderr)
