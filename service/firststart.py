"""The service's first start, decided once by the server's master process before any worker starts.

With no account yet, a start bound to loopback only (``make run``: 127.0.0.1) makes the account ``admin``
and prints its API token and a password once (only their hashes are kept); a start on any other address
refuses, so that a fresh install is never open to a network with nobody able to manage it. The server
(``service.serving``) calls ``first_start`` before it listens; ``AccountStore.add_first_admin`` decides
inside one write transaction, so even several servers starting at once make one ``admin``.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterable
from typing import TextIO

from service.ownership import accounts_for
from service.settings import Settings


class UnsafeStart(SystemExit):
    """Refusal to start on a non-loopback address with no account (exits the server with this message)."""


def is_loopback(bind: str) -> bool:
    """Whether the bind address ``bind`` is reachable from this host only: ``127.0.0.1:8000``,
    ``[::1]:8000``, ``localhost:8000`` or a ``unix:`` socket; ``0.0.0.0``, ``:8000``, a host name or a
    passed file descriptor are not."""
    if bind.startswith("unix:"):
        return True
    if bind.startswith("fd://"):
        return False
    host = bind.rsplit(":", 1)[0] if bind.count(":") == 1 or bind.startswith("[") else bind
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def first_start(settings: Settings, binds: Iterable[str], out: TextIO = sys.stdout) -> None:
    """Make ``admin`` on a loopback-only first start (printing its token and password to ``out``); refuse
    (``UnsafeStart``) a first start on another address; do nothing once an account exists."""
    binds = list(binds)
    store = accounts_for(settings)
    if store.count():
        return
    public = [b for b in binds if not is_loopback(b)]
    if public:
        raise UnsafeStart(
            f"itbforms：拒绝启动。服务将监听 {', '.join(public)}（不只是本机），但还没有任何账户，"
            "任何人都无法管理它。请先在本机创建管理员账户：\n"
            "  itbforms users add admin --role admin --password-stdin\n"
            "或先只在本机启动一次（make run，监听 127.0.0.1）以自动创建 admin，然后再对外提供服务。"
        )
    made = store.add_first_admin()
    if made is None:  # another process made it a moment ago
        return
    token, password = made
    print(
        "itbforms 首次启动：已创建管理员账户 admin（以下令牌和密码只显示这一次，请立即妥善保存）\n"
        f"  网页登录密码：{password}\n"
        f"  API 令牌（Authorization: Bearer …）：{token}\n"
        "  添加推荐单位账户：itbforms users add 名称 --role authority --password-stdin",
        file=out,
        flush=True,
    )
