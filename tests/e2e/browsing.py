"""What the browser tests share: where Chromium is, how it is started, and the skip where it cannot be.

A test module imports ``require_browser()`` first: outside CI, a machine without Chromium or Playwright skips
the module; in CI both must be there (scripts/system-deps.sh, .[dev]).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Chromium on Linux takes its UI language (file pickers, date inputs) from LANGUAGE; zh-CN comes from the
#: chromium-l10n package, so the screenshots show the pages as a Chinese user sees them.
CHROMIUM_ENV = {**os.environ, "LANGUAGE": "zh_CN", "LC_ALL": "C.UTF-8"}
SCREENSHOTS = ROOT / "docs" / "screenshots"
SCRATCH = Path(tempfile.gettempdir()) / "itbforms-screenshots"
TIMEOUT_MS = 15_000


def require_browser() -> None:
    """Skip the calling test module (outside CI) when Chromium or Playwright is missing."""
    if os.environ.get("CI"):
        return
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")
