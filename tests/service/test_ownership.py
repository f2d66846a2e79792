"""A job is its submitter's alone: 404 for any other account, DELETE by the owner → 204 and everything of
the job gone from disk and database, retention per job, and each access in the audit log."""

from __future__ import annotations

import sqlite3

import pytest

from service import database, jobs
from service.ownership import accounts_for, audit_for
from tests.service.api_calls import assert_problem, bearer, job_app, new_account, post_file, wait_done
from tests.service.bundles.fixtures import word_only_bundle

API = "/api/v1"
UNIT = "测试单位011检测中心"  # a unit of word_only_bundle(): its name is in the report and the workbook


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with job_app(tmp_path_factory.mktemp("own")) as app:
        yield app


@pytest.fixture(scope="module")
def owner(app):
    name, token = new_account(app)
    return name, bearer(app, token)


@pytest.fixture(scope="module")
def done_job(app, owner):
    response, _ = post_file(owner[1], f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
    assert response.status_code == 202
    return wait_done(owner[1], response.headers["Location"])


def db_path(app):
    return jobs.db_path(app.config["SETTINGS"])


def test_another_account_gets_404_for_everything_of_the_job(app, done_job):
    name, token = new_account(app)
    stranger = bearer(app, token)
    base = f"{API}/jobs/{done_job['id']}"
    for method, path in [("get", ""), ("get", "/report.json"), ("get", "/summary.xlsx"), ("delete", "")]:
        body = assert_problem(getattr(stranger, method)(base + path), 404, "job-not-found")
        assert UNIT not in body["detail"]
    assert_problem(stranger.patch(base, json={"retention_hours": 1}), 404, "job-not-found")
    # an admin is no exception: a job is its submitter's
    admin = bearer(app, new_account(app, "admin")[1])
    assert_problem(admin.get(base), 404, "job-not-found")
    refused = audit_for(app.config["SETTINGS"]).entries(account=name, job_id=done_job["id"])
    assert [e.action for e in refused] == ["denied"] * 5


def test_the_owner_reads_and_downloads_and_the_audit_log_says_so(app, owner, done_job):
    name, client = owner
    assert client.get(done_job["links"]["report"]).status_code == 200
    assert client.get(done_job["links"]["summary"]).status_code == 200
    actions = [
        e.action for e in audit_for(app.config["SETTINGS"]).entries(account=name, job_id=done_job["id"])
    ]
    assert actions[:1] == ["submit"] and {"read", "download"} <= set(actions)


def test_delete_by_the_owner_removes_upload_results_and_rows(app, owner):
    name, client = owner
    response, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
    job = wait_done(client, response.headers["Location"])
    path = db_path(app)
    with sqlite3.connect(path) as db:
        assert (
            db.execute("SELECT count(*) FROM bundle_results WHERE job_id = ?", (job["id"],)).fetchone()[0]
            == 1
        )

    assert client.delete(f"{API}/jobs/{job['id']}").status_code == 204
    for suffix in ("", "/report.json", "/summary.xlsx"):
        assert_problem(client.get(f"{API}/jobs/{job['id']}{suffix}"), 404, "job-not-found")
    assert_problem(client.delete(f"{API}/jobs/{job['id']}"), 404, "job-not-found")
    with sqlite3.connect(path) as db:
        for table, column in (
            ("bundle_jobs", "id"),
            ("bundle_files", "job_id"),
            ("bundle_results", "job_id"),
        ):
            assert (
                db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (job["id"],)).fetchone()[0]
                == 0
            )
    assert not (path.parent / "storage" / job["id"]).exists()
    assert audit_for(app.config["SETTINGS"]).entries(job_id=job["id"])[-1].action == "delete"


def test_secure_delete_is_on_for_every_connection(app):
    with database.connect(db_path(app)) as db:
        assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_delete_while_queued_removes_the_upload_at_once(app, owner):
    store = jobs.store_for(app.config["SETTINGS"])
    name, client = owner
    account = str(accounts_for(app.config["SETTINGS"]).get(name).id)
    # recorded, never queued: no worker takes it
    job_id = store.create("bundle", "b.zip", word_only_bundle(), {}, account=account)
    upload = store.get(job_id).input_path
    assert upload and (db_path(app).parent / "storage" / job_id / "bundle.zip").exists()
    assert client.delete(f"{API}/jobs/{job_id}").status_code == 204
    assert store.get(job_id) is None and not (db_path(app).parent / "storage" / job_id).exists()
    # a worker that was reading one of its files finds the job gone: it cannot write it back
    assert store.claim_file(job_id, 0, "another-worker") is None
    assert store.finish(job_id, b"{}", b"") is False and store.get(job_id) is None


def test_retention_is_per_job_and_may_only_be_shortened(app, owner, annex1_json):
    name, client = owner
    response, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "b.zip", retention_hours="2")
    assert response.status_code == 202 and response.get_json()["retention_hours"] == 2
    job = wait_done(client, response.headers["Location"])
    assert job["expires_at"] > job["finished_at"]
    longer = client.patch(f"{API}/jobs/{job['id']}", json={"retention_hours": 3})
    assert "只能缩短" in assert_problem(longer, 422, "invalid-record")["detail"]
    shorter = client.patch(f"{API}/jobs/{job['id']}", json={"retention_hours": 1})
    assert shorter.status_code == 200 and shorter.get_json()["retention_hours"] == 1
    too_long, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "b.zip", retention_hours="100")
    assert "不超过 72 小时" in assert_problem(too_long, 422, "invalid-record")["detail"]

    # 90 minutes later (moved back in the database, not waited for): past its 1 h, within the default 72 h
    other, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "b.zip")
    kept = wait_done(client, other.headers["Location"])
    with sqlite3.connect(db_path(app)) as db:
        db.execute(
            "UPDATE bundle_jobs SET finished_at = finished_at - 5400 WHERE id IN (?, ?)",
            (job["id"], kept["id"]),
        )
    assert_problem(client.get(f"{API}/jobs/{job['id']}"), 404, "job-not-found")  # before any purge
    assert client.get(f"{API}/jobs/{kept['id']}").status_code == 200
    store = jobs.store_for(app.config["SETTINGS"])
    store.purge(app.config["SETTINGS"].job_retention_hours * 3600)
    assert store.get(job["id"]) is None and store.get(kept["id"]) is not None


def test_the_audit_log_is_for_admins(app, owner, done_job):
    name, _ = owner
    admin = bearer(app, new_account(app, "admin")[1])
    entries = admin.get(f"{API}/audit?job={done_job['id']}").get_json()
    assert entries[0]["account"] == name and entries[0]["action"] == "submit"
    assert entries[0]["action_label"] == "提交任务" and entries[0]["job_id"] == done_job["id"]
    assert len(admin.get(f"{API}/audit?last=1").get_json()) == 1
    assert_problem(owner[1].get(f"{API}/audit"), 403, "forbidden")
    assert_problem(app.test_client().get(f"{API}/audit"), 401, "unauthorized")
