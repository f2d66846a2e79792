"""The first start: ``admin`` made once (its token and password printed once) on a loopback start, a
refusal on a public address with no account — through the function here, through the real server of
``make run`` in ``test_serving``."""

from __future__ import annotations

import io

import pytest

from service.accounts import FIRST_ADMIN
from service.firststart import UnsafeStart, first_start, is_loopback
from service.ownership import accounts_for
from service.settings import Settings


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
