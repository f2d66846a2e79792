"""A scanned file's pages recognised one task each (``service.bundles.pages``): the file read from its
stored pages is the file read in one go; the queue runs a task per page; a lost page task costs only the
pages it had not stored; a page that cannot be read makes its file unreadable with the reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from huey.signals import SIGNAL_COMPLETE

from extractor.errors import PagesPending, UnreadableFile
from extractor.settings import Limits
from forms.records import load_record
from service import jobs
from service.bundles.files import parse_entry
from service.bundles.pages import PAGES_PER_ROUND, StoredPages, recognise_stored
from service.jobs import FileRead, get_job, prepare_job, read_job_file, read_job_page, submit_bundle
from service.jobstore import JobStore
from service.queue import EmbeddedConsumer, queue_for
from service.settings import Settings
from templates.render import fill
from tests.clocks import ManualClock
from tests.conftest import read_example
from tests.extractor.bundles import make_zip
from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import scan

pytestmark = pytest.mark.xdist_group("servers")  # Redis and PostgreSQL started once for the queue tests

THREE_PAGES = ["text:Quarterly sales figures 2025", "text:Second quarter results", "text:Third quarter"]


@pytest.fixture(scope="module")
def scanned_report() -> bytes:
    """The first three pages of the example annual report, printed by LibreOffice and scanned."""
    loaded = load_record(read_example("annex2.json"))
    return scan(fill(loaded.form, loaded.record, "pdf"), dpi=150, pages=[1, 2, 3])


def three_page_bundle() -> bytes:
    """A bundle of one scanned PDF of three pages that are not a form (recognised in a second each)."""
    return make_zip([("单位01/sales.pdf", scan(pdf_pages(THREE_PAGES), dpi=150))])


def settings_for(tmp_path: Path, backend: dict[str, str] | None = None) -> Settings:
    return Settings.from_env({"ITBFORMS_DATA_DIR": str(tmp_path), **(backend or {})})


@pytest.mark.soffice
def test_a_scan_read_from_its_pages_recognised_one_task_each_is_the_scan_read_in_one(
    tmp_path, scanned_report
):
    settings = settings_for(tmp_path)
    job = submit_bundle(settings, make_zip([("单位01/年度运行情况表.pdf", scanned_report)]), "b.zip")
    assert prepare_job(settings, job.id) == [0]
    assert read_job_file(settings, job.id, 0, "w1") == FileRead(pages=(1, 2, 3))
    assert get_job(settings, job.id).done == 0  # still to be read
    assert [read_job_page(settings, job.id, 0, n) for n in (3, 1, 2)] == [False, False, True]
    assert read_job_file(settings, job.id, 0, "w2") == FileRead(last=True)
    (outcome,) = jobs.store_for(settings).outcomes(job.id)
    direct = parse_entry(0, outcome.name, outcome.folder, scanned_report)
    assert outcome.status == direct.status == "parsed" and outcome.form == "annex2"
    assert outcome.record == direct.record and outcome.seals == direct.seals
    assert outcome.problems == direct.problems


def test_the_queue_runs_one_task_per_page_and_reads_the_file_again_from_them(tmp_path, backend):
    settings = settings_for(tmp_path, backend)
    job = submit_bundle(
        settings, make_zip([("单位01/sales.pdf", scan(pdf_pages(THREE_PAGES), dpi=150))]), "b.zip"
    )
    queue = queue_for(settings)
    ran: list[tuple[str, tuple]] = []
    queue.huey.signal(SIGNAL_COMPLETE)(lambda signal, task, *_: ran.append((task.name, tuple(task.args))))
    queue.submit(job.id)
    consumer = EmbeddedConsumer(settings, threads=2).start()
    try:
        while get_job(settings, job.id, files=False).status not in ("done", "failed"):
            consumer.consumer.stop_flag.wait(0.05)
    finally:
        consumer.stop()
    pages = sorted(args for name, args in ran if name == "itbforms.read_page")
    assert pages == [(job.id, 0, 1), (job.id, 0, 2), (job.id, 0, 3)]  # each page once
    assert [name for name, _ in ran].count("itbforms.read_file") >= 2  # asked for its pages, then read
    (read,) = get_job(settings, job.id).files
    assert get_job(settings, job.id).status == "done"
    assert read.status == "not_form" and "不是" in read.reason  # all three pages read: no form in them
    assert not Path(job.input_path).parent.exists()  # the stored pages go with the job's files


def test_a_long_scan_is_asked_for_in_rounds_and_a_last_lone_page_is_read_in_the_file_task(tmp_path):
    pages = [f"text:Page {n} of the quarterly sales report" for n in range(1, PAGES_PER_ROUND + 2)]
    data = scan(pdf_pages(pages), dpi=150)
    settings = settings_for(tmp_path)
    job = submit_bundle(settings, make_zip([("单位01/sales.pdf", data)]), "b.zip")
    prepare_job(settings, job.id)
    first = read_job_file(settings, job.id, 0, "w1")
    assert first == FileRead(pages=tuple(range(1, PAGES_PER_ROUND + 1)))
    assert [read_job_page(settings, job.id, 0, n) for n in first.pages][-1] is True
    assert read_job_file(settings, job.id, 0, "w1") == FileRead(last=True)  # the last page read here
    (outcome,) = jobs.store_for(settings).outcomes(job.id)
    assert outcome.status == "not_form"
    assert outcome == parse_entry(0, outcome.name, outcome.folder, data)


def test_a_lost_page_task_costs_only_the_pages_not_stored(tmp_path):
    settings = settings_for(tmp_path)
    job = submit_bundle(
        settings, make_zip([("单位01/sales.pdf", scan(pdf_pages(THREE_PAGES), dpi=150))]), "b.zip"
    )
    prepare_job(settings, job.id)
    assert read_job_file(settings, job.id, 0, "w1") == FileRead(pages=(1, 2, 3))
    assert read_job_page(settings, job.id, 0, 2) is False  # pages 1 and 3: their worker is killed
    clock = ManualClock(start=time.time())
    store = JobStore(jobs.database_url(settings), jobs.storage_dir(settings), clock=clock)
    assert store.requeue_stale(300) == []
    clock.advance(301)
    assert store.requeue_stale(300) == [(job.id, 0)]
    assert read_job_file(settings, job.id, 0, "w2") == FileRead(pages=(1, 3))


def test_a_page_that_cannot_be_read_makes_its_file_unreadable_with_the_reason(tmp_path):
    data = scan(pdf_pages(THREE_PAGES[:2]), dpi=150)
    source = StoredPages(tmp_path / "pages")
    with pytest.raises(PagesPending):
        list(source(data, "sales.pdf", [1, 2], Limits()))
    assert recognise_stored(tmp_path / "pages", b"%PDF-1.4 cut short", 1, Limits()) is False
    assert recognise_stored(tmp_path / "pages", data, 2, Limits()) is True
    with pytest.raises(UnreadableFile, match=r"sales\.pdf：PDF 文件已损坏"):
        list(source(data, "sales.pdf", [1, 2], Limits()))
