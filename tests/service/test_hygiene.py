"""Untrusted text in, safe text out: control and direction characters never reach a download name or a
stored name, JSON nested beyond any record is a 422 (never a 500), problem details name no server path,
and the parse page reads within the same ``Limits`` as the API."""

from __future__ import annotations

import io
import json

import lxml.html
import pytest

from extractor.settings import Limits
from forms.records import dump_record
from service.app import create_app
from service.hygiene import clean_name, file_name, strip_paths
from service.workflows import decode_record
from tests.hostile.corpus import text_pages
from tests.service.api_calls import assert_problem, authorized, job_app, post_file, wait_done
from tests.service.bundles.fixtures import word_only_bundle
from tests.service.page_calls import csrf_token

API = "/api/v1"
UNSEEN = "\x00\x07\t\r\n\x1b\u200b\u200e\u202a\u202e\u2066\u2069\u2028\ufeff"


def test_clean_name_drops_controls_and_direction_marks_and_keeps_the_text():
    assert clean_name(f"江苏{UNSEEN}平台（南京）") == "江苏平台（南京）"
    assert clean_name("报告\u202excod.exe") == "报告xcod.exe"
    assert file_name('a/b\\c:d*e?f"g<h>i|j\r\n') == "abcdefghij" and len(file_name("长" * 200)) == 80


def test_download_names_carry_no_control_or_direction_characters(client, annex1_json):
    annex1_json["cover"]["platform_name"] = "平台\r\n\x07名\u202e称"
    response = client.post(f"{API}/forms/annex1/fill?format=docx", json=annex1_json)
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%B9%B3%E5%8F%B0%E5%90%8D%E7%A7%B0-" in disposition  # 平台名称-申报书.docx
    assert "%E2%80%AE" not in disposition and "%07" not in disposition and "%0D" not in disposition


@pytest.fixture(scope="module")
def bundle_app(tmp_path_factory):
    with job_app(tmp_path_factory.mktemp("h")) as app:
        yield app


def test_stored_job_names_are_clean(bundle_app):
    client = authorized(bundle_app)
    response, _ = post_file(
        client,
        f"{API}/bundles",
        word_only_bundle(),
        "推荐\u202e材料.zip",
        recommender="江苏省\r\n工信厅\u2066",
    )
    assert response.status_code == 202
    job = wait_done(client, response.headers["Location"])
    assert (job["name"], job["recommender"]) == ("推荐材料.zip", "江苏省工信厅")
    assert all(clean_name(f["name"]) == f["name"] for f in job["files"])


@pytest.mark.parametrize("depth", [33, 100_000])
def test_json_nested_deeper_than_a_record_is_a_422(client, depth):
    body = b"[" * depth + b"]" * depth
    for path in ("/check", "/forms/annex1/fill"):
        response = client.post(API + path, data=body, content_type="application/json")
        assert "嵌套过深" in assert_problem(response, 422, "invalid-record")["detail"]
    upload = client.post(
        f"{API}/forms/annex2/prefill",
        data={"file": (io.BytesIO(body), "上年.json"), "year": "2026", "format": "json"},
        content_type="multipart/form-data",
    )
    detail = assert_problem(upload, 422, "invalid-record")["detail"]
    assert "上年.json" in detail and "嵌套过深" in detail


def test_deep_json_anywhere_else_is_a_422_too(bundle_app):
    body = b"{" + b'"a":{' * 100_000 + b"}" * 100_001
    response = authorized(bundle_app).patch(f"{API}/jobs/0123abc", data=body, content_type="application/json")
    assert "嵌套过深" in assert_problem(response, 422, "invalid-request")["detail"]


def test_a_record_deep_as_a_record_is_not_refused(annex1_json):
    text = json.dumps(annex1_json).encode()
    loaded = decode_record(text, max_bytes=len(text))
    assert loaded.problems == [] and dump_record(loaded.record, loaded.form) == annex1_json


def test_server_paths_are_cut_to_the_file_name():
    text = "/tmp/itbforms-fill-w9kcbw75/0000-annex1.docx：LibreOffice 转换超时；见 /var/lib/x/y.log。"
    assert strip_paths(text) == "0000-annex1.docx：LibreOffice 转换超时；见 y.log。"
    kept = "甲单位/申报书.docx：第 2/3 页，1/2"
    assert strip_paths(kept) == kept


@pytest.mark.soffice
def test_problem_details_name_no_server_path_and_give_a_trace_id(tmp_path, annex1_json, caplog):
    client = create_app({"TESTING": True, "data_dir": str(tmp_path), "soffice_timeout_s": 0.01}).test_client()
    response = client.post(f"{API}/forms/annex1/fill?format=pdf", json=annex1_json)
    detail = assert_problem(response, 422, "processing-timeout")["detail"]
    assert "/tmp" not in detail and "itbforms-fill-" not in detail and "追踪号" in detail
    trace = detail.split("追踪号 ")[1][:12]
    assert any(trace in r.getMessage() and "/itbforms-fill-" in r.getMessage() for r in caplog.records)


def test_the_parse_page_reads_within_the_services_limits(tmp_path):
    app = create_app({"TESTING": True, "data_dir": str(tmp_path), "LIMITS": Limits(max_pages=2)})
    client = app.test_client()
    data = text_pages(9)
    api = post_file(client, f"{API}/parse", data, "long.pdf", form="annex1")[0].get_json()
    assert "超过 2 页的上限" in str(api["problems"])
    page = client.post(
        "/parse",
        data={
            "file": (io.BytesIO(data), "long.pdf"),
            "form": "annex1",
            "csrf_token": csrf_token(client, "/parse"),
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    text = lxml.html.fromstring(page.get_data(as_text=True)).text_content()
    assert "超过 2 页的上限" in text
