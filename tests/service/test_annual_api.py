"""Annual reports through the API: ``POST /api/v1/bundles`` with ``received`` and a ``previous`` upload,
then ``GET /jobs/{id}/statistics`` (JSON, in the OpenAPI document) and ``/jobs/{id}/annual-summary.xlsx``."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from service import jobs
from service.ownership import accounts_for
from tests.extractor.annual_bundles import CARRY_MISMATCH, fill_annual, last_year, this_year
from tests.extractor.bundles import make_zip, unit_record
from tests.service.api_calls import assert_problem, authorized, bearer, job_app, new_account, wait_done
from tests.service.bundles.fixtures import docx, word_only_bundle

API = "/api/v1"
SEQS = (1, 2, CARRY_MISMATCH)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with job_app(tmp_path_factory.mktemp("jobs")) as app:
        yield app


@pytest.fixture(scope="module")
def account(app):
    """An authority's account in the app's database: its name and API token."""
    return new_account(app)


@pytest.fixture
def client(app, account):
    return bearer(app, account[1])


def word_zip(records: dict, extra: list | None = None) -> bytes:
    return make_zip(
        [(f"{seq:02d}/年度运行情况表.docx", fill_annual(records[seq], "docx")) for seq in SEQS]
        + (extra or [])
    )


@pytest.fixture(scope="module")
def bundles() -> tuple[bytes, bytes]:
    now = this_year()
    both_kinds = word_zip(now, [("申报/申报书.docx", docx(unit_record(71)))])
    return both_kinds, word_zip(last_year(now))


def post(client, bundle: bytes, previous: bytes | None = None, **form):
    data = {"file": (io.BytesIO(bundle), "2025年报.zip"), **form}
    if previous is not None:
        data["previous"] = (io.BytesIO(previous), "2024年报.zip")
    return client.post(f"{API}/bundles", data=data, content_type="multipart/form-data")


def test_an_annual_bundle_gives_statistics_and_the_annual_workbook(client, bundles):
    both_kinds, previous = bundles
    response = post(client, both_kinds, previous, received="2026-03-25")
    assert response.status_code == 202, response.get_data(as_text=True)
    done = wait_done(client, response.headers["Location"])
    assert done["status"] == "done", done
    report = client.get(done["links"]["report"]).get_json()
    assert [u["verdict"] for u in report["units"]] == ["eligible"]  # the application
    annual = report["annual"]
    assert annual["received"] == "2026-03-25" and annual["previous"]["platforms"] == 3
    assert [u["status"] for u in annual["units"]] == ["正常", "需关注", "需关注"]

    stats = client.get(done["links"]["statistics"])
    assert stats.status_code == 200
    body = stats.get_json()
    assert body["job"] == done["id"] and body["previous_source"] == "2024年报.zip"
    assert body["platform_count"] == 3 and body["with_previous"] == 3
    assert body["by_status"] == {"正常": 1, "需关注": 2, "不符合": 0, "待补充": 0}
    itb = next(t for t in body["totals"] if t["key"] == "revenue_itb")
    assert itb["change_pct"] == 25.0 and itb["compared"] == 3
    assert [p["uscc"] for p in body["platforms"]] == [u["uscc"] for u in annual["units"]]

    workbook = client.get(done["links"]["annual_summary"])
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == ["汇总", "核查明细", "解析问题", "统计图", "年度评价"]
    assert [book["汇总"].cell(row=r, column=18).value for r in (5, 6, 7)] == ["正常", "需关注", "需关注"]
    assert client.get(done["links"]["summary"]).status_code == 200  # the 推荐汇总表 of the application


def test_a_job_without_annual_reports_has_no_statistics(client):
    done = wait_done(client, post(client, word_only_bundle()).headers["Location"])
    for link in ("statistics", "annual_summary"):
        body = assert_problem(client.get(done["links"][link]), 404, "not-found")
        assert "没有年度运行情况表" in body["detail"]


def test_statistics_before_the_job_is_done_is_409_and_unknown_job_404(client, app, account):
    owner = accounts_for(app.config["SETTINGS"]).get(account[0])
    job = jobs.store_for(app.config["SETTINGS"]).create("bundle", "x.zip", b"PK", {}, account=str(owner.id))
    assert_problem(client.get(f"{API}/jobs/{job}/statistics"), 409, "job-not-done")
    assert_problem(client.get(f"{API}/jobs/nope/statistics"), 404, "job-not-found")


def test_another_accounts_statistics_and_workbook_are_404_and_need_an_account(client, app, bundles):
    done = wait_done(client, post(client, bundles[0], received="2026-03-25").headers["Location"])
    assert client.get(done["links"]["statistics"]).status_code == 200
    other = authorized(app)
    for link in ("statistics", "annual_summary"):
        assert_problem(other.get(done["links"][link]), 404, "job-not-found")  # existence not confirmed
        assert_problem(app.test_client().get(done["links"][link]), 401, "unauthorized")


def test_a_previous_upload_without_annual_reports_is_refused_before_queueing(client, bundles):
    response = post(client, bundles[0], make_zip([("申报书.docx", docx(unit_record(72)))]))
    body = assert_problem(response, 415, "unsupported-file")
    assert body["detail"].startswith("2024年报.zip：其中没有可用的上年度年度运行情况表")


def test_the_openapi_document_describes_the_statistics(client):
    spec = client.get("/openapi.json").get_json()
    assert "/api/v1/jobs/{job_id}/statistics" in spec["paths"]
    assert "/api/v1/jobs/{job_id}/annual-summary.xlsx" in spec["paths"]
    schema = spec["components"]["schemas"]["AnnualStatistics"]
    assert {"totals", "by_status", "ranking", "platforms"} <= set(schema["properties"])
    body = spec["paths"]["/api/v1/bundles"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert body["schema"] == {"$ref": "#/components/schemas/BundleFiles"}
    assert spec["components"]["schemas"]["BundleFiles"]["properties"]["previous"]["format"] == "binary"
