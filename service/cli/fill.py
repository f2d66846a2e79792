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
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from extractor.formats import by_extension
from forms import get_form
from forms.errors import FormsError
from forms.model import FormDef
from forms.problems import Problem
from forms.records import dump_record, empty_record
from service.cli import EXIT_OK
from service.cli._records import read_record_file
from templates.render import fill, missing_required

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
        help="上一年度的年度运行情况表：记录（.json）或文件（.docx/.xlsx/.pdf）",
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
        _report(missing_required(form, record), "尚未填写的必填项")
    _write(args.output, fill(form, record, fmt, timeout=args.timeout))
    return EXIT_OK


def run_prefill(args: argparse.Namespace) -> int:
    from templates.prefill import prefill_annex2

    form = get_form(args.form)
    suffix = args.output.suffix.lower()
    fmt = "json" if suffix == ".json" else _output_format(args.output, form)
    if args.source is None and args.annex1 is None:
        raise FormsError("请用 --from 给出上一年度的报告，或用 --annex1 给出申报书记录")
    last = _read_annex2(args.source) if args.source is not None else None
    annex1 = read_record_file(args.annex1, "annex1").record if args.annex1 is not None else None
    record = prefill_annex2(args.year, last_annex2=last, annex1=annex1)
    if fmt == "json":
        data = json.dumps(dump_record(record, form), ensure_ascii=False, indent=2) + "\n"
        _write(args.output, data.encode("utf-8"))
    else:
        _write(args.output, fill(form, record, fmt, timeout=args.timeout))
    _report(missing_required(form, record), "预填后仍需填写的必填项")
    return EXIT_OK


def _read_annex2(path: Path) -> Mapping[str, Any]:
    """Last year's report as a typed record, from its JSON record or from a filled document."""
    suffix = path.suffix.lower()
    if by_extension(suffix) is not None:  # a document we read, else a JSON record
        if not path.is_file():
            raise FormsError(f"{path}：文件不存在")
        try:
            from extractor import Limits, parse_file  # parsing is only needed for this path
        except ImportError:
            raise FormsError(
                f"{path}：暂不支持从 {suffix} 文件预填（解析模块尚未就绪），请改用记录文件（.json）"
            ) from None
        result = parse_file(path, form="annex2", limits=Limits.from_env())
        _report(list(getattr(result, "problems", ()) or ()), f"解析 {path.name} 时发现的问题")
        record: Mapping[str, Any] = result.record
        return record
    loaded = read_record_file(path, "annex2")
    _report(loaded.problems, "上一年度记录中无法使用的值（已留空）")
    return loaded.record


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
