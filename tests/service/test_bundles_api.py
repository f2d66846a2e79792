"""``POST /api/v1/bundles`` → 202 + Location → ``GET /api/v1/jobs/{id}`` until done → report.json and
summary.xlsx, through the Flask test client with a real Huey consumer and real SQLite files."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook

from service import jobs
from service.app import create_app
from service.jobstore import FileRow
from service.ownership import accounts_for
from tests.extractor.bundles import make_zip
from tests.service.api_calls import (
    assert_problem,
    authorized,
    bearer,
    job_app,
    new_account,
    post_file,
    wait_done,
)
from tests.service.bundles.fixtures import word_only_bundle

API = "/api/v1"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with job_app(tmp_path_factory.mktemp("jobs"), bundle_max_entries=50) as app:
        yield app


@pytest.fixture
def client(app):
    """A client signed in with a new authority account's API token."""
    return authorized(app)


def upload(client, data: bytes, name: str = "推荐材料.zip", **form):
    response, _ = post_file(client, f"{API}/bundles", data, name, **form)
    return response


def test_a_bundle_is_accepted_screened_and_its_results_downloaded(client):
    response = upload(client, word_only_bundle(), recommender="江苏省工业和信息化厅")
    assert response.status_code == 202
    job = response.get_json()
    location = response.headers["Location"]
    assert location == f"{API}/jobs/{job['id']}"
    assert job["status"] in ("queued", "running") and job["recommender"] == "江苏省工业和信息化厅"
    assert job["links"]["self"] == location and job["links"]["report"] is None

    done = wait_done(client, location)
    assert done["status"] == "done" and done["status_label"] == "已完成"
    assert done["progress"] == {"done": 3, "total": 3}
    assert [(f["name"], f["status"], f["status_label"]) for f in done["files"]] == [
        ("甲单位/申报书.docx", "parsed", "已解析"),
        ("乙单位/申报书.docx", "parsed", "已解析"),
        ("说明.txt", "not_form", "不是表单"),
    ]
    assert done["links"]["report"] == f"{location}/report.json"
    brief = client.get(f"{location}?files=false").get_json()
    assert brief["files"] == [] and brief["progress"] == {"done": 3, "total": 3}

    report = client.get(done["links"]["report"])
    assert report.status_code == 200 and report.mimetype == "application/json"
    body = report.get_json()
    assert body["job"] == job["id"] and body["bundle"] == "推荐材料.zip"
    assert [(u["name"], u["verdict"]) for u in body["units"]] == [
        ("测试单位011检测中心", "eligible"),
        ("测试单位012检测中心", "ineligible"),
    ]
    assert body["failed"][0]["name"] == "说明.txt"

    summary = client.get(done["links"]["summary"])
    assert summary.status_code == 200
    assert summary.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        "filename*=UTF-8''%E6%8E%A8%E8%8D%90%E6%B1%87%E6%80%BB%E8%A1%A8.xlsx"
        in summary.headers["Content-Disposition"]
    )
    ws = load_workbook(io.BytesIO(summary.data)).worksheets[0]
    assert ws["A2"].value.startswith("推荐单位（盖章）：江苏省工业和信息化厅")
    assert [ws.cell(row=r, column=17).value for r in (4, 5)] == ["符合", "不符合"]


def test_results_of_a_job_still_running_are_a_409(app):
    settings = app.config["SETTINGS"]
    name, token = new_account(app)
    client = bearer(app, token)
    store = jobs.store_for(settings)
    account = str(accounts_for(settings).get(name).id)
    job_id = store.create("bundle", "b.zip", word_only_bundle(), {}, account=account)
    # recorded and started, its file never queued: it stays running
    assert store.start(job_id, [FileRow(0, "a.docx", "queued")], to_read=[0])
    body = assert_problem(client.get(f"{API}/jobs/{job_id}/report.json"), 409, "job-not-done")
    assert "尚未完成" in body["detail"]
    assert_problem(client.get(f"{API}/jobs/{job_id}/summary.xlsx"), 409, "job-not-done")
    status = client.get(f"{API}/jobs/{job_id}").get_json()
    assert status["status"] == "running" and status["links"]["summary"] is None
    store.fail(job_id, "测试：人为终止")
    body = assert_problem(client.get(f"{API}/jobs/{job_id}/report.json"), 409, "job-not-done")
    assert "已失败" in body["detail"] and "测试：人为终止" in body["detail"]
    failed = client.get(f"{API}/jobs/{job_id}").get_json()
    assert failed["status"] == "failed" and failed["error"] == "测试：人为终止"


