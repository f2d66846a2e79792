"""The task queue of bundle jobs: Huey, with its SQLite storage under ``data_dir`` as the embedded default
(no server) and its Redis storage when ``ITBFORMS_QUEUE_URL=redis://…`` lets workers on several machines
share the work. The workflow steps are ``service.jobs``'; this module only wires them to Huey's tasks,
retries, priorities and consumer.

- **Fair**: a file task's priority is minus its index in its job, so the workers take the files of all
  waiting jobs in turn (the first file of each, then the second …): a 1-file job does not wait behind a
  200-file one. Preparing and assembling a job go first.
- **A scan's pages in parallel**: a scanned file's pages are recognised one task each (with the file's
  priority), by whichever workers are free; the last one has the file read again from them.
- **Restarts**: a worker stops on SIGTERM gracefully (Huey's ``graceful_signal``): running files finish;
  one still running when the shutdown timeout ends is put back in the queue as it was, with no attempt
  counted. Files already read are never read again.
- **Lost workers**: Huey has no late acknowledgement, so a task whose worker process was killed is gone
  from the queue; the job database still says the file is running since when, and ``requeue_stale`` (a
  periodic task, and after each file) queues a file again once it has run past its time budget — and a
  job's prepare or assemble step again when the job has not moved for as long.
- **No orphans**: each worker process asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from extractor.settings import SettingsError
from service import jobs
from service.database import private_file
from service.settings import Settings

log = logging.getLogger(__name__)

PRIORITY_JOB = 1_000_000  # prepare and assemble before any file
#: Seconds a stopping worker lets its running files finish before putting them back in the queue.
SHUTDOWN_TIMEOUT_S = 20.0
PR_SET_PDEATHSIG = 1


@dataclass
class Queue:
    """One Huey instance with our tasks registered on it."""

    huey: Huey
    settings: Settings
    prepare: Any
    read_file: Any
    read_page: Any
    assemble: Any
    requeue_stale: Any

    def submit(self, job_id: str) -> None:
        """Queue a recorded job (``jobs.submit_bundle``)."""
        self.prepare(job_id)

    def queue_files(self, job_id: str, indexes: list[int]) -> None:
        if not indexes:
            self.assemble(job_id)
        for idx in indexes:
            self.read_file(job_id, idx, priority=-idx)


def _huey(settings: Settings) -> Huey:
    url = settings.queue_url
    if url.startswith(("redis://", "rediss://", "unix://")):
        return PriorityRedisHuey("itbforms", url=url, results=False)
    if url:
        raise SettingsError(f"ITBFORMS_QUEUE_URL 应为 redis://… 或留空（内置 SQLite 队列），实为 {url!r}")
    path = Path(settings.data_dir) / "queue.sqlite3"
    private_file(path)
    return SqliteHuey("itbforms", filename=str(path), results=False, timeout=30)


def build(settings: Settings) -> Queue:
    """A queue for ``settings`` with the bundle tasks registered (what the web app enqueues into and the
    workers consume)."""
    huey = _huey(settings)
    worker = f"{socket.gethostname()}:{os.getpid()}"

    @huey.task(name="itbforms.prepare", priority=PRIORITY_JOB)
    def prepare(job_id: str) -> None:
        indexes = jobs.prepare_job(settings, job_id)
        if indexes is not None:
            queue.queue_files(job_id, indexes)

    @huey.task(name="itbforms.read_file", retries=settings.job_file_retries, retry_delay=1)
    def read_file(job_id: str, idx: int) -> None:
        try:
            step = jobs.read_job_file(settings, job_id, idx, f"{worker}/{os.getpid()}")
        except KeyboardInterrupt:  # interrupted at shutdown: back in the queue, no attempt counted
            jobs.store_for(settings).release_file(job_id, idx)
            read_file(job_id, idx, priority=-idx)
            raise
        for number in step.pages:
            read_page(job_id, idx, number, priority=-idx)
        if step.last:
            assemble(job_id)
        _requeue(queue)

    @huey.task(name="itbforms.read_page", retries=settings.job_file_retries, retry_delay=1)
    def read_page(job_id: str, idx: int, number: int) -> None:
        try:
            ready = jobs.read_job_page(settings, job_id, idx, number)
        except KeyboardInterrupt:  # interrupted at shutdown: back in the queue, nothing stored
            read_page(job_id, idx, number, priority=-idx)
            raise
        if ready:
            read_file(job_id, idx, priority=-idx)

    @huey.task(name="itbforms.assemble", priority=PRIORITY_JOB)
    def assemble(job_id: str) -> None:
        jobs.assemble_job(settings, job_id)

    @huey.periodic_task(crontab(minute="*"), name="itbforms.requeue_stale")
    def requeue_stale() -> None:
        _requeue(queue)
        for job_id, step in jobs.lost_steps(settings):
            log.warning("job %s: its %s task was lost, queued again", job_id, step)
            (prepare if step == "prepare" else assemble)(job_id)
        jobs.purge(settings)

    queue = Queue(huey, settings, prepare, read_file, read_page, assemble, requeue_stale)
    return queue


def _requeue(queue: Queue) -> None:
    for job_id, idx in jobs.stale_files(queue.settings):
        log.warning("job %s: file %d lost its worker, queued again", job_id, idx)
        queue.read_file(job_id, idx, priority=-idx)


_queues: dict[tuple[int, str, str], Queue] = {}
_lock = threading.Lock()


def queue_for(settings: Settings) -> Queue:
    """This process's queue of ``settings``."""
    key = (os.getpid(), settings.queue_url, str(Path(settings.data_dir).resolve()))
    with _lock:
        if key not in _queues:
            _queues[key] = build(settings)
        return _queues[key]


