"""Bundle jobs as an account sees them: its own and no other's.

A job belongs to the account that submitted it. Any other account is answered as if the job did not exist
(``JobNotFound``, so a job id confirms nothing), and so is a job past its retention time, even before the
next purge. Every access to a job — submitted, read, downloaded, deleted, retention shortened,
refused — goes into the audit log (``service.audit``). The API and the pages call these, not ``jobs``.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from forms.errors import RecordError
from service import database, jobs
from service.accounts import Account, AccountStore
from service.audit import AuditLog
from service.bundles.annual import Previous
from service.jobstore import JobRow
from service.queue import queue_for
from service.settings import Settings


def accounts_for(settings: Settings) -> AccountStore:
    """The accounts of ``settings``' database (the one the jobs are in)."""
    return database.store(AccountStore, jobs.db_path(settings))


def audit_for(settings: Settings) -> AuditLog:
    return database.store(AuditLog, jobs.db_path(settings))


def _expired(settings: Settings, job: JobRow) -> bool:
    return job.finished_at is not None and job.finished_at + jobs.retention_s(settings, job) < time.time()


def _retention_s(settings: Settings, hours: float) -> float:
    """``hours`` as a job's own retention in seconds: more than 0, never longer than the default."""
    if not 0 < hours <= settings.job_retention_hours:
        raise RecordError(
            f"保存期限 retention_hours 应大于 0 且不超过 {settings.job_retention_hours:g} 小时"
            f"，实为 {hours:g}"
        )
    return hours * 3600


def submit(
    settings: Settings,
    account: Account,
    data: bytes | Path,
    filename: str,
    recommender: str | None = None,
    retention_hours: float | None = None,
    remote: str | None = None,
    *,
    received: date | None = None,
    previous: Previous | None = None,
) -> JobRow:
    """Record ``account``'s bundle (``jobs.submit_bundle``: refused when the queue bounds are reached;
    ``received`` and ``previous`` for its annual reports), queue it and log it."""
    job = jobs.submit_bundle(
        settings,
        data,
        filename,
        recommender,
        received=received,
        previous=previous,
        account=str(account.id),
        retention_s=None if retention_hours is None else _retention_s(settings, retention_hours),
    )
    queue_for(settings).submit(job.id)
    audit_for(settings).record(account.name, "submit", job.id, remote)
    return job


def own_job(
    settings: Settings, account: Account, job_id: str, *, files: bool = True, remote: str | None = None
) -> JobRow:
    """``account``'s job ``job_id``; ``JobNotFound`` for another account's (logged as refused) or an
    expired one."""
    job = jobs.get_job(settings, job_id, files=files)
    if job.account != str(account.id):
        audit_for(settings).record(account.name, "denied", job_id, remote)
        raise jobs.JobNotFound(job_id)
    if _expired(settings, job):
        raise jobs.JobNotFound(job_id)
    return job


def result(settings: Settings, account: Account, job_id: str, which: str, remote: str | None = None) -> bytes:
    """``report`` or ``summary`` of ``account``'s done job (logged as read / downloaded)."""
    own_job(settings, account, job_id, files=False, remote=remote)
    content = jobs.job_result(settings, job_id, which)
    audit_for(settings).record(account.name, "read" if which == "report" else "download", job_id, remote)
    return content


def delete(settings: Settings, account: Account, job_id: str, remote: str | None = None) -> None:
    """Delete ``account``'s job now: its upload, files' states, results and rows."""
    own_job(settings, account, job_id, files=False, remote=remote)
    jobs.store_for(settings).delete(job_id)
    audit_for(settings).record(account.name, "delete", job_id, remote)


def shorten_retention(
    settings: Settings, account: Account, job_id: str, hours: float, remote: str | None = None
) -> JobRow:
    """Keep ``account``'s job ``hours`` after it ended instead of its current retention (never longer)."""
    job = own_job(settings, account, job_id, files=False, remote=remote)
    seconds = _retention_s(settings, hours)
    if seconds > jobs.retention_s(settings, job):
        raise RecordError(f"保存期限只能缩短：当前为 {jobs.retention_s(settings, job) / 3600:g} 小时")
    jobs.store_for(settings).set_retention(job_id, seconds)
    audit_for(settings).record(account.name, "retention", job_id, remote)
    return own_job(settings, account, job_id)
