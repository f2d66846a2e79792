"""Fixtures of the hostile tests (the app and its client come from tests/conftest.py): a private temporary
directory for each test, so that what the project leaves behind is seen apart from the other tests running
at the same time."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tempfile.gettempdir()`` of this process for the test, and ``TMPDIR`` of the children it starts."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    monkeypatch.setenv("TMPDIR", str(directory))
    return directory
