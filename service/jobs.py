"""Bundle jobs: submitted by the API and the pages, worked by the task queue (``service.queue``).

A job's workflow is ours; the engine that runs it is Huey's. Submitting stores the upload in the storage
directory and records the job (``service.jobstore``); then, one task each:

1. ``prepare_job`` lists the bundle, writes each file to read into the job's storage folder and records
   every entry (refused and skipped ones with the reason);
2. ``read_job_file`` reads one file (any worker, on any machine that reaches the database and the storage)
   and stores its outcome; progress is the count of files read. A scanned file's pages are first
   recognised one task each (``read_job_page``, ``service.bundles.pages``), then the file is read again;
3. ``assemble_job``, after the last file: units, comparisons, checks, the JSON report and the workbooks.

Each step returns what the queue must do next; none of them enqueues, so they run the same from a test.
Submissions are bounded before anything is stored: per account (``TooManyJobs``, 429) and for the whole
queue and the storage's free space (``QueueBusy``, 503), each with the seconds after which to try again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from extractor.bundle_zip import Bundle, BundleIssue, BundleLimits, open_bundle
from extractor.errors import PagesPending, UnreadableFile
from extractor.settings import Limits
from forms.errors import FormsError
from service.bundles.annual import Previous, annual_from_params, annual_links, annual_params
from service.bundles.files import FILE_STATES, FileOutcome, parse_entry
from service.bundles.pages import StoredPages, recognise_stored
from service.bundles.screen import assemble_report
from service.hygiene import clean_name
from service.jobstore import FileRow, JobRow, JobStore
from service.settings import Settings

log = logging.getLogger(__name__)

KIND_BUNDLE = "bundle"
STATUS_LABELS = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}
ACTIVE = ("queued", "running")
#: Seconds a client refused for a full queue is told to wait (``Retry-After``).
RETRY_AFTER_S = 60


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


class QueueFull(FormsError):
    """A bundle refused before it was stored: too many jobs waiting; ``retry_after`` seconds to wait."""

    retry_after = RETRY_AFTER_S


class TooManyJobs(QueueFull):
    """The account has as many jobs queued or running as it may (429)."""


class QueueBusy(QueueFull):
    """The service's queue is full or its storage nearly so (503)."""


def db_path(settings: Settings) -> Path:
    """The SQLite file of the accounts and the audit log (and of the jobs unless ``database_url``)."""
    return Path(settings.jobs_db) if settings.jobs_db else Path(settings.data_dir) / "jobs.sqlite3"


def database_url(settings: Settings) -> str:
    return settings.database_url or f"sqlite:///{db_path(settings).resolve()}"


def storage_dir(settings: Settings) -> Path:
    return Path(settings.storage_dir) if settings.storage_dir else Path(settings.data_dir) / "storage"


def bundle_limits(settings: Settings) -> BundleLimits:
    return BundleLimits(
        max_entries=settings.bundle_max_entries,
        max_total_bytes=settings.bundle_max_total_mb * 1024 * 1024,
        max_ratio=settings.bundle_max_ratio,
    )


_stores: dict[tuple[int, str, Path], JobStore] = {}


def store_for(settings: Settings) -> JobStore:
    """The (per-process, cached) store of ``settings``' database and storage."""
    key = (os.getpid(), database_url(settings), storage_dir(settings).resolve())
    if key not in _stores:
        _stores[key] = JobStore(key[1], key[2])
    return _stores[key]


# --- the API's side -------------------------------------------------------------------------------------