def test_unknown_jobs_are_404(client):
    for path in ("", "/report.json", "/summary.xlsx"):
        body = assert_problem(client.get(f"{API}/jobs/0123abc{path}"), 404, "job-not-found")
        assert "0123abc" in body["detail"]


def test_unusable_bundles_are_refused_at_once(client):
    body = assert_problem(upload(client, b"%PDF-1.7 ..."), 415, "unsupported-file")
    assert "不是 zip 压缩包" in body["detail"]
    too_many = make_zip([(f"f{i}.txt", b"x") for i in range(51)], gbk=False)
    body = assert_problem(upload(client, too_many), 422, "unsafe-bundle")
    assert "51" in body["detail"] and "50" in body["detail"]
    assert_problem(
        client.post(f"{API}/bundles", data={}, content_type="multipart/form-data"), 422, "invalid-request"
    )


def test_the_bundle_upload_limit_is_its_own(tmp_path):
    app = create_app(
        {"TESTING": True, "data_dir": str(tmp_path), "max_upload_mb": 1, "bundle_max_upload_mb": 2}
    )
    client = authorized(app)
    big = make_zip([("a.bin", os.urandom(1_500_000))], gbk=False)
    assert upload(client, big).status_code == 202  # over the 1 MB of single documents, under 2 MB
    bigger = make_zip([("a.bin", os.urandom(2_500_000))], gbk=False)
    assert_problem(upload(client, bigger), 413, "too-large")


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "202" in paths[f"{API}/bundles"]["post"]["responses"]
    for path in ("/jobs/{job_id}", "/jobs/{job_id}/report.json", "/jobs/{job_id}/summary.xlsx"):
        assert "get" in paths[API + path]


def test_a_word_file_uploaded_as_a_bundle_is_a_415_saying_what_it_is(client):
    from tests.extractor.bundles import unit_record  # noqa: PLC0415
    from tests.service.bundles.fixtures import docx  # noqa: PLC0415

    body = assert_problem(upload(client, docx(unit_record(1)), name="申报书.docx"), 415, "unsupported-file")
    assert "不是 zip 压缩包，而是 Word 文档" in body["detail"] and "申报书.docx" in body["detail"]


def test_queue_bounds_answer_429_and_503_with_retry_after(tmp_path):
    """No worker runs here, so every accepted job stays queued and counts against the bounds."""
    app = create_app({"TESTING": True, "data_dir": str(tmp_path), "job_max_active": 2, "job_max_queued": 3})
    first, second = authorized(app), authorized(app)
    assert [upload(first, word_only_bundle()).status_code for _ in range(2)] == [202, 202]
    refused = upload(first, word_only_bundle())
    body = assert_problem(refused, 429, "too-many-jobs")
    assert refused.headers["Retry-After"] == "60"
    assert "已有 2 个批量审核任务在排队或处理中" in body["detail"] and "最多 2 个" in body["detail"]
    assert upload(second, word_only_bundle()).status_code == 202  # another account has its own share
    full = upload(second, word_only_bundle())
    assert "排队的批量审核任务已达上限（3 个）" in assert_problem(full, 503, "queue-full")["detail"]
    assert full.headers["Retry-After"] == "60"
    assert len(jobs.store_for(app.config["SETTINGS"]).ids()) == 3  # nothing stored for the refused ones


def test_a_nearly_full_storage_refuses_new_bundles_with_503(tmp_path):
    app = create_app({"TESTING": True, "data_dir": str(tmp_path), "storage_min_free_mb": 1 << 40})
    refused = upload(authorized(app), word_only_bundle())
    body = assert_problem(refused, 503, "queue-full")
    assert "存储空间不足" in body["detail"] and refused.headers["Retry-After"] == "60"
    assert jobs.store_for(app.config["SETTINGS"]).ids() == []
