"""Bundle jobs persisted in embedded SQLite, shared by every server process of the host.

The database runs in WAL mode (readers never wait for the writer). A job is claimed atomically inside
``BEGIN IMMEDIATE`` (``UPDATE … WHERE status='queued'``), so two processes never run the same job. The
runner holds a *lease* it renews while working; a job whose lease ran out (its process was killed, the
host restarted) is put back in the queue to be resumed from the start, or marked failed with the reason
once it has been started ``max_attempts`` times. Every update a runner makes names its own ``owner``
token and the ``attempt``, so a runner that lost its lease cannot overwrite the job's new life.

The uploaded bundle is kept as a file beside the database (``inputs/<id>.zip``, mode 0600, deleted when
the job ends); the JSON report and the workbook are stored in the database until the retention time has
passed (the service's default, or the job's own shorter one). A job names the account that submitted it;
``delete`` removes its input, rows and results at once (``secure_delete``: the bytes are overwritten).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service import database

STATUSES = ("queued", "running", "done", "failed")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    name        TEXT NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}',
    input_path  TEXT,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    started_at  REAL,
    finished_at REAL,
    lease_until REAL,
    owner       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER,
    error       TEXT,
    notes       TEXT NOT NULL DEFAULT '[]',
    account     TEXT,
    retention_s REAL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
CREATE TABLE IF NOT EXISTS job_files (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    idx    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    PRIMARY KEY (job_id, idx)
);
CREATE TABLE IF NOT EXISTS job_results (
    job_id  TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    report  BLOB NOT NULL,
    summary BLOB NOT NULL
);
"""
#: Columns added after the first release: (name, declaration) added to an older database when opened.
ADDED_COLUMNS = (("account", "TEXT"), ("retention_s", "REAL"))


@dataclass
class FileRow:
    idx: int
    name: str
    status: str
    reason: str | None = None


@dataclass
class JobRow:
    """One job as stored."""

    id: str
    kind: str
    status: str
    name: str
    params: dict[str, Any]
    input_path: str | None
    created_at: float
    updated_at: float
    started_at: float | None
    finished_at: float | None
    lease_until: float | None
    owner: str | None
    attempts: int
    done: int
    total: int | None
    error: str | None
    notes: list[str]
    account: str | None = None  # the id of the account that submitted it
    retention_s: float | None = None  # kept this long after it ended; None → the service's default
    files: list[FileRow] = field(default_factory=list)


