"""Bundle jobs: submit a bundle, follow its progress, fetch its report and 推荐汇总表.

Jobs live in SQLite (``service.jobstore``), so every server process sees every job and a restart loses
nothing. Each server process runs one ``JobRunner`` thread (``ensure_runner``) that claims queued jobs,
screens the bundle with a process pool of ``Settings.job_workers`` parsers and stores the results; at most
``Settings.job_concurrency`` jobs run at once on the host. A runner renews its job's lease while working;
a runner that dies leaves the lease to run out, and the next runner to look resumes the job (or fails it
with the reason after ``job_max_attempts`` starts). Finished jobs are deleted after
``job_retention_hours``. ``python -m service.jobs`` runs a runner on its own (a dedicated worker process).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from extractor.bundle_zip import BundleLimits, open_bundle
from extractor.settings import Limits
from forms.errors import FormsError
from service.bundles.annual import Previous, annual_from_params, annual_links, annual_params
from service.bundles.files import FILE_STATES, FileOutcome
from service.bundles.screen import Progress, screen_bundle
from service.hygiene import clean_name
from service.jobstore import FileRow, JobRow, JobStore
from service.settings import Settings

log = logging.getLogger(__name__)

KIND_BUNDLE = "bundle"
STATUS_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}
#: Seconds between two writes of per-file progress (each file's state is still written, in batches).
PROGRESS_FLUSH_S = 0.5
#: Seconds between two deletions of expired jobs by one runner.
PURGE_EVERY_S = 600.0


class JobNotFound(FormsError):
    """No job has this id (never created, or deleted after the retention time)."""

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        super().__init__(f"任务 {job_id} 不存在或已过保存期限被删除")


class JobNotReady(FormsError):
    """The job's results are asked for before it is done (or it failed)."""

    def __init__(self, job: JobRow) -> None:
        self.job_id = job.id
        self.status = job.status
        if job.status == "failed":
            message = f"任务 {job.id} 已失败，没有结果：{job.error}"
        else:
            message = (
                f"任务 {job.id} 尚未完成（{STATUS_LABELS[job.status]}，"
                f"已处理 {job.done}/{job.total or '?'} 个文件），请稍后再取结果"
            )
        super().__init__(message)


def db_path(settings: Settings) -> Path:
    return Path(settings.jobs_db) if settings.jobs_db else Path(settings.data_dir) / "jobs.sqlite3"


def bundle_limits(settings: Settings) -> BundleLimits:
    return BundleLimits(
        max_entries=settings.bundle_max_entries,
        max_total_bytes=settings.bundle_max_total_mb * 1024 * 1024,
        max_ratio=settings.bundle_max_ratio,
    )


_stores: dict[Path, JobStore] = {}
_stores_lock = threading.Lock()


def store_for(settings: Settings) -> JobStore:
    """The (per-process, cached) store of ``settings``' database."""
    path = db_path(settings).resolve()
    with _stores_lock:
        if path not in _stores:
            _stores[path] = JobStore(path)
        return _stores[path]


# --- the API's side -------------------------------------------------------------------------------------


def submit_bundle(
    settings: Settings,
    data: bytes | Path,
    filename: str,
    recommender: str | None = None,
    *,
    received: date | None = None,
    previous: Previous | None = None,
    account: str | None = None,
    retention_s: float | None = None,
) -> JobRow:
    """Queue a bundle of ``account``. Its directory is checked first, so an obviously unusable bundle (not
    a zip, over the limits) raises here (``UnsupportedFile`` / ``UnsafeBundle``) instead of becoming a
    failed job. Names are stored without control or direction characters. ``received`` and ``previous``
    (last year's reports, ``service.bundles.annual.load_previous``) are for the bundle's annual reports."""
    filename = clean_name(filename) or "bundle.zip"
    with open_bundle(data, name=filename, limits=bundle_limits(settings)):
        pass
    params: dict[str, Any] = {"recommender": clean_name(recommender or "") or None}
    params |= annual_params(received, previous)
    content: bytes | Iterable[bytes] = data if isinstance(data, bytes) else _chunks(data)
    job_id = store_for(settings).create(
        KIND_BUNDLE, filename, content, params, account=account, retention_s=retention_s
    )
    job = store_for(settings).get(job_id)
    assert job is not None
    return job


