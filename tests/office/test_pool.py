"""The warm LibreOffice pool: reused, restarted after K conversions, after a crash and after a timeout,
gone with its parent (even after ``kill -9``), and replaced by a cold soffice when it cannot start.

Counters (starts, conversions per process, pids) show what happened, never durations."""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from office import convert
from office.libreoffice import OfficeSettingsError, current_pool
from office.pool import Pool, Slot
from office.processes import alive, live_members, pipe_paths
from tests.office.test_libreoffice import make_docx, make_long_docx, pdf_text

pytestmark = [pytest.mark.soffice, pytest.mark.xdist_group("templates-pdf")]

ROOT = Path(__file__).resolve().parents[2]


def the_pool() -> Pool:
    pool = current_pool()
    assert pool is not None
    return pool


def the_slot() -> Slot:
    (slot,) = the_pool().live
    return slot


def wait_until(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it holds or ``seconds`` pass (a bound, not a measurement)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_one_process_does_every_conversion(fresh_pool, tmp_path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    src = make_docx(tmp_path / "a.docx", "复用 REUSE")
    for n in range(3):
        pdf = convert(src, "pdf", tmp_path / f"out{n}")
        assert "REUSE" in pdf_text(pdf)
        if n == 0:
            soffice = the_slot().soffice_pid
    assert the_pool().starts == 1
    assert (the_slot().conversions, the_slot().soffice_pid) == (3, soffice)


def test_a_process_is_replaced_after_k_conversions(fresh_pool, tmp_path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    fresh_pool.setenv("ITBFORMS_OFFICE_MAX_CONVERSIONS", "2")
    src = make_docx(tmp_path / "a.docx", "轮换")
    convert(src, "pdf", tmp_path / "out0")
    first = the_slot()
    convert(src, "pdf", tmp_path / "out1")
    assert (the_pool().starts, first.conversions) == (1, 2)
    convert(src, "pdf", tmp_path / "out2")
    assert the_pool().starts == 2 and the_slot() is not first and the_slot().conversions == 1
    assert not alive(first.soffice_pid) and live_members(first.pgid) == [] and not first.tmp.exists()


@pytest.mark.parametrize("victim", ["soffice", "bridge"])
def test_a_killed_slot_is_replaced_before_the_next_conversion(victim, fresh_pool, tmp_path) -> None:
    """soffice killed, or the bridge (soffice left alone in the slot's group): the next conversion kills
    what is left of the slot and starts a new one."""
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    src = make_docx(tmp_path / "a.docx", "崩溃之后 AFTER")
    convert(src, "pdf", tmp_path / "out0")
    crashed = the_slot()
    os.kill(crashed.soffice_pid if victim == "soffice" else crashed.pgid, signal.SIGKILL)
    assert wait_until(lambda: not crashed.healthy())
    assert "AFTER" in pdf_text(convert(src, "pdf", tmp_path / "out1"))
    assert the_pool().starts == 2 and the_slot() is not crashed
    assert live_members(crashed.pgid) == [] and not crashed.tmp.exists()


def test_a_crash_during_a_conversion_is_retried_cold(fresh_pool, tmp_path) -> None:
    """soffice killed while it converts: the file is converted by a cold soffice instead (the caller gets
    its PDF), and the next conversion starts a new pool process."""
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    small = make_docx(tmp_path / "small.docx", "预热")
    convert(small, "pdf", tmp_path / "warm")
    slot = the_slot()
    long_doc = make_long_docx(tmp_path / "long.docx")
    result: list[Path | BaseException] = []

    def run() -> None:
        try:
            result.append(convert(long_doc, "pdf", tmp_path / "out"))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            result.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    assert wait_until(lambda: slot.conversions == 2)  # the request is sent
    os.kill(slot.soffice_pid, signal.SIGKILL)
    worker.join(timeout=300)
    assert result and isinstance(result[0], Path), result
    assert "第 0 段" in pdf_text(result[0])
    assert the_pool().live == set()
    convert(small, "pdf", tmp_path / "next")
    assert the_pool().starts == 2


def test_a_timeout_kills_the_process_and_the_next_conversion_works(fresh_pool, tmp_path) -> None:
    from office import ConversionTimeout

    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    small = make_docx(tmp_path / "small.docx", "超时之后 NEXT")
    convert(small, "pdf", tmp_path / "warm")
    slot = the_slot()
    with pytest.raises(ConversionTimeout, match="超时") as caught:
        convert(make_long_docx(tmp_path / "long.docx"), "pdf", tmp_path / "out", timeout=0.3)
    assert caught.value.pgid == slot.pgid
    assert live_members(slot.pgid) == [] and not alive(slot.soffice_pid)
    assert not Path(caught.value.profile).exists()
    assert not any(p.exists() for p in pipe_paths(slot.pipe_name))
    assert "NEXT" in pdf_text(convert(small, "pdf", tmp_path / "next"))
    assert the_pool().starts == 2


def test_a_forked_child_starts_its_own_pool_and_leaves_the_parents(fresh_pool, tmp_path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "1")
    src = make_docx(tmp_path / "a.docx", "父子 FORK")
    convert(src, "pdf", tmp_path / "parent")
    mine = the_slot()
    pid = os.fork()
    if pid == 0:  # the child: its own slot, then gone without cleanup of its own (its bridge sees EOF)
        code = 1
        try:
            convert(src, "pdf", tmp_path / "child")
            child_slot = the_slot()
            code = 0 if child_slot is not mine and the_pool().starts == 1 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert (tmp_path / "child" / "a.pdf").is_file()
    assert mine.healthy()  # the child closed its copy of our pipes, not our slot
    assert "FORK" in pdf_text(convert(src, "pdf", tmp_path / "again"))
    assert the_pool().starts == 1 and mine.conversions == 2


CHILD = """
import json, sys, time
from pathlib import Path
from office import convert
from office.libreoffice import current_pool
convert(Path(sys.argv[1]), "pdf", Path(sys.argv[2]))
(slot,) = current_pool().live
print(json.dumps({"pgid": slot.pgid, "soffice": slot.soffice_pid, "home": str(slot.tmp),
                  "pipe": slot.pipe_name}), flush=True)
time.sleep(600)
"""


def test_no_orphan_after_kill_9_of_the_parent(tmp_path) -> None:
    """A process that started a pool is killed with SIGKILL (no atexit, no cleanup of its own): its bridge
    sees its stdin close, has soffice quit, removes its files and ends its process group."""
    src = make_docx(tmp_path / "a.docx", "孤儿")
    env = {**os.environ, "ITBFORMS_OFFICE_PROCESSES": "1", "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(src), str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        assert parent.stdout is not None
        ready, _, _ = select.select([parent.stdout], [], [], 180)
        assert ready, "the child did not convert in time"
        info = json.loads(parent.stdout.readline())
        assert alive(info["soffice"]) and live_members(info["pgid"])
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        parent.stdout.close()  # type: ignore[union-attr]
    assert wait_until(lambda: live_members(info["pgid"]) == [] and not alive(info["soffice"]))
    assert wait_until(lambda: not Path(info["home"]).exists())
    assert not any(p.exists() for p in pipe_paths(info["pipe"]))


@pytest.mark.parametrize(
    ("python", "reason"),
    [(sys.executable, "uno"), ("/nonexistent/python3", "/nonexistent/python3")],
    ids=["virtualenv-python-without-uno", "no-such-python"],
)
def test_without_uno_conversions_run_cold_and_say_so_once(python, reason, fresh_pool, tmp_path, caplog):
    fresh_pool.setenv("ITBFORMS_OFFICE_PYTHON", python)
    src = make_docx(tmp_path / "a.docx", "冷启动 COLD")
    with caplog.at_level(logging.WARNING, logger="office.libreoffice"):
        for n in range(2):
            assert "COLD" in pdf_text(convert(src, "pdf", tmp_path / f"out{n}"))
    warnings = [r for r in caplog.records if "pool unavailable" in r.getMessage()]
    assert len(warnings) == 1 and reason in warnings[0].getMessage()
    assert the_pool().starts == 0 and the_pool().live == set()


def test_the_pool_can_be_turned_off(fresh_pool, tmp_path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", "0")
    assert "OFF" in pdf_text(convert(make_docx(tmp_path / "a.docx", "OFF"), "pdf", tmp_path / "out"))
    assert current_pool() is None


def test_a_malformed_setting_names_the_variable(fresh_pool, tmp_path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_MAX_CONVERSIONS", "many")
    with pytest.raises(OfficeSettingsError, match="ITBFORMS_OFFICE_MAX_CONVERSIONS.*'many'"):
        convert(make_docx(tmp_path / "a.docx", "x"), "pdf", tmp_path / "out")
