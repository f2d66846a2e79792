"""The job database's schema, migrated with Alembic: this folder is the Alembic script directory shipped
inside the package (``env.py``, ``versions/``). ``upgrade`` runs at the first use of a store in a process
and from ``itbforms db upgrade``; it is idempotent and safe with several processes at once (an exclusive
file lock beside a SQLite database, an advisory lock on PostgreSQL)."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

HERE = Path(__file__).resolve().parent
#: Any constant of our own: the PostgreSQL advisory lock held while migrating.
PG_LOCK = 0x17B_F0F5

_engines: dict[tuple[int, str], Engine] = {}
_migrated: set[tuple[int, str]] = set()
_lock = threading.Lock()


def engine(url: str) -> Engine:
    """This process's engine of ``url`` (a SQLite file is made private and opened in WAL mode with
    ``secure_delete``, as the service's other SQLite tables are)."""
    key = (os.getpid(), url)  # a forked worker opens its own connections
    with _lock:
        if key not in _engines:
            _engines[key] = _create(url)
        return _engines[key]


def _create(url: str) -> Engine:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    from service.database import private_file  # noqa: PLC0415

    if parsed.database:
        private_file(Path(parsed.database))
    created = sa.create_engine(url, connect_args={"timeout": 30.0})

    @sa.event.listens_for(created, "connect")
    def _pragmas(dbapi: Any, _record: Any) -> None:
        dbapi.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi.cursor()
        for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @sa.event.listens_for(created, "begin")
    def _immediate(conn: Any) -> None:  # a write transaction takes the lock at once: no upgrade deadlock
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return created


def upgrade(bound: Engine) -> None:
    """Bring ``bound``'s schema to the newest revision (once per process and database)."""
    key = (os.getpid(), str(bound.url))
    if key in _migrated:
        return
    from alembic import command  # noqa: PLC0415
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option("script_location", str(HERE))
    with _exclusive(bound), bound.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    _migrated.add(key)


class _exclusive:
    """One migrating process at a time."""

    def __init__(self, bound: Engine) -> None:
        self.bound = bound
        self.fd: int | None = None
        self.conn: Any = None

    def __enter__(self) -> None:
        if self.bound.dialect.name == "sqlite":
            path = Path(self.bound.url.database or "jobs").with_suffix(".migrate.lock")
            self.fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        elif self.bound.dialect.name == "postgresql":
            self.conn = self.bound.connect()
            self.conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": PG_LOCK})

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock
        if self.conn is not None:
            self.conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK})
            self.conn.close()
