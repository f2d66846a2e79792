"""``itbforms``: the command line. Each sub-command lives in its own module of this package, imported only
when its command runs, and exposes ``register(subparsers)``; this module only wires them and turns errors
into exit codes (``exit_code``, the one place that does).

Exit codes: 0 done (for ``check``: eligible / ok), 1 the document or record fails a check,
2 the input is unusable (a clear one-line message on stderr, never a traceback), 3 our own fault
(a template out of step with its form, a malformed ``ITBFORMS_*`` setting, a crash): one line naming it.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from forms.errors import FormsError, OwnFault

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_FAULT = 0, 1, 2, 3


#: Commands registered by a module of another name (``itbforms prefill`` lives in ``fill``).
COMMAND_MODULES = {"prefill": "fill"}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of ``itbforms``. Given ``argv`` naming a command, only that command's module is imported
    (``itbforms parse x.docx`` never loads the renderer or the bundle pool); otherwise, for the list of
    commands and for an unknown one, every module."""
    parser = argparse.ArgumentParser(
        prog="itbforms",
        description="产业技术基础公共服务平台申报书/年度运行情况表：填写、解析、核查",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _command_modules(argv):
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _command_modules(argv: Sequence[str] | None) -> list[str]:
    """The module of the command ``argv`` names, or all of this package's command modules."""
    modules = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    command = next(iter(argv or ()), "")
    module = COMMAND_MODULES.get(command, command)
    return [module] if module in modules else modules


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # every error becomes one line and an exit code, never a traceback
        code, message = exit_code(exc)
        print(f"itbforms {args.command}: {message}", file=sys.stderr)
        return code


def exit_code(exc: Exception) -> tuple[int, str]:
    """The exit code and the one line on stderr for an error: the user's input (``FormsError``, a file
    that cannot be read or written) exits 2, our own fault (``OwnFault``) or a crash exits 3."""
    if isinstance(exc, FormsError):
        return EXIT_UNUSABLE, str(exc)
    if isinstance(exc, FileNotFoundError):
        return EXIT_UNUSABLE, f"{exc.filename}：文件不存在"
    if isinstance(exc, OSError):
        name = getattr(exc, "filename", None) or ""
        return EXIT_UNUSABLE, f"无法读写文件 {name}：{exc.strerror or exc}"
    if isinstance(exc, OwnFault):
        return EXIT_FAULT, f"内部错误（程序或其配置的问题，不是输入的问题）：{exc}"
    return EXIT_FAULT, f"内部错误（程序的问题，不是输入的问题）：{type(exc).__name__}: {exc}"
