"""``itbforms worker [--processes N]``: run bundle job workers (a Huey consumer) on this machine, for the
queue, database and storage of ``ITBFORMS_QUEUE_URL``, ``ITBFORMS_DATABASE_URL`` and
``ITBFORMS_STORAGE_DIR`` (or the embedded defaults under ``ITBFORMS_DATA_DIR``). SIGTERM stops it
gracefully: running files finish, or go back to the queue when they take too long."""

from __future__ import annotations

import argparse
import logging

from service.settings import Settings


def _processes(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"进程数应为正整数，实为 {text}")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="运行批量审核任务的处理进程（可在多台机器上运行）")
    p.add_argument(
        "--processes", type=_processes, default=None, help="处理进程数（默认 ITBFORMS_WORKERS 或 CPU 核数）"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from service.queue import consumer  # noqa: PLC0415  (Huey only for this command)

    settings = Settings.from_env()
    worker = consumer(settings, args.processes or settings.workers or 1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    worker.run()
    return 0
