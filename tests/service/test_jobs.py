"""Bundle jobs: the workflow one step at a time (list → read each file → assemble), a file read once however
often its task is delivered, lost files queued again after their deadline, retention — and, with a real
Huey consumer, files taken in turn across jobs."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from service import jobs
from service.jobs import (
    FileRead,
    JobNotFound,
    JobNotReady,
    assemble_job,
    get_job,
    job_result,
    job_status,
    prepare_job,
    read_job_file,
    read_job_page,
    submit_bundle,
)
from service.jobstore import JobStore, files_table
from service.queue import EmbeddedConsumer, queue_for
from service.settings import Settings
from tests.clocks import ManualClock
from tests.extractor.bundles import make_zip, unit_record
from tests.service.bundles.fixtures import docx, word_only_bundle

pytestmark = pytest.mark.xdist_group("servers")  # Redis and PostgreSQL started once for these tests


def settings_for(tmp_path: Path, backend: dict[str, str]) -> Settings:
    """The embedded default, or Redis + PostgreSQL (``tests.servers.backend``)."""
    return Settings.from_env({"ITBFORMS_DATA_DIR": str(tmp_path), **backend})


def work(settings: Settings, job_id: str) -> None:
    """What the workers do with a job, in order, in this process."""
    indexes = prepare_job(settings, job_id)
    assert indexes is not None
    last = not indexes
    for idx in indexes:
        step = read_job_file(settings, job_id, idx, "test")
        for number in step.pages:  # a scan's pages, each its own task
            read_job_page(settings, job_id, idx, number)
        if step.pages:
            step = read_job_file(settings, job_id, idx, "test")
        last = step.last
    assert last
    assemble_job(settings, job_id)


def test_a_job_round_trips_one_task_per_file(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    job = submit_bundle(settings, word_only_bundle(), "推荐材料.zip", "江苏省工业和信息化厅")
    assert job.status == "queued" and Path(job.input_path).read_bytes() == word_only_bundle()
    with pytest.raises(JobNotReady, match="尚未完成"):
        job_result(settings, job.id, "report")
    assert prepare_job(settings, job.id) == [0, 1, 2]
    running = get_job(settings, job.id)
    assert running.status == "running" and (running.done, running.total) == (0, 3)
    assert read_job_file(settings, job.id, 1, "w1") == FileRead()
    assert (get_job(settings, job.id).done, get_job(settings, job.id).files[1].status) == (1, "parsed")
    assert read_job_file(settings, job.id, 1, "w2") == FileRead()  # delivered twice: not read again
    assert read_job_file(settings, job.id, 0, "w1") == FileRead()
    assert read_job_file(settings, job.id, 2, "w1") == FileRead(last=True)  # the last: assemble now
    assemble_job(settings, job.id)
    done = get_job(settings, job.id)
    assert done.status == "done" and done.attempts == 1 and done.input_path is None
    assert not Path(job.input_path).parent.exists()  # the upload and its files are not kept
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
    assert prepare_job(settings, job.id) is None  # an ended job is not started again
    with pytest.raises(JobNotFound):
        get_job(settings, "nope")


def test_refused_and_skipped_entries_are_listed_with_the_job_s_files(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    data = make_zip(
        [
            ("甲/申报书.docx", docx(unit_record(61))),
            ("__MACOSX/甲/._申报书.docx", b"x"),
            ("../evil.docx", b"PK"),
        ]
    )
    job = submit_bundle(settings, data, "b.zip")
    work(settings, job.id)
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
    assert [s["code"] for s in report["skipped"]] == ["skipped"]


def test_a_file_whose_worker_was_lost_is_queued_again_after_its_deadline(tmp_path, backend):
    clock = ManualClock()
    settings = settings_for(tmp_path, backend)
    job = submit_bundle(settings, word_only_bundle(), "b.zip")
    assert prepare_job(settings, job.id) == [0, 1, 2]
    store = JobStore(jobs.database_url(settings), jobs.storage_dir(settings), clock=clock)
    assert store.claim_file(job.id, 0, "killed-worker") is not None  # its worker dies while reading it
    clock.advance(300)
    assert store.requeue_stale(300) == [], "a file is given its whole time budget"
    clock.advance(1)
    assert store.requeue_stale(300) == [(job.id, 0)]
    assert "第 1 个文件的处理进程中断" in get_job(settings, job.id).notes[0]
    assert store.requeue_stale(300) == []  # queued once
    for idx in (0, 1, 2):
        read_job_file(settings, job.id, idx, "other-worker")
    assemble_job(settings, job.id)
    assert get_job(settings, job.id).status == "done"


def test_a_lost_prepare_or_assemble_task_is_queued_again_once_per_deadline(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    waiting = submit_bundle(settings, word_only_bundle(), "a.zip")
    read = submit_bundle(settings, word_only_bundle(), "b.zip")
    for idx in prepare_job(settings, read.id):
        read_job_file(settings, read.id, idx, "w")  # all read; its assemble task dies with its worker
    clock = ManualClock(start=time.time())
    store = JobStore(jobs.database_url(settings), jobs.storage_dir(settings), clock=clock)
    assert store.lost_steps(300) == []
    clock.advance(301)
    assert sorted(store.lost_steps(300)) == sorted([(waiting.id, "prepare"), (read.id, "assemble")])
    assert store.lost_steps(300) == []  # once per deadline
    assert prepare_job(settings, read.id) is None  # a second prepare leaves a started job alone
    assemble_job(settings, read.id)
    assemble_job(settings, read.id)  # twice: harmless
    assert get_job(settings, read.id).status == "done"


def test_finished_jobs_are_deleted_after_the_retention_time(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    old, new, waiting = (submit_bundle(settings, word_only_bundle(), f"{n}.zip").id for n in "abc")
    for job_id in (old, new):
        work(settings, job_id)
    store = jobs.store_for(settings)
    with store.engine.begin() as db:
        older = text("UPDATE bundle_jobs SET finished_at = finished_at - 7200 WHERE id = :id")
        db.execute(older, {"id": old})
    assert store.purge(older_than_s=3600) == 1
    assert store.get(old) is None and store.result(old, "report") is None
    assert store.get(new).status == "done" and store.get(waiting).status == "queued"


def test_a_bundle_that_cannot_be_screened_fails_the_job_with_the_reason(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    job = submit_bundle(settings, word_only_bundle(), "b.zip")
    Path(job.input_path).unlink()  # e.g. removed by an operator
    assert prepare_job(settings, job.id) is None
    failed = get_job(settings, job.id)
    assert failed.status == "failed" and "已不存在" in failed.error
    with pytest.raises(JobNotReady, match="已失败"):
        job_result(settings, job.id, "summary")


def test_a_small_job_does_not_wait_behind_a_big_one(tmp_path, backend):
    """Both submitted before the one worker starts: the big job's files and the small job's are taken in
    turn, so the small one is done after at most a file or two of the big one. Told from the store's own
    clock (when each big file began against when the small job ended), not by polling, which a loaded
    machine delays."""
    settings = settings_for(tmp_path, backend)
    content = docx(unit_record(51))
    big = submit_bundle(
        settings, make_zip([(f"单位{i:02d}/申报书.docx", content) for i in range(30)]), "大.zip"
    )
    small = submit_bundle(settings, word_only_bundle(), "小.zip")
    queue = queue_for(settings)
    queue.submit(big.id)
    queue.submit(small.id)
    consumer = EmbeddedConsumer(settings).start()
    try:
        while get_job(settings, big.id, files=False).status not in ("done", "failed"):
            consumer.consumer.stop_flag.wait(0.05)
    finally:
        consumer.stop()
    small_job = get_job(settings, small.id, files=False)
    assert small_job.status == "done"
    assert get_job(settings, big.id).done == 30
    begun = started_at(settings, big.id)
    assert len(begun) == 30
    assert sum(t < small_job.finished_at for t in begun) <= 3


def started_at(settings, job_id: str) -> list[float]:
    """When each file of the job was last taken by a worker (the store's clock)."""
    f = files_table.c
    with jobs.store_for(settings).engine.connect() as db:
        return list(db.execute(select(f.started_at).where(f.job_id == job_id)).scalars())
