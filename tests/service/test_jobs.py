"""Bundle jobs in SQLite: atomic claims, leases, recovery after a killed runner, retention — and a runner
process killed with SIGKILL in the middle of a job, after which another one finishes (or fails) it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from service.jobs import JobNotFound, JobNotReady, JobRunner, get_job, job_result, job_status, submit_bundle
from service.jobstore import FileRow, JobStore
from service.settings import Settings
from tests.clocks import ManualClock
from tests.extractor.bundles import make_zip, unit_record
from tests.service.bundles.fixtures import docx, word_only_bundle

ROOT = Path(__file__).resolve().parents[2]


def settings_for(tmp_path: Path, **changes) -> Settings:
    return Settings(data_dir=str(tmp_path), job_workers=1, **changes)


def test_the_database_is_in_wal_mode_and_a_job_round_trips(tmp_path):
    settings = settings_for(tmp_path)
    job = submit_bundle(settings, word_only_bundle(), "推荐材料.zip", "江苏省工业和信息化厅")
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert job.status == "queued" and Path(job.input_path).read_bytes() == word_only_bundle()
    with pytest.raises(JobNotReady, match="尚未完成"):
        job_result(settings, job.id, "report")
    assert JobRunner(settings).run_once() is True
    done = get_job(settings, job.id)
    assert done.status == "done" and done.attempts == 1 and done.input_path is None
    assert not Path(job.input_path).exists()  # the upload is not kept once the results are
    assert (done.done, done.total) == (3, 3)
    assert [(f.name, f.status) for f in done.files] == [
        ("甲单位/申报书.docx", "parsed"),
        ("乙单位/申报书.docx", "parsed"),
        ("说明.txt", "not_form"),
    ]
    report = json.loads(job_result(settings, job.id, "report"))
    assert report["job"] == job.id and report["recommender"] == "江苏省工业和信息化厅"
    assert [u["verdict"] for u in report["units"]] == ["eligible", "ineligible"]
    assert job_result(settings, job.id, "summary")[:2] == b"PK"
    status = job_status(done, settings)
    assert status["progress"] == {"done": 3, "total": 3} and status["status_label"] == "已完成"
    assert status["links"]["summary"] == f"/api/v1/jobs/{job.id}/summary.xlsx"
    assert status["retention_hours"] == 72 and status["expires_at"] > status["finished_at"]
    assert JobRunner(settings).run_once() is False  # nothing left
    with pytest.raises(JobNotFound):
        get_job(settings, "nope")


def test_refused_and_skipped_entries_are_listed_with_the_job_s_files(tmp_path):
    settings = settings_for(tmp_path)
    data = make_zip(
        [
            ("甲/申报书.docx", docx(unit_record(61))),
            ("__MACOSX/甲/._申报书.docx", b"x"),
            ("../evil.docx", b"PK"),
        ]
    )
    job = submit_bundle(settings, data, "b.zip")
    JobRunner(settings).run_once()
    done = get_job(settings, job.id)
    assert [(f.name, f.status) for f in done.files] == [
        ("甲/申报书.docx", "parsed"),
        ("__MACOSX/甲/._申报书.docx", "skipped"),
        ("evil.docx", "refused"),
    ]
    assert "恶意构造" in done.files[2].reason
    assert (done.done, done.total) == (1, 1)
    report = json.loads(job_result(settings, job.id, "report"))
    assert [(f["name"], f["status"]) for f in report["failed"]] == [("evil.docx", "refused")]


def test_only_one_of_many_claimers_gets_a_job(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    job_id = store.create("bundle", "b.zip", b"PK", {})
    winners: list[str] = []
    barrier = threading.Barrier(8)

    def claim(owner: str) -> None:
        barrier.wait()
        if store.claim(owner, lease_s=30, concurrency=8) is not None:
            winners.append(owner)

    threads = [threading.Thread(target=claim, args=(f"o{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    job = store.get(job_id)
    assert job.status == "running" and job.owner == winners[0] and job.attempts == 1


def test_concurrency_limits_running_jobs_on_the_host(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    first, second = store.create("bundle", "a.zip", b"PK", {}), store.create("bundle", "b.zip", b"PK", {})
    assert store.claim("a", 30, concurrency=1).id == first
    assert store.claim("b", 30, concurrency=1) is None
    assert store.claim("b", 30, concurrency=2).id == second


def test_an_expired_lease_is_resumed_then_failed_with_the_reason(tmp_path):
    clock = ManualClock()
    store = JobStore(tmp_path / "jobs.sqlite3", clock=clock)
    job_id = store.create("bundle", "b.zip", b"PK", {})
    store.claim("dead-1", lease_s=30, concurrency=1)
    assert store.set_files(job_id, "dead-1", [FileRow(0, "a.docx", "parsed")], total=1)
    clock.advance(30)
    assert store.recover(max_attempts=2) == [], "a lease holds until its last second"
    clock.advance(0.5)
    assert store.recover(max_attempts=2) == [(job_id, "queued")]
    job = store.get(job_id)
    assert job.status == "queued" and job.owner is None and "处理中断" in job.notes[0]
    assert [f.status for f in job.files] == ["queued"]
    # the dead runner cannot write any more
    assert not store.update_files(job_id, "dead-1", [FileRow(0, "a.docx", "parsed")], done=1)
    assert not store.finish(job_id, "dead-1", b"{}", b"PK")
    store.claim("dead-2", lease_s=30, concurrency=1)
    clock.advance(31)
    assert store.recover(max_attempts=2) == [(job_id, "failed")]
    job = store.get(job_id)
    assert job.status == "failed" and job.attempts == 2 and job.finished_at is not None
    assert "处理中断" in job.error and "2 次" in job.error
    assert job.input_path is None and list(store.inputs.iterdir()) == []


def test_a_live_lease_is_left_alone_and_heartbeats_extend_it(tmp_path):
    clock = ManualClock()
    store = JobStore(tmp_path / "jobs.sqlite3", clock=clock)
    job_id = store.create("bundle", "b.zip", b"PK", {})
    store.claim("alive", lease_s=30, concurrency=1)
    for _ in range(4):  # 80 s in all: past the first lease, alive thanks to each renewal
        clock.advance(20)
        assert store.heartbeat(job_id, "alive", lease_s=30)
        assert store.recover(max_attempts=1) == []
    assert not store.heartbeat(job_id, "someone-else", lease_s=30)
    clock.advance(31)
    assert store.recover(max_attempts=1) == [(job_id, "failed")]


def test_finished_jobs_are_deleted_after_the_retention_time(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    old, new, waiting = (store.create("bundle", f"{n}.zip", b"PK", {}) for n in "abc")
    for job_id in (old, new):
        store.claim("r", 30, concurrency=5)
        store.finish(job_id, "r", b"{}", b"PK")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE jobs SET finished_at = finished_at - 7200 WHERE id = ?", (old,))
    assert store.purge(older_than_s=3600) == 1
    assert store.get(old) is None and store.result(old, "report") is None
    assert store.get(new).status == "done" and store.get(waiting).status == "queued"


def test_a_bundle_that_cannot_be_screened_fails_the_job_with_the_reason(tmp_path):
    settings = settings_for(tmp_path)
    job = submit_bundle(settings, word_only_bundle(), "b.zip")
    Path(job.input_path).unlink()  # e.g. removed by an operator
    JobRunner(settings).run_once()
    failed = get_job(settings, job.id)
    assert failed.status == "failed" and "已不存在" in failed.error
    with pytest.raises(JobNotReady, match="已失败"):
        job_result(settings, job.id, "summary")


# --- a runner process killed mid-job -----------------------------------------------------------------------


def slow_bundle() -> bytes:
    """Enough Word files that one worker needs several seconds."""
    content = docx(unit_record(51))
    return make_zip([(f"单位{i:03d}/申报书.docx", content) for i in range(150)])


def start_runner(tmp_path: Path, **env: str) -> subprocess.Popen:
    environ = {
        **os.environ,
        "ITBFORMS_DATA_DIR": str(tmp_path),
        "ITBFORMS_JOB_WORKERS": "2",
        "ITBFORMS_JOB_LEASE_S": "1.5",
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "service.jobs"],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: SIGKILL reaches its parser processes too
    )


def wait_for(predicate, timeout: float = 600.0, step: float = 0.05):
    """``predicate()`` once it is true, polled; ``timeout`` only guards against a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


