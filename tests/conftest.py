"""Shared fixtures: the example records (complete, valid, eligible) that most tests start from, a test
client of the service, and the readers' deadline clock stopped for every test."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import extractor.settings
from tests.clocks import ManualClock
from tests.servers import backend, postgres_url, redis_url  # noqa: F401  (fixtures of the job tests)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``soffice`` are skipped where LibreOffice is missing — never in CI, where it must be."""
    if shutil.which("soffice") or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) is not installed; `make test` as root installs it")
    for item in items:
        if "soffice" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def reader_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The clock the readers' deadlines read (``extractor.settings.clock``), stopped: a busy machine never
    cuts a test's reading short. Its reads count the deadline checks made (the work done); a test that wants
    the deadline to fire sets its ``step``."""
    clock = ManualClock()
    monkeypatch.setattr(extractor.settings, "clock", clock)
    return clock


def read_example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def annex1_json() -> dict[str, Any]:
    """A fresh copy of examples/annex1.json (tests may edit it)."""
    return copy.deepcopy(read_example("annex1.json"))


@pytest.fixture
def annex2_json() -> dict[str, Any]:
    return copy.deepcopy(read_example("annex2.json"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A fresh app with the embedded defaults (no external service) and its own data directory (accounts,
    session key); a module may override it."""
    from service.app import create_app  # noqa: PLC0415  (Flask only for the tests that use it)

    return create_app({"TESTING": True, "data_dir": str(tmp_path_factory.mktemp("data"))})


@pytest.fixture
def client(app: Any) -> Any:
    """A Flask test client of ``app``."""
    return app.test_client()
