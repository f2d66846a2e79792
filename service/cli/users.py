"""``itbforms users add|list|remove|token``: the service's accounts, in the database of ``ITBFORMS_DATA_DIR``
(the same one the service uses).

``users add NAME --role authority|integrator|admin`` and ``users token NAME`` print the new API token as
the last line of stdout (it is shown this once; only its hash is kept); ``--password-stdin`` reads a
password for the web pages from the first line of standard input.
"""

from __future__ import annotations

import argparse
import sys
import time

from service.accounts import ROLES, AccountError
from service.ownership import accounts_for
from service.settings import Settings

MIN_PASSWORD = 8


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="账户：添加、列出、删除、更换 API 令牌")
    users = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users.add_parser("add", help="添加账户，最后一行输出其 API 令牌")
    add.add_argument("name", help="账户名")
    add.add_argument("--role", required=True, choices=list(ROLES), help="admin、authority 或 integrator")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入第一行读取网页登录密码")
    add.set_defaults(func=run_add)
    users.add_parser("list", help="列出账户").set_defaults(func=run_list)
    remove = users.add_parser("remove", help="删除账户（其 API 令牌和网页登录随即失效）")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)
    token = users.add_parser("token", help="更换 API 令牌，最后一行输出新令牌")
    token.add_argument("name")
    token.set_defaults(func=run_token)


def _password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if len(line) < MIN_PASSWORD:
        raise AccountError(f"标准输入的密码过短：至少 {MIN_PASSWORD} 个字符（读到 {len(line)} 个）")
    return line


def run_add(args: argparse.Namespace) -> int:
    password = _password() if args.password_stdin else None
    account, token = accounts_for(Settings.from_env()).add(args.name, args.role, password)
    login = "，可用密码登录网页" if account.has_password else ""
    print(f"已添加账户 {account.name}（{account.role_label}）{login}。API 令牌只显示这一次，请妥善保存：")
    print(token)
    return 0


def run_list(args: argparse.Namespace) -> int:
    for account in accounts_for(Settings.from_env()).all():
        created = time.strftime("%Y-%m-%d %H:%M", time.localtime(account.created_at))
        login = "网页+API" if account.has_password else "仅 API"
        print(f"{account.name}\t{account.role}\t{account.role_label}\t{login}\t创建于 {created}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    accounts_for(Settings.from_env()).remove(args.name)
    print(f"已删除账户 {args.name}（其 API 令牌和网页登录已失效；其任务仍按保存期限删除）")
    return 0


def run_token(args: argparse.Namespace) -> int:
    token = accounts_for(Settings.from_env()).rotate_token(args.name)
    print(f"账户 {args.name} 的新 API 令牌（旧令牌已失效），只显示这一次：")
    print(token)
    return 0
