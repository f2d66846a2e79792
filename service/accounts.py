"""Accounts of the service: a name, a role, an API token and (for the pages) a password.

Passwords are hashed with Argon2id (argon2-cffi, OWASP's first choice: memory-hard, salted, its parameters
kept in the hash so ``check_needs_rehash`` can raise them later). API tokens are ``secrets.token_urlsafe(32)``
(256 random bits); only their SHA-256 is stored — a token is as random as a key, so a fast hash is enough
and lets a request be looked up by it — and the token itself is shown once. The table lives in the
service's database (``service.database``) beside the jobs, in its own module so that either can move.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from forms.errors import FormsError
from service import database
from service.hygiene import clean_name

#: Role → what people read. admin: manages accounts, reads the audit log; authority: submits and reads its
#: own bundles; integrator: uses the API's tools (fill, parse, check) when they are closed to anonymous use.
ROLES = {"admin": "管理员", "authority": "推荐单位", "integrator": "接口用户"}
#: Who may submit bundles and read their own jobs.
BUNDLE_ROLES = frozenset({"authority", "admin"})
FIRST_ADMIN = "admin"
MAX_NAME = 64

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a job names its account by id
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'authority', 'integrator')),
    token_hash    TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    session_key   TEXT NOT NULL,
    created_at    REAL NOT NULL
);
"""

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so a wrong name costs as long as a wrong password
    (made on first use: hashing costs as much as a login, not worth paying at every import)."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(FormsError):
    """A request about accounts that cannot be done (unknown name, name taken, unknown role)."""


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    role: str
    has_password: bool
    session_key: str  # changes when the password is set or the account removed: old sessions end
    created_at: float

    @property
    def role_label(self) -> str:
        return ROLES[self.role]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_password() -> str:
    return secrets.token_urlsafe(12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _account(row: sqlite3.Row) -> Account:
    return Account(
        row["id"],
        row["name"],
        row["role"],
        row["password_hash"] is not None,
        row["session_key"],
        row["created_at"],
    )


def valid_name(name: str) -> str:
    """The account name as stored: stripped of control and direction characters, 1–64 characters."""
    cleaned = clean_name(name).strip()
    if not cleaned or len(cleaned) > MAX_NAME or cleaned != name.strip():
        raise AccountError(f"账户名 {name!r} 无效：应为 1–{MAX_NAME} 个字符，不含控制字符或换行")
    return cleaned


def valid_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"未知的角色 {role!r}：应为 {'、'.join(ROLES)} 之一")
    return role


class AccountStore:
    """The accounts table of the database at ``path``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        database.prepare(self.path, SCHEMA)

    def add(self, name: str, role: str, password: str | None = None) -> tuple[Account, str]:
        """A new account; returns it and its API token (the only time the token is seen)."""
        name, role = valid_name(name), valid_role(role)
        token = new_token()
        hashed = _hasher.hash(password) if password else None
        try:
            with database.transaction(self.path) as db:
                db.execute(
                    "INSERT INTO accounts (name, role, token_hash, password_hash, session_key, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (name, role, token_hash(token), hashed, new_token(), time.time()),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"账户 {name} 已存在") from None
        return self.get(name), token

    def add_first_admin(self) -> tuple[str, str] | None:
        """``admin`` with a token and a password when there is no account yet; ``None`` when there is one.
        Decided inside one write transaction: of several processes starting at once, exactly one makes it."""
        token, password = new_token(), new_password()
        with database.transaction(self.path) as db:
            if db.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None:
                return None
            db.execute(
                "INSERT INTO accounts (name, role, token_hash, password_hash, session_key, created_at)"
                " VALUES (?, 'admin', ?, ?, ?, ?)",
                (FIRST_ADMIN, token_hash(token), _hasher.hash(password), new_token(), time.time()),
            )
        return token, password

    def get(self, name: str) -> Account:
        with database.connect(self.path) as db:
            row = db.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(f"账户 {name} 不存在")
        return _account(row)

    def find(self, account_id: int) -> Account | None:
        with database.connect(self.path) as db:
            row = db.execute("SELECT * FROM accounts WHERE id = ?", (account_id,)).fetchone()
        return None if row is None else _account(row)

    def all(self) -> list[Account]:
        with database.connect(self.path) as db:
            return [_account(r) for r in db.execute("SELECT * FROM accounts ORDER BY name")]

    def count(self) -> int:
        with database.connect(self.path) as db:
            return int(db.execute("SELECT count(*) FROM accounts").fetchone()[0])

    def remove(self, name: str) -> None:
        with database.transaction(self.path) as db:
            if db.execute("DELETE FROM accounts WHERE name = ?", (name,)).rowcount != 1:
                raise AccountError(f"账户 {name} 不存在")

    def rotate_token(self, name: str) -> str:
        """A new API token for ``name`` (the old one stops working at once)."""
        token = new_token()
        with database.transaction(self.path) as db:
            changed = db.execute(
                "UPDATE accounts SET token_hash = ? WHERE name = ?", (token_hash(token), name)
            ).rowcount
        if changed != 1:
            raise AccountError(f"账户 {name} 不存在")
        return token

    def by_token(self, token: str) -> Account | None:
        with database.connect(self.path) as db:
            row = db.execute("SELECT * FROM accounts WHERE token_hash = ?", (token_hash(token),)).fetchone()
        return None if row is None else _account(row)

    def by_password(self, name: str, password: str) -> Account | None:
        """The account when ``password`` is its password; ``None`` otherwise (unknown name included)."""
        with database.connect(self.path) as db:
            row = db.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        stored = row["password_hash"] if row is not None else None
        try:
            _hasher.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return _account(row) if stored else None
