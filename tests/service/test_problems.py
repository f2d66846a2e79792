"""The one mapping of errors to problem+json: the user's input is a 4xx naming it, our own fault a 500 that
names only a trace id (the details are in the log)."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from extractor.errors import UnsupportedFile
from service.app import create_app
from templates.render import TemplateMismatch
from tests.service.faults import STALE_KEY, template_mismatch


def app_raising(exc: Exception) -> Flask:
    app = create_app()

    def fail() -> None:
        raise exc

    app.add_url_rule("/raise", view_func=fail)
    return app


def test_our_own_fault_is_a_500_with_a_trace_id_and_the_details_only_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fault = template_mismatch()
    with caplog.at_level(logging.ERROR, logger="service.problems"):
        response = app_raising(fault).test_client().get("/raise")
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["type"] == "urn:itbforms:problem:internal-error"
    trace_id = body["trace_id"]
    assert len(trace_id) == 16 and trace_id in body["detail"]
    assert STALE_KEY not in response.get_data(as_text=True)  # what went wrong inside stays inside
    (logged,) = [r for r in caplog.records if trace_id in r.getMessage()]
    assert logged.exc_info is not None and isinstance(logged.exc_info[1], TemplateMismatch)


def test_the_users_input_is_answered_by_the_table_without_a_trace_id() -> None:
    response = app_raising(UnsupportedFile("图片.docx", "是图片文件")).test_client().get("/raise")
    body = response.get_json(force=True)
    assert (response.status_code, body["type"]) == (415, "urn:itbforms:problem:unsupported-file")
    assert "图片.docx" in body["detail"] and "trace_id" not in body


def test_a_crash_is_answered_like_our_own_fault() -> None:
    response = app_raising(KeyError("secret-internal-key")).test_client().get("/raise")
    body = response.get_json(force=True)
    assert response.status_code == 500 and body["trace_id"]
    assert "secret-internal-key" not in response.get_data(as_text=True)
