"""``itbforms db upgrade``: bring the job database (``ITBFORMS_DATABASE_URL``, or the SQLite file under
``ITBFORMS_DATA_DIR``) to the newest schema. Every process also does this on its first use of the
database; the command is for an operator who wants it done before the service starts."""

from __future__ import annotations

import argparse

from service.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("db", help="任务数据库：升级到最新结构")
    actions = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="升级到最新结构（可重复执行）").set_defaults(func=run_upgrade)


def run_upgrade(args: argparse.Namespace) -> int:
    from service.jobs import database_url, store_for  # noqa: PLC0415

    settings = Settings.from_env()
    store_for(settings)
    print(f"任务数据库已是最新结构：{database_url(settings).split('@')[-1]}")
    return 0
