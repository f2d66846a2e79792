"""One upload's scanned pages recognised in parallel (``service.workflows.page_pool``): the pool's processes
recognise the pages, the document is the one read in turn, a dead pool process costs no upload, and
``POST /parse`` recognises through it."""

from __future__ import annotations

import os
import signal

import pytest

from extractor import read_document
from service.workflows.page_pool import PagePool, page_pool
from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import scan
from tests.service.api_calls import post_file

pytestmark = pytest.mark.xdist_group("page-pool")  # one pool's processes per test process

PAGES = ["text:Quarterly sales figures 2025", "text:Second quarter results", "text:Third quarter"]


@pytest.fixture(scope="module")
def three_pages() -> bytes:
    return scan(pdf_pages(PAGES), dpi=150)


@pytest.fixture
def pool():
    pool = PagePool(2)
    yield pool
    pool.close()


def test_the_pool_recognises_the_pages_in_its_processes_and_gives_the_document_read_in_turn(
    pool, three_pages
):
    told: list[tuple[int, int]] = []
    doc = read_document(
        three_pages, "sales.pdf", progress=lambda n, total: told.append((n, total)), page_source=pool
    )
    assert doc == read_document(three_pages, "sales.pdf")
    assert told == [(1, 3), (2, 3), (3, 3)]
    workers = pool.pids()
    assert len(workers) == 2 and os.getpid() not in workers


def test_a_dead_pool_process_costs_no_upload(pool, three_pages):
    expected = read_document(three_pages, "sales.pdf", page_source=pool)
    killed = pool.pids()
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    assert read_document(three_pages, "sales.pdf", page_source=pool) == expected  # read here instead
    assert read_document(three_pages, "sales.pdf", page_source=pool) == expected  # and by a fresh pool
    assert pool.pids() and not set(pool.pids()) & set(killed)


def test_one_page_or_one_process_is_recognised_in_turn_without_a_pool(three_pages):
    lone = PagePool(1)
    assert read_document(three_pages, "sales.pdf", page_source=lone) == read_document(
        three_pages, "sales.pdf"
    )
    assert lone.pids() == []


def test_the_parse_endpoint_recognises_a_scan_through_the_web_process_pool(tmp_path, three_pages):
    from service.app import create_app  # noqa: PLC0415

    app = create_app({"TESTING": True, "data_dir": str(tmp_path), "ocr_processes": 3})
    response, _ = post_file(app.test_client(), "/api/v1/parse", three_pages, "sales.pdf")
    assert response.status_code == 415 and "不是" in response.get_json()["detail"]  # read whole: no form
    pool = page_pool(3)
    try:
        assert len(pool.pids()) == 3
    finally:
        pool.close()
