"""The parse page with script: the file is parsed in the background (``service.pages.runs``) while the
page shows "第 n/N 页" of a scan's recognition, then the result page.

``POST /parse/runs`` takes the parse page's form and answers 202 with the run's status and result URLs;
``GET /parse/runs/<id>`` is ``{"page": n, "pages": N, "done": …}``; ``GET /parse/runs/<id>/result`` is
the parse page with the result (or the error). A run belongs to the browser session that started it.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, session, url_for
from werkzeug.exceptions import NotFound

from extractor.settings import Progress
from service.api.transfer import limits, page_source
from service.pages import PageError, error_text, pages, parse_request, render_parse
from service.pages.runs import Busy, Run, Runs
from service.problems import problem_kind

BUSY_OWN = "您的上一个文件还在解析，请等它完成后再上传。"
BUSY_ALL = "服务器正忙于解析其他文件，请稍后再试。"
GONE = "解析结果不存在或已过期（结果只保留几分钟），请重新上传文件。"


@pages.post("/parse/runs")
def parse_run_start() -> tuple[dict[str, Any], int]:
    """Start parsing the posted file in the background; 202 with where to follow it."""
    upload = parse_request()
    if isinstance(upload, PageError):
        return {"title": upload.title, "detail": upload.detail}, upload.status
    bounds, pages = limits(), page_source()

    def work(progress: Progress) -> dict[str, Any]:
        return upload.view(bounds, progress, pages)

    try:
        run_id = _runs().start(_owner(), work)
    except Busy as busy:
        return {"title": "请稍候", "detail": BUSY_OWN if busy.own else BUSY_ALL}, 429
    status = url_for("pages.parse_run_status", run_id=run_id)
    return {"id": run_id, "status": status, "result": url_for("pages.parse_run_result", run_id=run_id)}, 202


@pages.get("/parse/runs/<run_id>")
def parse_run_status(run_id: str) -> dict[str, Any]:
    """How far the run is: the page being recognised of how many, and whether it is done."""
    return _run(run_id).status()


@pages.get("/parse/runs/<run_id>/result")
def parse_run_result(run_id: str) -> str | tuple[str, int]:
    """The parse page with the run's result, or its error (409 while it still runs)."""
    try:
        run = _run(run_id)
    except NotFound:
        return render_parse(error=("结果不存在", GONE)), 404
    if not run.done:
        return render_parse(error=("尚未完成", "文件仍在解析中，请稍后刷新本页。")), 409
    if run.error is not None:
        return render_parse(error=error_text(run.error)), problem_kind(run.error).status
    return render_parse(result=run.result)


def _runs() -> Runs:
    runs: Runs = current_app.extensions.setdefault("itbforms.parse_runs", Runs())
    return runs


def _owner() -> str:
    """The session's own random key for its runs (made on its first run)."""
    if "parse_owner" not in session:
        session["parse_owner"] = secrets.token_urlsafe(16)
    owner: str = session["parse_owner"]
    return owner


def _run(run_id: str) -> Run:
    run = _runs().get(_owner(), run_id)
    if run is None:
        raise NotFound(GONE)
    return run
