"""What the service keeps on disk is its own: the data folder 0700, the database (and its WAL files), the
uploads and the session key 0600 — from their creation, and narrowed when an older install left them wide;
the pages say what is kept, for how long and who sees it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import lxml.html
import pytest

from service import auth, database, jobs
from service.app import create_app
from service.jobstore import JobStore
from service.settings import Settings
from tests.service.api_calls import authorized, job_app, post_file, wait_done
from tests.service.bundles.fixtures import word_only_bundle

API = "/api/v1"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def app(tmp_path):
    with job_app(tmp_path / "var") as app:
        yield app


def test_the_data_folder_database_and_uploads_are_private(app, tmp_path):
    old = os.umask(0o022)  # a permissive umask widens nothing: the modes are set at creation
    try:
        store = jobs.store_for(app.config["SETTINGS"])
        upload = store.get(store.create("bundle", "b.zip", word_only_bundle(), {})).input_path
        assert mode(upload) == 0o600
        response, _ = post_file(authorized(app), f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
        assert response.status_code == 202
        data = tmp_path / "var"
        with database.connect(data / "jobs.sqlite3") as db:  # the WAL files exist while a connection is open
            db.execute("SELECT count(*) FROM bundle_jobs").fetchone()
            files = [p for p in data.iterdir() if p.is_file()]
            assert {p.name for p in files} >= {"jobs.sqlite3", "jobs.sqlite3-wal", "jobs.sqlite3-shm"}
            assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    finally:
        os.umask(old)
    assert mode(data) == 0o700 and mode(data / "storage") == 0o700 and mode(Path(upload).parent) == 0o700


def test_an_older_world_readable_install_is_narrowed(tmp_path):
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    (data / "storage").mkdir(mode=0o755)
    (data / "jobs.sqlite3").touch(mode=0o644)
    os.chmod(data, 0o755)
    JobStore(f"sqlite:///{data / 'jobs.sqlite3'}", data / "storage")
    assert (mode(data), mode(data / "storage"), mode(data / "jobs.sqlite3")) == (0o700, 0o700, 0o600)


def test_the_session_key_is_made_once_and_private(tmp_path):
    settings = Settings(data_dir=str(tmp_path / "var"))
    key = auth.secret_key(settings)
    assert len(key) >= 64 and auth.secret_key(settings) == key  # every server process reads the same key
    assert mode(tmp_path / "var" / "secret_key") == 0o600
    assert auth.secret_key(Settings(data_dir=str(tmp_path / "var"), secret_key="from-env")) == "from-env"


def test_uploads_are_deleted_when_the_job_ends(app):
    client = authorized(app)
    response, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
    job = wait_done(client, response.headers["Location"])
    assert job["status"] == "done" and not (jobs.storage_dir(app.config["SETTINGS"]) / job["id"]).exists()


def test_the_pages_say_what_is_kept_for_how_long_and_who_sees_it(tmp_path):
    app = create_app({"TESTING": True, "data_dir": str(tmp_path), "job_retention_hours": 48})
    footer = lxml.html.fromstring(app.test_client().get("/").get_data(as_text=True)).xpath("//footer")[0]
    text = footer.text_content()
    assert "本服务不保存您填写或上传的内容" not in text
    assert "在线填写、上传解析不保存" in text and "任务结束时删除" in text
    assert "保存 48 小时" in text and "只有提交任务的账户能查看" in text
