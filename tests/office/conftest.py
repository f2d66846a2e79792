"""A pool of this test's own: the tests that count a pool's starts and conversions, or change its settings,
start from no pool and leave none behind (the next conversion of the session starts a default one)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from office.libreoffice import close_pool


@pytest.fixture
def fresh_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """No pool now; set ``ITBFORMS_OFFICE_*`` on the returned monkeypatch before the first conversion."""
    close_pool()
    yield monkeypatch
    close_pool()
