"""``service.accounts`` on a real SQLite file: tokens stored only as hashes, rotation, removal, passwords,
and the first ``admin`` made exactly once by several processes starting at once."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3

import pytest

from service.accounts import FIRST_ADMIN, AccountError, AccountStore


@pytest.fixture
def store(tmp_path):
    return AccountStore(tmp_path / "data" / "jobs.sqlite3")


def test_a_token_is_random_shown_once_and_stored_only_as_its_sha256(store):
    account, token = store.add("江苏省工信厅", "authority")
    _, other = store.add("浙江省经信厅", "authority")
    assert len(token) >= 43 and token != other  # 32 random bytes, URL-safe base64
    with sqlite3.connect(store.path) as db:
        stored = [row[0] for row in db.execute("SELECT token_hash FROM accounts")]
        dump = "\n".join(db.iterdump())
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in dump and other not in dump
    assert store.by_token(token) == account and store.by_token(token + "x") is None
    assert (account.role, account.role_label, account.has_password) == ("authority", "推荐单位", False)


def test_rotating_a_token_ends_the_old_one(store):
    account, old = store.add("甲", "integrator")
    new = store.rotate_token("甲")
    assert new != old and store.by_token(old) is None and store.by_token(new) == account


def test_a_removed_account_is_gone_with_its_token(store):
    _, token = store.add("乙", "authority")
    store.remove("乙")
    assert store.by_token(token) is None
    with pytest.raises(AccountError, match="乙 不存在"):
        store.remove("乙")
    with pytest.raises(AccountError, match="乙 不存在"):
        store.rotate_token("乙")


def test_passwords_are_argon2_hashes_and_checked(store):
    account, _ = store.add("丙", "authority", password="正确的密码-123")
    with sqlite3.connect(store.path) as db:
        stored = db.execute("SELECT password_hash FROM accounts WHERE name = '丙'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "正确的密码" not in stored
    assert store.by_password("丙", "正确的密码-123") == account
    assert store.by_password("丙", "错误的密码-123") is None
    assert store.by_password("不存在", "正确的密码-123") is None
    token_only, _ = store.add("丁", "integrator")
    assert store.by_password("丁", "") is None and not token_only.has_password


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("甲\u202egpj.exe", "authority", "无效"),
        ("a\nb", "authority", "无效"),
        ("", "authority", "无效"),
        ("x" * 65, "authority", "无效"),
        ("戊", "superuser", "未知的角色"),
    ],
)
def test_bad_names_and_roles_are_refused(store, name, role, message):
    with pytest.raises(AccountError, match=message):
        store.add(name, role)
    assert store.count() == 0


def test_a_name_is_taken_once(store):
    store.add("己", "authority")
    with pytest.raises(AccountError, match="己 已存在"):
        store.add("己", "admin")


def _first_admin(path: str, start: multiprocessing.synchronize.Event, out: multiprocessing.Queue) -> None:
    store = AccountStore(path)
    start.wait()
    out.put(store.add_first_admin())


def test_the_first_admin_is_made_once_by_processes_starting_together(tmp_path):
    path = str(tmp_path / "jobs.sqlite3")
    AccountStore(path)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=_first_admin, args=(path, start, out)) for _ in range(4)]
    for worker in workers:
        worker.start()
    start.set()
    results = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    made = [r for r in results if r is not None]
    assert len(made) == 1
    token, password = made[0]
    store = AccountStore(path)
    assert [a.name for a in store.all()] == [FIRST_ADMIN]
    assert store.by_token(token).role == "admin" and store.by_password(FIRST_ADMIN, password) is not None
    assert store.add_first_admin() is None
