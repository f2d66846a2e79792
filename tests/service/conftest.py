"""A Flask test client on a fresh app (embedded defaults, no external service)."""

from __future__ import annotations

import pytest

from service.app import create_app


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


@pytest.fixture
def client(app):
    return app.test_client()