def check_room(settings: Settings, account: str | None) -> None:
    """Refuse a new job before anything is stored: ``TooManyJobs`` when ``account`` has
    ``job_max_active`` jobs queued or running, ``QueueBusy`` when the queue holds ``job_max_queued`` or the
    storage has less than ``storage_min_free_mb`` free."""
    store = store_for(settings)
    if account is not None and (active := store.count(ACTIVE, account)) >= settings.job_max_active:
        raise TooManyJobs(
            f"您已有 {active} 个批量审核任务在排队或处理中（每个账户最多 {settings.job_max_active} 个），"
            f"请等其中一个完成后再上传（约 {RETRY_AFTER_S} 秒后重试）"
        )
    if (queued := store.count(("queued",))) >= settings.job_max_queued:
        raise QueueBusy(f"服务当前排队的批量审核任务已达上限（{queued} 个），请约 {RETRY_AFTER_S} 秒后重试")
    root = storage_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(root).free // (1024 * 1024)
    if free_mb < settings.storage_min_free_mb:
        raise QueueBusy(
            f"服务的存储空间不足（剩余 {free_mb} MB，至少需保留 {settings.storage_min_free_mb} MB），"
            f"暂不接受新的压缩包，请约 {RETRY_AFTER_S} 秒后重试或联系管理员"
        )


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
    """Record a bundle of ``account`` (not yet queued: ``service.queue.submit`` queues it). Its directory is
    checked first, so an obviously unusable bundle (not a zip, over the limits) raises here
    (``UnsupportedFile`` / ``UnsafeBundle``) instead of becoming a failed job; then the queue bounds
    (``check_room``). Names are stored without control or direction characters. ``received`` and
    ``previous`` (last year's reports) are for the bundle's annual reports."""
    filename = clean_name(filename) or "bundle.zip"
    with open_bundle(data, name=filename, limits=bundle_limits(settings)):
        pass
    check_room(settings, account)
    params: dict[str, Any] = {"recommender": clean_name(recommender or "") or None}
    params |= annual_params(received, previous)
    content: bytes | Iterable[bytes] = data if isinstance(data, bytes) else _chunks(data)
    job_id = store_for(settings).create(
        KIND_BUNDLE, filename, content, params, account=account, retention_s=retention_s
    )
    return get_job(settings, job_id)


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


# --- the workflow, one step per task ---------------------------------------------------------------------

INTERNAL_FAILURE = "处理时发生内部错误，已记录日志；请重新上传或联系管理员"


def prepare_job(settings: Settings, job_id: str) -> list[int] | None:
    """List the job's bundle: each file to read written to the job's folder, every entry recorded. The
    indexes of the files to read; ``[]`` when nothing is left to read (assemble now); None when the job is
    gone or failed here (its upload missing, the bundle unusable)."""
    store = store_for(settings)
    job = store.get(job_id, files=False)
    if job is None or job.status != "queued":  # gone, or prepared already (a task delivered twice)
        return None
    if not job.input_path or not Path(job.input_path).exists():
        store.fail(job_id, "上传的压缩包已不存在（可能已被清理），请重新上传")
        return None
    folder = Path(job.input_path).parent / "files"
    folder.mkdir(mode=0o700, exist_ok=True)
    rows: list[FileRow] = []
    unreadable: list[FileOutcome] = []
    try:
        with Bundle(Path(job.input_path), name=job.name, limits=bundle_limits(settings)) as bundle:
            for entry, data in bundle:
                rows.append(
                    FileRow(entry.index, clean_name(entry.name), "queued", None, entry.name, entry.folder)
                )
                if isinstance(data, UnreadableFile):
                    unreadable.append(
                        FileOutcome(
                            entry.index,
                            entry.name,
                            entry.folder,
                            entry.size,
                            "unreadable",
                            reason=data.reason,
                        )
                    )
                else:
                    _write_private(folder / str(entry.index), data)
            issues = list(bundle.issues)
    except FormsError as exc:
        store.fail(job_id, str(exc))
        return None
    to_read = [r.idx for r in rows]
    rows += [
        FileRow(len(to_read) + n, clean_name(issue.name), _issue_status(issue), issue.message)
        for n, issue in enumerate(issues)
    ]
    _write_private(folder.parent / "issues.json", json.dumps([asdict(i) for i in issues]).encode())
    if not store.start(job_id, rows, to_read):
        return None
    last = False
    for outcome in unreadable:
        last = store.finish_file(job_id, outcome) or last
    if last or not to_read:
        return []
    return [i for i in to_read if i not in {o.index for o in unreadable}]


def _issue_status(issue: BundleIssue) -> str:
    return "skipped" if issue.code == "skipped" else "refused"


