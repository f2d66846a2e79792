"""Bundle job records through SQLAlchemy: SQLite by default (``<data_dir>/jobs.sqlite3``), PostgreSQL when
several machines share the work (``ITBFORMS_DATABASE_URL``). The schema is Alembic's (``service/migrations``),
brought up to date when a store is first opened in a process.

A job has one row per file of its bundle. A file to read carries its *task* state (``queued`` → ``running``
→ ``done``), when and by which worker it was started, and once read its ``FileOutcome`` (pickled: it holds
typed values — dates, decimals — that JSON would not give back as they were). Progress is the count of files
done. The queue itself (``service.queue``) only carries ids; everything a worker needs is here or in the
storage directory. Results (the JSON report and the workbook) are kept until the retention time has passed.
``delete`` removes a job's rows, results and stored files at once.
"""

from __future__ import annotations

import json
import pickle
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from service.bundles.files import FileOutcome

STATUSES = ("queued", "running", "done", "failed")

metadata = sa.MetaData()
jobs_table = sa.Table(
    "bundle_jobs",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("params", sa.Text, nullable=False, server_default="{}"),
    sa.Column("input_path", sa.Text),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("started_at", sa.Float),
    sa.Column("finished_at", sa.Float),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("total", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Column("notes", sa.Text, nullable=False, server_default="[]"),
    sa.Column("account", sa.String(64)),
    sa.Column("retention_s", sa.Float),
    sa.Index("bundle_jobs_by_status", "status", "created_at"),
    sa.Index("bundle_jobs_by_account", "account", "status"),
)
files_table = sa.Table(
    "bundle_files",
    metadata,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("bundle_jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("idx", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),  # shown: without control or direction characters
    sa.Column("entry", sa.Text, nullable=False),  # the path in the bundle, as the reader gets it
    sa.Column("folder", sa.Text, nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text),
    sa.Column("task", sa.String(16)),  # queued / running / done; NULL: not read (refused, skipped)
    sa.Column("started_at", sa.Float),
    sa.Column("worker", sa.Text),
    sa.Column("outcome", sa.LargeBinary),
    sa.Index("bundle_files_by_task", "task", "started_at"),
)
results_table = sa.Table(
    "bundle_results",
    metadata,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("bundle_jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("report", sa.LargeBinary, nullable=False),
    sa.Column("summary", sa.LargeBinary, nullable=False),
)


@dataclass
class FileRow:
    idx: int
    name: str
    status: str
    reason: str | None = None
    entry: str = ""  # the path in the bundle (``name`` is it cleaned for display)
    folder: str = ""


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
    attempts: int
    done: int
    total: int | None
    error: str | None
    notes: list[str]
    account: str | None = None  # the id of the account that submitted it
    retention_s: float | None = None  # kept this long after it ended; None → the service's default
    files: list[FileRow] = field(default_factory=list)


class JobStore:
    """The job records at ``url`` (migrated on first use) and the job files under ``storage``. Times
    (creation, retention, per-file deadlines) are read from ``clock``; tests pass a clock they move."""

    def __init__(self, url: str, storage: Path, clock: Callable[[], float] = time.time) -> None:
        from service import migrations  # noqa: PLC0415  (alembic only where a store is opened)
        from service.database import private_dir  # noqa: PLC0415

        self.url = url
        self.clock = clock
        self.storage = private_dir(storage)
        self.engine: Engine = migrations.engine(url)
        migrations.upgrade(self.engine)

    def job_dir(self, job_id: str) -> Path:
        """Where the job's upload and its files wait for the workers (removed when the job ends)."""
        from service.database import private_dir  # noqa: PLC0415

        return private_dir(self.storage / job_id)

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
        """Store the upload (mode 0600) in the job's storage folder, then record the job; returns its id."""
        from service.database import open_private  # noqa: PLC0415

        job_id = uuid.uuid4().hex
        target = self.job_dir(job_id) / "bundle.zip"
        partial = target.with_suffix(".part")
        with open(open_private(partial), "wb") as fh:
            if isinstance(data, bytes | bytearray):
                fh.write(data)
            else:
                for chunk in data:
                    fh.write(chunk)
        partial.replace(target)
        now = self.clock()
        with self.engine.begin() as db:
            db.execute(
                jobs_table.insert().values(
                    id=job_id,
                    kind=kind,
                    status="queued",
                    name=name,
                    params=json.dumps(params, ensure_ascii=False),
                    input_path=str(target),
                    created_at=now,
                    updated_at=now,
                    account=account,
                    retention_s=retention_s,
                )
            )
        return job_id

    def get(self, job_id: str, *, files: bool = True) -> JobRow | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(jobs_table).where(jobs_table.c.id == job_id)).mappings().first()
            if row is None:
                return None
            job = _job(row)
            if files:
                f = files_table.c
                job.files = [
                    FileRow(r.idx, r.name, r.status, r.reason)
                    for r in db.execute(
                        sa.select(f.idx, f.name, f.status, f.reason).where(f.job_id == job_id).order_by(f.idx)
                    )
                ]
            return job

    def result(self, job_id: str, which: str) -> bytes | None:
        if which not in ("report", "summary"):
            raise ValueError(which)
        column = results_table.c[which]
        with self.engine.connect() as db:
            value = db.execute(sa.select(column).where(results_table.c.job_id == job_id)).scalar()
        return None if value is None else bytes(value)

    def delete(self, job_id: str) -> bool:
        """Remove the job, its files' rows, its results and its stored files at once; False when there was
        none. A worker still reading one of its files finds no job when it reports, and drops its work."""
        with self.engine.begin() as db:
            gone = db.execute(jobs_table.delete().where(jobs_table.c.id == job_id)).rowcount
        self._remove_files(job_id)
        return bool(gone)

    def set_retention(self, job_id: str, retention_s: float) -> None:
        self._update(job_id, retention_s=retention_s)

    def ids(self) -> list[str]:
        with self.engine.connect() as db:
            return list(db.execute(sa.select(jobs_table.c.id).order_by(jobs_table.c.created_at)).scalars())

    def count(self, statuses: tuple[str, ...], account: str | None = None) -> int:
        """Jobs in one of ``statuses`` (of ``account`` when given): what the queue bounds count."""
        c = jobs_table.c
        query = sa.select(sa.func.count()).where(c.status.in_(statuses))
        if account is not None:
            query = query.where(c.account == account)
        with self.engine.connect() as db:
            return int(db.execute(query).scalar() or 0)

    # --- the workers' side ---------------------------------------------------------------------------

    def start(self, job_id: str, files: Sequence[FileRow], to_read: Sequence[int]) -> bool:
        """The job's bundle is listed: every entry as a file row, those of ``to_read`` queued as tasks; the
        job is running and has been started once more. False when the job is gone or started already (a
        prepare task delivered twice)."""
        now = self.clock()
        reading = set(to_read)
        with self.engine.begin() as db:
            changed = db.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job_id, jobs_table.c.status == "queued")
                .values(
                    status="running",
                    started_at=now,
                    updated_at=now,
                    attempts=jobs_table.c.attempts + 1,
                    done=0,
                    total=len(reading),
                )
            ).rowcount
            if not changed:
                return False
            db.execute(files_table.delete().where(files_table.c.job_id == job_id))
            if files:
                db.execute(
                    files_table.insert(),
                    [
                        {
                            "job_id": job_id,
                            "idx": f.idx,
                            "name": f.name,
                            "status": f.status,
                            "reason": f.reason,
                            "entry": f.entry or f.name,
                            "folder": f.folder,
                            "task": "queued" if f.idx in reading else None,
                        }
                        for f in files
                    ],
                )
        return True

    def claim_file(self, job_id: str, idx: int, worker: str) -> FileRow | None:
        """Mark a file running by ``worker`` unless it is done already (a task delivered twice, or re-queued
        after its worker was killed, never reads a finished file again); the file, or None."""
        now = self.clock()
        f = files_table.c
        with self.engine.begin() as db:
            changed = db.execute(
                files_table.update()
                .where(f.job_id == job_id, f.idx == idx, f.task.in_(("queued", "running")))
                .values(task="running", started_at=now, worker=worker)
            ).rowcount
            if not changed:
                return None
            row = db.execute(
                sa.select(f.idx, f.name, f.status, f.reason, f.entry, f.folder).where(
                    f.job_id == job_id, f.idx == idx
                )
            ).one()
        return FileRow(*row)

    def touch_file(self, job_id: str, idx: int) -> None:
        """A running file's work goes on (one of its pages was recognised): its time budget starts again."""
        f = files_table.c
        with self.engine.begin() as db:
            db.execute(
                files_table.update()
                .where(f.job_id == job_id, f.idx == idx, f.task == "running")
                .values(started_at=self.clock())
            )

    def release_file(self, job_id: str, idx: int) -> None:
        """Put an interrupted file back in the queue's state (the worker is stopping; nothing was lost)."""
        f = files_table.c
        with self.engine.begin() as db:
            db.execute(
                files_table.update()
                .where(f.job_id == job_id, f.idx == idx, f.task == "running")
                .values(task="queued", started_at=None, worker=None)
            )

    def finish_file(self, job_id: str, outcome: FileOutcome) -> bool:
        """Store a file's outcome and count it; True when it was the job's last file to read (exactly one
        caller sees True, so exactly one assembles the job)."""
        f = files_table.c
        with self.engine.begin() as db:
            if db.dialect.name == "postgresql":  # one writer per job at a time: the count is exact
                db.execute(sa.select(jobs_table.c.id).where(jobs_table.c.id == job_id).with_for_update())
            changed = db.execute(
                files_table.update()
                .where(f.job_id == job_id, f.idx == outcome.index, f.task != "done")
                .values(
                    task="done",
                    status=outcome.status,
                    reason=outcome.reason,
                    outcome=pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL),
                )
            ).rowcount
            if not changed:
                return False
            done = db.execute(
                sa.select(sa.func.count()).where(f.job_id == job_id, f.task == "done")
            ).scalar_one()
            total = db.execute(sa.select(jobs_table.c.total).where(jobs_table.c.id == job_id)).scalar()
            db.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job_id)
                .values(done=done, updated_at=self.clock())
            )
        return total is not None and done >= total

    def outcomes(self, job_id: str) -> list[FileOutcome]:
        """The outcomes of the job's read files, in the bundle's order."""
        f = files_table.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(f.outcome).where(f.job_id == job_id, f.task == "done").order_by(f.idx)
            ).scalars()
            return [pickle.loads(value) for value in rows]  # noqa: S301  (written by our own workers)

    def requeue_stale(self, older_than_s: float) -> list[tuple[str, int]]:
        """Files "running" for longer than ``older_than_s``: their worker was killed (its task is lost with
        it). Each is put back as queued, with a note on its job; ``(job id, index)`` for the queue."""
        f = files_table.c
        now = self.clock()
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        found: list[tuple[str, int]] = []
        with self.engine.begin() as db:
            stale = db.execute(
                sa.select(f.job_id, f.idx).where(f.task == "running", f.started_at < now - older_than_s)
            ).all()
            for job_id, idx in stale:
                changed = db.execute(
                    files_table.update()
                    .where(f.job_id == job_id, f.idx == idx, f.task == "running")
                    .values(task="queued", started_at=None, worker=None)
                ).rowcount
                if not changed:
                    continue
                found.append((job_id, idx))
                note = f"{when} 第 {idx + 1} 个文件的处理进程中断（被终止或所在机器重启），已重新排队"
                notes = db.execute(sa.select(jobs_table.c.notes).where(jobs_table.c.id == job_id)).scalar()
                db.execute(
                    jobs_table.update()
                    .where(jobs_table.c.id == job_id)
                    .values(notes=json.dumps([*json.loads(notes or "[]"), note], ensure_ascii=False))
                )
        return found

    def lost_steps(self, older_than_s: float) -> list[tuple[str, str]]:
        """Jobs whose prepare or assemble task was lost with its worker: queued, or running with every file
        read, and untouched for ``older_than_s``. ``(job id, "prepare" | "assemble")`` to queue again (each
        step is harmless twice); each job is touched so that it is queued again at most once per period."""
        c = jobs_table.c
        now = self.clock()
        found: list[tuple[str, str]] = []
        with self.engine.begin() as db:
            rows = db.execute(
                sa.select(c.id, c.status).where(
                    c.updated_at < now - older_than_s,
                    (c.status == "queued") | ((c.status == "running") & (c.done >= c.total)),
                )
            ).all()
            for job_id, status in rows:
                db.execute(jobs_table.update().where(c.id == job_id).values(updated_at=now))
                found.append((job_id, "prepare" if status == "queued" else "assemble"))
        return found

    def finish(self, job_id: str, report: bytes, summary: bytes) -> bool:
        """Store the results and mark the job done (its stored files are deleted first)."""
        now = self.clock()
        with self.engine.begin() as db:
            changed = db.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job_id, jobs_table.c.status == "running")
                .values(status="done", finished_at=now, updated_at=now, input_path=None)
            ).rowcount
            if not changed:
                return False
            db.execute(results_table.delete().where(results_table.c.job_id == job_id))
            db.execute(results_table.insert().values(job_id=job_id, report=report, summary=summary))
            db.execute(files_table.update().where(files_table.c.job_id == job_id).values(outcome=None))
            self._remove_files(job_id)  # before the commit: whoever sees the job done finds its upload gone
        return True

    def fail(self, job_id: str, reason: str) -> bool:
        """Mark the job failed with ``reason`` (its stored files are deleted); False when it had ended."""
        now = self.clock()
        with self.engine.begin() as db:
            changed = db.execute(
                jobs_table.update()
                .where(jobs_table.c.id == job_id, jobs_table.c.status.in_(("queued", "running")))
                .values(status="failed", error=reason, finished_at=now, updated_at=now, input_path=None)
            ).rowcount
            self._remove_files(job_id)  # before the commit, as in finish
        return bool(changed)

    def purge(self, older_than_s: float) -> int:
        """Delete ended jobs (and results) that ended more than their own retention (or else
        ``older_than_s``) seconds ago, and stored folders no job refers to any more."""
        c = jobs_table.c
        now = self.clock()
        with self.engine.begin() as db:
            count = db.execute(
                jobs_table.delete().where(
                    c.status.in_(("done", "failed")),
                    c.finished_at + sa.func.coalesce(c.retention_s, older_than_s) < now,
                )
            ).rowcount
            live = set(db.execute(sa.select(c.id).where(c.status.in_(("queued", "running")))).scalars())
        if self.storage.is_dir():
            for folder in self.storage.iterdir():
                if folder.name not in live and folder.stat().st_mtime < now - 3600:
                    shutil.rmtree(folder, ignore_errors=True)
        return int(count)

    def _update(self, job_id: str, **values: Any) -> None:
        with self.engine.begin() as db:
            db.execute(
                jobs_table.update().where(jobs_table.c.id == job_id).values(updated_at=self.clock(), **values)
            )

    def _remove_files(self, job_id: str) -> None:
        shutil.rmtree(self.storage / job_id, ignore_errors=True)


def _job(row: Any) -> JobRow:
    values = dict(row)
    values["params"] = json.loads(values["params"] or "{}")
    values["notes"] = json.loads(values["notes"] or "[]")
    return JobRow(**values)
