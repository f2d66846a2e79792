"""The service's own SQLite file: created private (folder 0700, files 0600) and opened with the pragmas
every table of it needs — ``secure_delete`` so that a deleted job's bytes are overwritten, not left in free
pages. Jobs, accounts and the audit log each open it through ``connect``; each keeps its own tables."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar, cast

T = TypeVar("T")

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """``path`` as a folder only this user can enter (made, or narrowed when it was wider)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != DIR_MODE:
        path.chmod(DIR_MODE)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` (empty) readable by this user only, or narrow an existing file's mode; SQLite gives
    its ``-wal`` and ``-shm`` files the mode of the database file."""
    private_dir(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def open_private(path: Path) -> int:
    """A new file at ``path`` for writing, mode 0600 from its creation (never world-readable for an
    instant); returns the descriptor."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection in autocommit mode (callers take ``BEGIN IMMEDIATE`` for writes), closed afterwards."""
    db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
    try:
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA secure_delete=ON")
        yield db
    finally:
        db.close()


@contextmanager
def transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """A write transaction taken at once (``BEGIN IMMEDIATE``): no other writer between read and write."""
    with connect(path) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def prepare(path: Path, schema: str) -> None:
    """Make the database file private, switch it to WAL and create ``schema``'s tables if missing."""
    private_file(path)
    with connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(schema)


_stores: dict[tuple[object, Path], object] = {}
_stores_lock = threading.Lock()


def store(cls: Callable[[Path], T], path: Path) -> T:
    """The (per-process, cached) ``cls(path)``: a table's store is prepared once per process."""
    key = (cls, path.resolve())
    with _stores_lock:
        if key not in _stores:
            _stores[key] = cls(path)
        return cast(T, _stores[key])