def _die_with_parent(signum: int = signal.SIGKILL) -> None:
    """In a child process: get ``signum`` when the parent dies, even by SIGKILL (no orphan left)."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


class _HostsSignals(Consumer):
    """A consumer in threads of a process that keeps its own signal handlers (a test run, a dev server)."""

    def _set_signal_handlers(self) -> None:
        pass


def consumer(settings: Settings, processes: int, *, threads: bool = False) -> Consumer:
    """A Huey consumer of ``settings``' queue: ``processes`` worker processes, stopping gracefully on
    SIGTERM, whose processes die with it; or ``processes`` threads of this process (no signals taken)."""
    if not threads:
        os.register_at_fork(after_in_child=_die_with_parent)
    return (_HostsSignals if threads else Consumer)(
        queue_for(settings).huey,
        workers=processes,
        worker_type="thread" if threads else "process",
        graceful_signal="TERM",
        shutdown_timeout=SHUTDOWN_TIMEOUT_S,
        max_delay=1.0,
        check_worker_health=True,
        health_check_interval=1,
    )


class EmbeddedConsumer:
    """A consumer running in threads of this process, for tests and a development server (no signal
    handlers taken over; ``stop`` waits for the running tasks)."""

    def __init__(self, settings: Settings, threads: int = 1) -> None:
        self.consumer = consumer(settings, threads, threads=True)

    def start(self) -> EmbeddedConsumer:
        self.consumer.start()
        return self

    def stop(self) -> None:
        self.consumer.stop(graceful=True)


# --- beside the web server (``make run``, service.serving) -------------------------------------------------

_beside: list[subprocess.Popen[bytes]] = []


def start_workers_beside(settings: Settings) -> None:
    """Start ``itbforms worker`` with ``ITBFORMS_WORKERS`` processes beside the web server (none for 0);
    it stops when the server stops, and is told to when the server is killed."""
    if settings.workers:
        command = [sys.executable, "-m", "service.cli", "worker", "--processes", str(settings.workers)]
        stop_with_server = functools.partial(_die_with_parent, signal.SIGTERM)  # SIGTERM: a graceful stop
        _beside.append(subprocess.Popen(command, preexec_fn=stop_with_server))  # noqa: PLW1509


def stop_workers_beside() -> None:
    """Stop the workers ``start_workers_beside`` started, gracefully (their running files go back)."""
    while _beside:
        process = _beside.pop()
        process.terminate()  # SIGTERM: a graceful stop
        process.wait(SHUTDOWN_TIMEOUT_S + 10)