def _chunks(path: Path) -> Iterable[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            yield chunk


def get_job(settings: Settings, job_id: str, *, files: bool = True) -> JobRow:
    """The job (with its files' states unless ``files=False``); ``JobNotFound`` when there is none."""
    job = store_for(settings).get(job_id, files=files)
    if job is None:
        raise JobNotFound(job_id)
    return job


def job_result(settings: Settings, job_id: str, which: str) -> bytes:
    """``report`` (JSON bytes) or ``summary`` (xlsx bytes) of a done job; ``JobNotReady`` before."""
    job = get_job(settings, job_id)
    content = store_for(settings).result(job_id, which) if job.status == "done" else None
    if content is None:
        raise JobNotReady(job)
    return content


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).isoformat(timespec="seconds")


def retention_s(settings: Settings, job: JobRow) -> float:
    """How long ``job`` is kept after it ended: its own retention, or the service's default."""
    return job.retention_s if job.retention_s is not None else settings.job_retention_hours * 3600


def job_status(job: JobRow, settings: Settings, base: str = "/api/v1") -> dict[str, Any]:
    """The JSON the API answers for a job (what a page polls to draw its progress bar)."""
    done = job.status == "done"
    kept = retention_s(settings, job)
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "status_label": STATUS_LABELS[job.status],
        "name": job.name,
        "recommender": job.params.get("recommender"),
        "created_at": _iso(job.created_at),
        "started_at": _iso(job.started_at),
        "finished_at": _iso(job.finished_at),
        "attempts": job.attempts,
        "progress": {"done": job.done, "total": job.total},
        "error": job.error,
        "notes": job.notes,
        "retention_hours": kept / 3600,
        "expires_at": _iso(job.finished_at + kept) if job.finished_at is not None else None,
        "files": [
            {
                "index": f.idx,
                "name": f.name,
                "status": f.status,
                "status_label": FILE_STATES.get(f.status, f.status),
                "reason": f.reason,
            }
            for f in job.files
        ],
        "links": {
            "self": f"{base}/jobs/{job.id}",
            "report": f"{base}/jobs/{job.id}/report.json" if done else None,
            "summary": f"{base}/jobs/{job.id}/summary.xlsx" if done else None,
            **annual_links(job.id, base, done),
        },
    }


# --- the runner -------------------------------------------------------------------------------------------


class LeaseLost(Exception):
    """This runner no longer holds its job (its lease ran out and another runner took it)."""


class _Reporter:
    """Writes a job's progress to the store, in batches, from ``screen_bundle``'s progress events."""

    def __init__(self, store: JobStore, job_id: str, owner: str) -> None:
        self.store, self.job_id, self.owner = store, job_id, owner
        self.pending: list[FileRow] = []
        self.done = 0
        self.last = 0.0

    def __call__(self, event: Progress) -> None:
        if event.file is None:
            rows = [FileRow(f.index, clean_name(f.name), f.status, f.reason) for f in event.files]
            start = len(event.files)
            rows += [
                FileRow(
                    start + i,
                    clean_name(issue.name),
                    "skipped" if issue.code == "skipped" else "refused",
                    issue.message,
                )
                for i, issue in enumerate(event.issues)
            ]
            if not self.store.set_files(self.job_id, self.owner, rows, event.total):
                raise LeaseLost(self.job_id)
            return
        self.pending.append(_row(event.file))
        self.done = event.done
        if event.done == event.total or time.monotonic() - self.last >= PROGRESS_FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if not self.store.update_files(self.job_id, self.owner, self.pending, self.done):
            raise LeaseLost(self.job_id)
        self.pending = []
        self.last = time.monotonic()


def _row(outcome: FileOutcome) -> FileRow:
    return FileRow(outcome.index, clean_name(outcome.name), outcome.status, outcome.reason)


