"""``itbforms worker`` processes on one bundle while no web process works: two of them share it; one killed
with SIGKILL mid-file leaves no process behind and its file is finished by the other; SIGTERM stops a
worker gracefully, counts no attempt, and the next worker reads only the files not yet read."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import jobs
from service.jobstore import files_table
from service.queue import queue_for
from service.settings import Settings
from tests.extractor.bundles import make_zip, unit_record
from tests.service.bundles.fixtures import docx

ROOT = Path(__file__).resolve().parents[2]
FILES = 120


def slow_bundle() -> bytes:
    """Enough Word files that a worker needs several seconds."""
    content = docx(unit_record(51))
    return make_zip([(f"单位{i:03d}/申报书.docx", content) for i in range(FILES)])


def wait_for(predicate: Callable[[], Any], timeout: float = 600.0, step: float = 0.05) -> Any:
    """``predicate()`` once it is true, polled; ``timeout`` only guards against a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``itbforms worker --processes 1`` in its own process group, killed with the group at the end."""
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--processes", "1"],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(30)


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def files(settings: Settings, job_id: str) -> list[tuple[int, str | None, str | None]]:
    """``(index, task, worker)`` of each file of the job.

    Read while a worker is frozen, perhaps inside a write: the store's SQLite transactions all begin
    IMMEDIATE (the write lock), so on SQLite this reads through a plain read-only connection instead."""
    engine = jobs.store_for(settings).engine
    if engine.dialect.name == "sqlite":
        sql = "SELECT idx, task, worker FROM bundle_files WHERE job_id = ? ORDER BY idx"
        with closing(sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True)) as db:
            return [tuple(row) for row in db.execute(sql, (job_id,))]
    f = files_table.c
    with engine.connect() as db:
        query = select(f.idx, f.task, f.worker).where(f.job_id == job_id).order_by(f.idx)
        return [tuple(row) for row in db.execute(query)]


def submitted(tmp_path: Path, backend: dict[str, str], **env: str) -> tuple[Settings, str, dict[str, str]]:
    environ = {"ITBFORMS_DATA_DIR": str(tmp_path), **backend, **env}
    settings = Settings.from_env(environ)
    job_id = jobs.submit_bundle(settings, slow_bundle(), "大批量.zip").id
    queue_for(settings).submit(job_id)
    return settings, job_id, environ


@pytest.mark.xdist_group("servers")
def test_two_workers_share_a_bundle_and_one_killed_mid_file_leaves_nothing_behind(tmp_path, backend):
    settings, job_id, env = submitted(tmp_path, backend, ITBFORMS_JOB_FILE_DEADLINE_S="2")
    with worker(env, tmp_path / "a.log") as a, worker(env, tmp_path / "b.log") as b:
        wait_for(lambda: jobs.get_job(settings, job_id, files=False).done >= 10)
        # freeze a's worker process in the middle of a file, then kill a's consumer with SIGKILL
        a_pids = wait_for(lambda: len(children(a.pid)) >= 2 and children(a.pid))
        mid_file = None
        for _ in range(200):
            for pid in a_pids:
                os.kill(pid, signal.SIGSTOP)
            mine = f":{a.pid}/"
            running = [f for f in files(settings, job_id) if f[1] == "running" and mine in (f[2] or "")]
            if running:
                mid_file = running[0][0]
                break
            for pid in a_pids:
                os.kill(pid, signal.SIGCONT)
            time.sleep(0.02)
        assert mid_file is not None, "worker a was never caught reading a file"
        a.send_signal(signal.SIGKILL)
        a.wait(30)
        wait_for(lambda: not any(alive(pid) for pid in a_pids), timeout=30)  # no orphan worker process
        job = wait_for(lambda: (j := jobs.get_job(settings, job_id)).status in ("done", "failed") and j)
        assert b.poll() is None
    assert job.status == "done", job.error
    assert (job.done, job.total, job.attempts) == (FILES, FILES, 1)
    assert any(f"第 {mid_file + 1} 个文件的处理进程中断" in note for note in job.notes), job.notes
    by_worker = {w.split("/")[0].rsplit(":", 1)[1] for _, _, w in files(settings, job_id)}
    assert by_worker == {str(a.pid), str(b.pid)}  # both read files of the one bundle
    report = json.loads(jobs.job_result(settings, job_id, "report"))
    assert report["counts"]["units"] == FILES


@pytest.mark.xdist_group("servers")
def test_sigterm_stops_a_worker_gracefully_and_the_next_reads_only_what_is_left(tmp_path, backend):
    settings, job_id, env = submitted(tmp_path, backend)
    with worker(env, tmp_path / "first.log") as first:
        wait_for(lambda: jobs.get_job(settings, job_id, files=False).done >= 10)
        first.send_signal(signal.SIGTERM)
        assert first.wait(60) == 0
    read_first = {idx: w for idx, task, w in files(settings, job_id) if task == "done"}
    stopped = jobs.get_job(settings, job_id, files=False)
    assert stopped.status == "running" and stopped.attempts == 1
    assert stopped.done == len(read_first) < FILES
    assert not [f for f in files(settings, job_id) if f[1] == "running"]  # the running file was finished
    with worker(env, tmp_path / "next.log") as _next:
        job = wait_for(lambda: (j := jobs.get_job(settings, job_id)).status in ("done", "failed") and j)
    assert job.status == "done" and (job.done, job.attempts) == (FILES, 1)
    after = {idx: w for idx, _, w in files(settings, job_id)}
    assert all(after[idx] == w for idx, w in read_first.items())  # not one file read twice
    assert len(set(after.values())) == 2


@pytest.mark.xdist_group("servers")
def test_a_second_sigterm_puts_the_running_file_back_in_the_queue(tmp_path):
    """A second SIGTERM interrupts the shutdown: the file being read goes back to the queue at once (not
    left "running" until its deadline), and the next worker finishes the job with no attempt counted."""
    settings, job_id, env = submitted(tmp_path, {})
    with worker(env, tmp_path / "first.log") as first:
        wait_for(lambda: jobs.get_job(settings, job_id, files=False).done >= 10)
        first.send_signal(signal.SIGTERM)
        first.send_signal(signal.SIGTERM)
        first.wait(60)
    assert not [f for f in files(settings, job_id) if f[1] == "running"]
    with worker(env, tmp_path / "next.log"):
        job = wait_for(lambda: (j := jobs.get_job(settings, job_id)).status in ("done", "failed") and j)
    assert job.status == "done" and (job.done, job.attempts) == (FILES, 1) and job.notes == []