def _write_private(path: Path, data: bytes) -> None:
    with open(os.open(path, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600), "wb") as fh:
        fh.write(data)


@dataclass(frozen=True)
class FileRead:
    """What reading a job's file asks the queue to do next: assemble the job (``last``), or recognise
    ``pages`` first, one task each, after which the file is read again."""

    last: bool = False
    pages: tuple[int, ...] = ()


def read_job_file(settings: Settings, job_id: str, idx: int, worker: str) -> FileRead:
    """Read one file of a running job and store its outcome. A file already read, or a job gone or ended,
    is left alone; a scan whose pages are not all recognised yet stays running and names them."""
    store = store_for(settings)
    job = store.get(job_id, files=False)
    if job is None or job.status != "running" or not job.input_path:
        return FileRead()
    row = store.claim_file(job_id, idx, worker)
    if row is None:
        return FileRead()
    folder = Path(job.input_path).parent
    try:
        data = (folder / "files" / str(idx)).read_bytes()
    except FileNotFoundError:  # the job was deleted while this file waited
        return FileRead()
    pages = StoredPages(folder / "pages" / str(idx))
    try:
        outcome = parse_entry(idx, row.entry, row.folder, data, Limits.from_env(), page_source=pages)
    except PagesPending as pending:
        return FileRead(pages=tuple(pending.pages))
    return FileRead(last=store.finish_file(job_id, outcome))


def read_job_page(settings: Settings, job_id: str, idx: int, number: int) -> bool:
    """Recognise page ``number`` of a running job's file ``idx`` and store it; True when the file's pages
    are all stored (read the file now). The file counts as alive while its pages are done."""
    store = store_for(settings)
    job = store.get(job_id, files=False)
    if job is None or job.status != "running" or not job.input_path:
        return False
    folder = Path(job.input_path).parent
    try:
        data = (folder / "files" / str(idx)).read_bytes()
        ready = recognise_stored(folder / "pages" / str(idx), data, number, Limits.from_env())
    except FileNotFoundError:  # the job was deleted while this page waited
        return False
    store.touch_file(job_id, idx)
    return ready


def assemble_job(settings: Settings, job_id: str) -> None:
    """The job's report and workbooks from its files' outcomes; the job done (or failed with the reason)."""
    from templates.summary import summary_xlsx  # noqa: PLC0415  (openpyxl only where needed)

    store = store_for(settings)
    job = store.get(job_id, files=False)
    if job is None or job.status != "running" or not job.input_path:
        return
    try:
        issues_path = Path(job.input_path).parent / "issues.json"
        issues = [BundleIssue(**i) for i in json.loads(issues_path.read_text())]
        result = assemble_report(
            job.name,
            job.params.get("recommender"),
            store.outcomes(job_id),
            issues,
            seconds=time.time() - (job.started_at or job.created_at),
        )
        report = result.to_dict()
        report["job"] = job.id
        if annual := annual_from_params(result.files, job.params, job.created_at):
            report["annual"] = annual
        store.finish(job_id, json.dumps(report, ensure_ascii=False).encode("utf-8"), summary_xlsx(report))
    except FormsError as exc:
        store.fail(job_id, str(exc))
    except Exception:  # noqa: BLE001  (a bug must fail the job with a reason, not leave it running)
        log.exception("job %s: assembling failed", job_id)
        store.fail(job_id, INTERNAL_FAILURE)


def stale_files(settings: Settings) -> list[tuple[str, int]]:
    """Files whose worker was lost (running past ``job_file_deadline_s``), put back as queued with a note on
    their job: ``(job id, index)`` for the queue to take again."""
    return store_for(settings).requeue_stale(settings.job_file_deadline_s)


def lost_steps(settings: Settings) -> list[tuple[str, str]]:
    """Jobs whose prepare or assemble task was lost with its worker (``JobStore.lost_steps``)."""
    return store_for(settings).lost_steps(settings.job_file_deadline_s)


def purge(settings: Settings) -> int:
    """Delete jobs past their retention time; how many."""
    return store_for(settings).purge(settings.job_retention_hours * 3600)