class JobRunner:
    """Claims and runs jobs of one store. ``run_once`` runs at most one job; ``run_forever`` loops."""

    def __init__(self, settings: Settings, *, owner: str | None = None) -> None:
        self.settings = settings
        self.store = store_for(settings)
        self.owner = owner or f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._last_purge = 0.0

    def housekeeping(self) -> None:
        for job_id, status in self.store.recover(self.settings.job_max_attempts):
            log.warning("job %s was interrupted: now %s", job_id, status)
        if time.monotonic() - self._last_purge >= PURGE_EVERY_S or not self._last_purge:
            self._last_purge = time.monotonic()
            removed = self.store.purge(self.settings.job_retention_hours * 3600)
            if removed:
                log.info("deleted %d expired jobs", removed)

    def run_once(self) -> bool:
        """Recover interrupted jobs, then claim and run one queued job; False when there was none."""
        self.housekeeping()
        job = self.store.claim(self.owner, self.settings.job_lease_s, self.settings.job_concurrency)
        if job is None:
            return False
        self.run(job)
        return True

    def run(self, job: JobRow) -> None:
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(job.id, stop), name=f"lease-{job.id}", daemon=True
        )
        beat.start()
        try:
            report, summary = self._screen(job)
            if not self.store.finish(job.id, self.owner, report, summary):
                log.warning("job %s: lease lost before the results were stored", job.id)
        except LeaseLost:
            log.warning("job %s: lease lost, another runner has it", job.id)
        except FormsError as exc:
            self.store.fail(job.id, str(exc), owner=self.owner)
        except Exception:  # noqa: BLE001  (a bug must fail the job with a reason, not leave it running)
            log.exception("job %s crashed", job.id)
            self.store.fail(
                job.id, "处理时发生内部错误，已记录日志；请重新上传或联系管理员", owner=self.owner
            )
        finally:
            stop.set()
            beat.join()

    def _screen(self, job: JobRow) -> tuple[bytes, bytes]:
        from templates.summary import summary_xlsx  # noqa: PLC0415  (openpyxl only where needed)

        if not job.input_path or not Path(job.input_path).exists():
            raise FormsError("上传的压缩包已不存在（可能已被清理），请重新上传")
        reporter = _Reporter(self.store, job.id, self.owner)
        result = screen_bundle(
            Path(job.input_path),
            name=job.name,
            recommender=job.params.get("recommender"),
            workers=max(1, self.settings.job_workers),
            progress=reporter,
            limits=bundle_limits(self.settings),
            document_limits=Limits.from_env(),  # as the API's single-file parse (service.app)
        )
        reporter.flush()
        report = result.to_dict()
        report["job"] = job.id
        if annual := annual_from_params(result.files, job.params, job.created_at):
            report["annual"] = annual
        return json.dumps(report, ensure_ascii=False).encode("utf-8"), summary_xlsx(report)

    def _heartbeat(self, job_id: str, stop: threading.Event) -> None:
        interval = max(self.settings.job_lease_s / 3, 0.05)
        while not stop.wait(interval):
            try:
                if not self.store.heartbeat(job_id, self.owner, self.settings.job_lease_s):
                    return
            except Exception:  # noqa: BLE001  (a locked database now and then: try again next beat)
                log.exception("job %s: heartbeat failed", job_id)

    def run_forever(self, stop: threading.Event, poll_s: float = 1.0) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001  (the loop must survive a bad moment of the database)
                log.exception("job runner: error between jobs")
                busy = False
            if not busy:
                stop.wait(poll_s)


_runner_lock = threading.Lock()
#: database path → (pid, thread, stop event) of this process's runner of that database
_runners: dict[Path, tuple[int, threading.Thread, threading.Event]] = {}


def ensure_runner(settings: Settings) -> None:
    """Start this process's runner thread for ``settings``' database unless it runs already (after a fork,
    the child starts its own)."""
    path = db_path(settings).resolve()
    with _runner_lock:
        current = _runners.get(path)
        if current is not None and current[0] == os.getpid() and current[1].is_alive():
            return
        stop = threading.Event()
        runner = JobRunner(settings)
        thread = threading.Thread(target=runner.run_forever, args=(stop,), name="bundle-jobs", daemon=True)
        thread.start()
        _runners[path] = (os.getpid(), thread, stop)


def stop_runner(settings: Settings, timeout: float | None = None) -> None:
    """Stop this process's runner thread of ``settings``' database (it finishes its current job first)."""
    with _runner_lock:
        current = _runners.pop(db_path(settings).resolve(), None)
    if current is None or current[0] != os.getpid():
        return
    current[2].set()
    current[1].join(timeout)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m service.jobs``: run bundle jobs in this process until interrupted (or ``--once``)."""
    parser = argparse.ArgumentParser(prog="python -m service.jobs", description="运行批量审核任务")
    parser.add_argument("--once", action="store_true", help="处理一个排队的任务后退出")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = Settings.from_env()
    runner = JobRunner(settings)
    if args.once:
        return 0 if runner.run_once() else 1
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        runner.run_forever(stop)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