def kill_mid_job(tmp_path: Path, max_attempts: str) -> tuple[str, JobStore]:
    settings = settings_for(tmp_path)
    job_id = submit_bundle(settings, slow_bundle(), "大批量.zip").id
    store = JobStore(tmp_path / "jobs.sqlite3")
    first = start_runner(tmp_path, ITBFORMS_JOB_MAX_ATTEMPTS=max_attempts)
    try:
        wait_for(lambda: (job := store.get(job_id, files=False)).status == "running" and job.done >= 10)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    job = store.get(job_id, files=False)
    assert job.status == "running" and job.done < job.total  # killed mid-job, left "running" by the dead
    return job_id, store


def run_next_runner(tmp_path, store, job_id: str, *, max_attempts: str):
    """Start a new runner on the same data directory; the job once it has ended (the runner stopped)."""
    runner = start_runner(tmp_path, ITBFORMS_JOB_MAX_ATTEMPTS=max_attempts)
    try:
        return wait_for(lambda: (j := store.get(job_id)).status in ("done", "failed") and j)
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(30)


@pytest.mark.xdist_group("job-runner-kill")
def test_a_killed_runner_s_job_is_finished_by_the_next_runner(tmp_path):
    job_id, store = kill_mid_job(tmp_path, max_attempts="2")
    job = run_next_runner(tmp_path, store, job_id, max_attempts="2")
    assert job.status == "done", job.error
    assert job.attempts == 2 and "处理中断" in job.notes[0] and "已重新排队" in job.notes[0]
    assert (job.done, job.total) == (150, 150) and {f.status for f in job.files} == {"parsed"}
    report = json.loads(store.result(job_id, "report"))
    assert report["counts"]["units"] == 150 and report["counts"]["duplicates"] == 150


@pytest.mark.xdist_group("job-runner-kill")
def test_a_killed_runner_s_job_fails_with_the_reason_when_out_of_attempts(tmp_path):
    job_id, store = kill_mid_job(tmp_path, max_attempts="1")
    job = run_next_runner(tmp_path, store, job_id, max_attempts="1")
    assert job.status == "failed" and job.attempts == 1
    assert job.error.startswith("处理中断（服务重启或处理进程被终止），已处理 1 次仍未完成")
    assert store.result(job_id, "report") is None
