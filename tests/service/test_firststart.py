"""The first start: ``admin`` made once (its token and password printed once) on a loopback start, a
refusal on a public address with no account — through the function and through real gunicorn with two
workers, as ``make run`` starts it."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from service.accounts import FIRST_ADMIN
from service.firststart import UnsafeStart, first_start, is_loopback
from service.ownership import accounts_for
from service.settings import Settings
from tests.conftest import ROOT

GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1:8000", True),
        ("127.8.9.1:80", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("unix:/run/itbforms.sock", True),
        ("0.0.0.0:8000", False),
        (":8000", False),
        ("[::]:8000", False),
        ("10.1.2.3:8000", False),
        ("example.org:8000", False),
        ("fd://3", False),
    ],
)
def test_which_binds_are_loopback(bind, loopback):
    assert is_loopback(bind) is loopback


def test_a_loopback_first_start_makes_admin_once(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    out = io.StringIO()
    first_start(settings, ["127.0.0.1:8000"], out)
    lines = out.getvalue().splitlines()
    token = next(line.split("：", 1)[1] for line in lines if "API 令牌" in line)
    password = next(line.split("：", 1)[1] for line in lines if "网页登录密码" in line)
    store = accounts_for(settings)
    assert store.by_token(token).name == FIRST_ADMIN and store.by_password(FIRST_ADMIN, password) is not None
    again = io.StringIO()
    first_start(settings, ["127.0.0.1:8000"], again)
    assert again.getvalue() == "" and [a.name for a in store.all()] == [FIRST_ADMIN]


def test_a_public_first_start_is_refused_until_an_account_exists(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    with pytest.raises(UnsafeStart) as refused:
        first_start(settings, ["127.0.0.1:8000", "0.0.0.0:8000"], io.StringIO())
    assert "拒绝启动" in str(refused.value.code) and "0.0.0.0:8000" in str(refused.value.code)
    assert accounts_for(settings).count() == 0
    accounts_for(settings).add("运维", "admin")
    out = io.StringIO()
    first_start(settings, ["0.0.0.0:8000"], out)
    assert out.getvalue() == ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(data_dir: Path, bind: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ITBFORMS_DATA_DIR": str(data_dir), "ITBFORMS_JOB_WORKERS": "1"}
    return subprocess.Popen(
        [
            str(GUNICORN),
            "--config",
            "gunicorn.conf.py",
            "--workers",
            "2",
            "--bind",
            bind,
            "service.app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_gunicorn_with_two_workers_makes_one_admin_and_prints_it_once(tmp_path):
    port = free_port()
    server = gunicorn(tmp_path, f"127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # both workers booted: they imported the app
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    assert out.count("已创建管理员账户 admin") == 1, out + err
    token = next(line.split("：", 1)[1] for line in out.splitlines() if "API 令牌" in line)
    store = accounts_for(Settings(data_dir=str(tmp_path)))
    assert [a.name for a in store.all()] == [FIRST_ADMIN] and store.by_token(token) is not None


def test_gunicorn_on_a_public_address_without_accounts_refuses_to_start(tmp_path):
    server = gunicorn(tmp_path, f"0.0.0.0:{free_port()}")
    out, err = server.communicate(timeout=60)
    assert server.returncode != 0
    assert "拒绝启动" in err and "itbforms users add" in err and "Traceback" not in err
    assert accounts_for(Settings(data_dir=str(tmp_path))).count() == 0
