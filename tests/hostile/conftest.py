"""Fixtures of the hostile tests (the app and its client come from tests/conftest.py): a private temporary
directory for each test, so that what the project leaves behind is seen apart from the other tests running
at the same time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import extractor.settings
from tests.clocks import ManualClock


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tempfile.gettempdir()`` of this process for the test, and ``TMPDIR`` of the children it starts."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setenv("TMPDIR", str(directory))
    return directory


@pytest.fixture
def reader_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The readers' clock, stopped (no deadline fires) unless the test sets its ``step``; its reads count the
    deadline checks made."""
    clock = ManualClock()
    monkeypatch.setattr(extractor.settings, "clock", clock)
    return clock