class JobStore:
    """The jobs database at ``path`` (created with its folder on first use). Times (creation, leases,
    retention) are read from ``clock``, seconds since the epoch; tests pass a clock they move."""

    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.clock = clock
        self.inputs = database.private_dir(self.path.parent / "inputs")
        database.prepare(self.path, SCHEMA)
        with self._transaction() as db:
            present = {r["name"] for r in db.execute("PRAGMA table_info(jobs)")}
            for name, declaration in ADDED_COLUMNS:
                if name not in present:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return database.connect(self.path)

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return database.transaction(self.path)

    def _exists(self, query: str, params: tuple[Any, ...] = ()) -> bool:
        with self._connect() as db:
            return db.execute(query, params).fetchone() is not None

    # --- creating and reading ------------------------------------------------------------------------

    def create(
        self,
        kind: str,
        name: str,
        data: bytes | Iterable[bytes],
        params: dict[str, Any],
        *,
        account: str | None = None,
        retention_s: float | None = None,
    ) -> str:
        """Store the input (mode 0600), then queue the job; returns its id."""
        job_id = uuid.uuid4().hex
        target = self.inputs / f"{job_id}.zip"
        partial = target.with_suffix(".part")
        with os.fdopen(database.open_private(partial), "wb") as fh:
            if isinstance(data, bytes | bytearray):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
        os.replace(partial, target)
        now = self.clock()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO jobs (id, kind, status, name, params, input_path, created_at, updated_at,"
                " account, retention_s) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    kind,
                    name,
                    json.dumps(params, ensure_ascii=False),
                    str(target),
                    now,
                    now,
                    account,
                    retention_s,
                ),
            )
        return job_id

    def get(self, job_id: str, *, files: bool = True) -> JobRow | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return None
            job = _job(row)
            if files:
                job.files = [
                    FileRow(r["idx"], r["name"], r["status"], r["reason"])
                    for r in db.execute(
                        "SELECT idx, name, status, reason FROM job_files WHERE job_id = ? ORDER BY idx",
                        (job_id,),
                    )
                ]
            return job

    def result(self, job_id: str, which: str) -> bytes | None:
        if which not in ("report", "summary"):
            raise ValueError(which)
        with self._connect() as db:
            row = db.execute(f"SELECT {which} FROM job_results WHERE job_id = ?", (job_id,)).fetchone()
        return None if row is None else bytes(row[0])

    def delete(self, job_id: str) -> bool:
        """Remove the job, its files' states, its results and its input at once; False when there was none.
        A runner still working on it loses its lease (its next write finds no job) and stops."""
        with self._transaction() as db:
            row = db.execute("SELECT input_path FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))
        _remove(row["input_path"])
        return True

    def set_retention(self, job_id: str, retention_s: float) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET retention_s = ?, updated_at = ? WHERE id = ?",
                (retention_s, self.clock(), job_id),
            )

    def ids(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT id FROM jobs ORDER BY created_at")]

    # --- the runner's side ---------------------------------------------------------------------------

    def claim(self, owner: str, lease_s: float, concurrency: int) -> JobRow | None:
        """Take the oldest queued job if fewer than ``concurrency`` jobs hold a live lease; atomic."""
        now = self.clock()
        if not self._exists("SELECT 1 FROM jobs WHERE status = 'queued' LIMIT 1"):
            return None  # the usual idle poll: a read, no write lock taken
        with self._transaction() as db:
            running = db.execute(
                "SELECT count(*) FROM jobs WHERE status = 'running' AND lease_until >= ?", (now,)
            ).fetchone()[0]
            if running >= concurrency:
                return None
            row = db.execute(
                "SELECT id FROM jobs WHERE status = 'queued' ORDER BY created_at LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            changed = db.execute(
                "UPDATE jobs SET status = 'running', owner = ?, lease_until = ?, attempts = attempts + 1,"
                " started_at = ?, updated_at = ?, done = 0, total = NULL, error = NULL"
                " WHERE id = ? AND status = 'queued'",
                (owner, now + lease_s, now, now, row["id"]),
            ).rowcount
            if changed != 1:
                return None
            db.execute("DELETE FROM job_files WHERE job_id = ?", (row["id"],))
        return self.get(row["id"], files=False)

    def heartbeat(self, job_id: str, owner: str, lease_s: float) -> bool:
        """Renew the lease; False when this owner no longer holds the job."""
        now = self.clock()
        with self._transaction() as db:
            return (
                db.execute(
                    "UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND owner = ?"
                    " AND status = 'running'",
                    (now + lease_s, now, job_id, owner),
                ).rowcount
                == 1
            )

    def set_files(self, job_id: str, owner: str, files: Sequence[FileRow], total: int) -> bool:
        with self._transaction() as db:
            if not _owns(db, job_id, owner):
                return False
            db.execute(
                "UPDATE jobs SET total = ?, done = 0, updated_at = ? WHERE id = ?",
                (total, self.clock(), job_id),
            )
            db.executemany(
                "INSERT OR REPLACE INTO job_files (job_id, idx, name, status, reason) VALUES (?, ?, ?, ?, ?)",
                [(job_id, f.idx, f.name, f.status, f.reason) for f in files],
            )
        return True

    def update_files(self, job_id: str, owner: str, files: Sequence[FileRow], done: int) -> bool:
        with self._transaction() as db:
            if not _owns(db, job_id, owner):
                return False
            db.execute("UPDATE jobs SET done = ?, updated_at = ? WHERE id = ?", (done, self.clock(), job_id))
            db.executemany(
                "UPDATE job_files SET status = ?, reason = ? WHERE job_id = ? AND idx = ?",
                [(f.status, f.reason, job_id, f.idx) for f in files],
            )
        return True

    def finish(self, job_id: str, owner: str, report: bytes, summary: bytes) -> bool:
        """Store the results and mark the job done (its input is deleted)."""
        now = self.clock()
        with self._transaction() as db:
            if not _owns(db, job_id, owner):
                return False
            db.execute(
                "INSERT OR REPLACE INTO job_results (job_id, report, summary) VALUES (?, ?, ?)",
                (job_id, report, summary),
            )
            path = db.execute("SELECT input_path FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]
            db.execute(
                "UPDATE jobs SET status = 'done', finished_at = ?, updated_at = ?, lease_until = NULL,"
                " input_path = NULL, done = coalesce(total, done) WHERE id = ?",
                (now, now, job_id),
            )
        _remove(path)
        return True

    def fail(self, job_id: str, reason: str, *, owner: str | None = None) -> bool:
        """Mark the job failed with ``reason`` (only if ``owner`` still holds it, when given)."""
        now = self.clock()
        with self._transaction() as db:
            if owner is not None and not _owns(db, job_id, owner):
                return False
            row = db.execute("SELECT input_path, status FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None or row["status"] in ("done", "failed"):
                return False
            db.execute(
                "UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?,"
                " lease_until = NULL, input_path = NULL WHERE id = ?",
                (reason, now, now, job_id),
            )
        _remove(row["input_path"])
        return True

    def recover(self, max_attempts: int) -> list[tuple[str, str]]:
        """Jobs whose lease ran out: queued again to be resumed, or failed once started ``max_attempts``
        times. Returns ``[(id, new status)]``."""
        now = self.clock()
        changed: list[tuple[str, str]] = []
        removed: list[str | None] = []
        if not self._exists(
            "SELECT 1 FROM jobs WHERE status = 'running' AND lease_until < ? LIMIT 1", (now,)
        ):
            return changed
        with self._transaction() as db:
            stale = db.execute(
                "SELECT id, attempts, input_path FROM jobs WHERE status = 'running' AND lease_until < ?",
                (now,),
            ).fetchall()
            for row in stale:
                note = (
                    f"{_clock(now)} 处理中断（服务重启或处理进程被终止），第 {row['attempts']} 次处理未完成"
                )
                if row["attempts"] >= max_attempts:
                    reason = (
                        f"处理中断（服务重启或处理进程被终止），已处理 {row['attempts']} 次仍未完成；"
                        "请重新上传，或将压缩包拆分后分批上传"
                    )
                    db.execute(
                        "UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, updated_at = ?,"
                        " lease_until = NULL, owner = NULL, input_path = NULL,"
                        " notes = json_insert(notes, '$[#]', ?) WHERE id = ?",
                        (reason, now, now, note, row["id"]),
                    )
                    removed.append(row["input_path"])
                    changed.append((row["id"], "failed"))
                else:
                    db.execute(
                        "UPDATE jobs SET status = 'queued', owner = NULL, lease_until = NULL, updated_at = ?,"
                        " done = 0, notes = json_insert(notes, '$[#]', ?) WHERE id = ?",
                        (now, note + "，已重新排队", row["id"]),
                    )
                    db.execute(
                        "UPDATE job_files SET status = 'queued', reason = NULL WHERE job_id = ?", (row["id"],)
                    )
                    changed.append((row["id"], "queued"))
        for path in removed:
            _remove(path)
        return changed

    def purge(self, older_than_s: float) -> int:
        """Delete finished jobs (and results) that ended more than their own retention (or else
        ``older_than_s``) seconds ago, and input files no job refers to any more."""
        now = self.clock()
        with self._transaction() as db:
            count = db.execute(
                "DELETE FROM jobs WHERE status IN ('done', 'failed')"
                " AND finished_at + coalesce(retention_s, ?) < ?",
                (older_than_s, now),
            ).rowcount
            live = {r[0] for r in db.execute("SELECT input_path FROM jobs WHERE input_path IS NOT NULL")}
        for path in self.inputs.glob("*.zip"):
            if str(path) not in live and path.stat().st_mtime < self.clock() - 3600:
                _remove(str(path))
        return count


def _owns(db: sqlite3.Connection, job_id: str, owner: str) -> bool:
    row = db.execute("SELECT owner, status FROM jobs WHERE id = ?", (job_id,)).fetchone()
    return row is not None and row["owner"] == owner and row["status"] == "running"


def _job(row: sqlite3.Row) -> JobRow:
    values = dict(row)
    values["params"] = json.loads(values["params"] or "{}")
    values["notes"] = json.loads(values["notes"] or "[]")
    return JobRow(**values)


def _remove(path: str | None) -> None:
    if path:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


def _clock(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))
