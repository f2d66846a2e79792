"""``itbforms``: the command line. Each sub-command lives in its own module of this package and exposes
``register(subparsers)``; this module only wires them and turns library errors into exit code 2.

Exit codes: 0 done (for ``check``: eligible / ok), 1 the document or record fails a check,
2 the input is unusable (a clear one-line message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from forms.errors import FormsError

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="itbforms",
        description="产业技术基础公共服务平台申报书/年度运行情况表：填写、解析、核查",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except FormsError as exc:
        print(f"itbforms {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as exc:
        name = getattr(exc, "filename", None) or ""
        print(f"itbforms {args.command}: 无法读写文件 {name}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_UNUSABLE
