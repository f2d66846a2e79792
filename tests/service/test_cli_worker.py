"""``itbforms db upgrade`` (idempotent, the job tables made) and ``itbforms worker`` refusing a queue URL it
cannot use with exit 3 and the variable's name."""

from __future__ import annotations

import sqlite3

from service.cli import EXIT_FAULT, main


def test_db_upgrade_makes_the_job_tables_and_may_run_again(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ITBFORMS_DATA_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "upgrade"]) == 0
    assert "任务数据库已是最新结构" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    assert {"bundle_jobs", "bundle_files", "bundle_results"} <= tables


def test_a_worker_with_an_unusable_queue_url_names_the_variable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ITBFORMS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ITBFORMS_QUEUE_URL", "amqp://127.0.0.1")
    assert main(["worker", "--processes", "1"]) == EXIT_FAULT
    assert "ITBFORMS_QUEUE_URL 应为 redis://" in capsys.readouterr().err
