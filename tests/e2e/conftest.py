"""Fixtures of the browser tests: the app served on 127.0.0.1, one Chromium per module, a fresh page (a
browser context of its own: no cookies or localStorage from another test) that fails the test on any
script error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.ownership import accounts_for
from service.queue import EmbeddedConsumer
from tests.e2e.browsing import AUTHORITY, CHROMIUM, CHROMIUM_ARGS, CHROMIUM_ENV, PASSWORD, TIMEOUT_MS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on 127.0.0.1 (werkzeug, threaded): the browser talks HTTP to it as to ``make run``.

    A Huey consumer (one worker thread in this process) works on its bundle jobs, in a temporary
    directory; one worker is plenty for the test bundles. The database
    has one authority account with a password (``AUTHORITY``), as ``itbforms users add`` makes it."""
    app = create_app({"data_dir": str(tmp_path_factory.mktemp("e2e-data"))})
    consumer = EmbeddedConsumer(app.config["SETTINGS"]).start()
    accounts_for(app.config["SETTINGS"]).add(AUTHORITY, "authority", PASSWORD)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    consumer.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (only where a browser test runs)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=CHROMIUM_ENV
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the page reported script errors: {errors}"
