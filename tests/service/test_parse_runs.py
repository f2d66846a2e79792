"""The parse page's background runs (``service.pages.runs``) with real threads and work that waits for the
test: one run per owner, a cap on the process, progress and results kept for their owner only, forgotten
after their time (an injected clock) or beyond the count kept; and the endpoints with a real Word file."""

from __future__ import annotations

import threading

import pytest

from extractor.errors import UnreadableFile
from service.pages.runs import Busy, Runs
from tests.service.page_calls import csrf_token, follow, start
from tests.service.test_pages import annex1_docx, html, row  # noqa: F401  (the module's Word file fixture)

#: Polls of a run before a test gives up on it, and how long its work waits for the test at most.
POLLS, WAIT = 600, 0.5


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def finished(runs: Runs, owner: str, run_id: str):
    for _ in range(POLLS):
        run = runs.get(owner, run_id)
        if run is None or run.done:
            return run
        threading.Event().wait(0.01)
    raise AssertionError("the run did not finish")


def test_one_run_per_owner_and_a_cap_on_the_process():
    release = threading.Event()

    def work(progress):
        progress(1, 3)
        release.wait(WAIT * POLLS)
        progress(3, 3)
        return "result"

    runs = Runs(capacity=2)
    first = runs.start("a", work)
    with pytest.raises(Busy) as own:
        runs.start("a", work)
    assert own.value.own
    runs.start("b", work)
    with pytest.raises(Busy) as full:
        runs.start("c", work)
    assert not full.value.own
    assert runs.get("b", first) is None  # another's run is not found
    release.set()
    run = finished(runs, "a", first)
    assert run.status() == {"page": 3, "pages": 3, "done": True} and run.result == "result"
    runs.start("c", work)  # room again


def test_an_error_is_kept_and_finished_runs_are_forgotten_after_their_time_or_beyond_the_count():
    clock = Clock()
    runs = Runs(keep=300.0, kept=2, clock=clock)

    def fails(progress):
        raise UnreadableFile("x.pdf", "PDF 文件已损坏")

    failed = runs.start("a", fails)
    run = finished(runs, "a", failed)
    assert isinstance(run.error, UnreadableFile) and run.result is None
    clock.now = 301.0
    assert runs.get("a", failed) is None
    ids = []
    for n in range(3):
        ids.append(runs.start("a", lambda progress, n=n: n))
        finished(runs, "a", ids[-1])
        clock.now += 1
    assert runs.get("a", ids[0]) is None  # the oldest beyond the two kept
    assert [runs.get("a", i).result for i in ids[1:]] == [1, 2]


def test_a_word_file_parsed_in_the_background_shows_the_same_result_to_its_session_only(
    app,
    annex1_docx,  # noqa: F811
):
    client = app.test_client()
    answer = start(client, annex1_docx, "申报书.docx", checks="true")
    assert follow(client, answer)[-1] == {"page": 0, "pages": None, "done": True}  # no page recognised
    doc = html(client.get(answer.json["result"]))
    assert "申报书.docx" in doc.xpath("//h2[@id='result-title']")[0].text_content()
    assert row(doc, "applicant.name").xpath(".//span[contains(@class, 'value')]")[0].text
    assert "符合申报条件" in doc.xpath("//*[@id='verdict']")[0].text_content()
    stranger = app.test_client()
    assert stranger.get(answer.json["status"]).status_code == 404
    assert stranger.get(answer.json["result"]).status_code == 404


def test_an_unusable_file_in_the_background_gives_its_error_on_the_result_page(app):
    client = app.test_client()
    answer = start(client, b"%PDF-1.7 broken", "坏文件.pdf")
    follow(client, answer)
    response = client.get(answer.json["result"])
    assert response.status_code == 422
    assert "坏文件.pdf" in html_text(response)


def test_a_post_without_a_file_is_refused_before_any_run(app):
    client = app.test_client()
    response = client.post(
        "/parse/runs", data={"csrf_token": csrf_token(client, "/parse")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400 and response.json["title"] == "未选择文件"


def html_text(response) -> str:
    return response.get_data(as_text=True)
