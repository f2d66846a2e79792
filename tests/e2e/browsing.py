"""What the browser tests share: where Chromium is, how it is started, and the skip where it cannot be.

A test module imports ``require_browser()`` first: outside CI, a machine without Chromium or Playwright skips
the module; in CI both must be there (scripts/system-deps.sh, .[dev]).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

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
#: The recommending authority's account the bundle tests sign in with (made in the server's database).
AUTHORITY, PASSWORD = "江苏省工业和信息化厅", "e2e-测试密码-2026"


def require_browser() -> None:
    """Skip the calling test module (outside CI) when Chromium or Playwright is missing."""
    if os.environ.get("CI"):
        return
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")


def log_in(page: Page, server: str, path: str = "/bundles") -> None:
    """Open ``path``, which sends a visitor to the login page, sign in there and land on ``path``."""
    from playwright.sync_api import expect  # noqa: PLC0415  (only where a browser test runs)

    page.goto(server + path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("账户名").fill(AUTHORITY)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(server + path)


def visit(page: Page, server: str, path: str) -> None:
    """Open ``path`` as a visitor would, signing in first where the page needs an account (批量审核)."""
    if path.startswith("/bundles"):
        log_in(page, server, path)
    else:
        page.goto(server + path)
