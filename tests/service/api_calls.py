"""How tests call the HTTP API through Flask's test client: multipart uploads encoded here, RFC 9457
problem answers, jobs followed to their end. Shared by tests/service, tests/hostile and tests/fuzz."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.app import create_app
from service.ownership import accounts_for
from service.queue import EmbeddedConsumer

PROBLEM = "application/problem+json"


@contextmanager
def job_app(data_dir: Path, **settings: Any) -> Iterator[Flask]:
    """A test app on ``data_dir`` whose bundle jobs a real Huey consumer (one worker thread in this
    process) works on; stopped afterwards."""
    app = create_app({"TESTING": True, "data_dir": str(data_dir), **settings})
    consumer = EmbeddedConsumer(app.config["SETTINGS"]).start()
    try:
        yield app
    finally:
        consumer.stop()


def new_account(app: Flask, role: str = "authority", password: str | None = None) -> tuple[str, str]:
    """A new account of ``role`` in ``app``'s database (a unique name); its name and API token."""
    account, token = accounts_for(app.config["SETTINGS"]).add(
        f"测试{role}-{uuid.uuid4().hex[:8]}", role, password
    )
    return account.name, token


def bearer(app: Flask, token: str) -> FlaskClient:
    """A test client of ``app`` whose every request carries ``Authorization: Bearer token``."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def authorized(app: Flask, role: str = "authority") -> FlaskClient:
    """A test client of ``app`` signed in with a new account of ``role`` (its API token)."""
    return bearer(app, new_account(app, role)[1])


def multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    """A multipart/form-data body with ``file`` = ``data`` (encoded here: Werkzeug's test client spools a
    big body to a temporary file it leaves open, which ``filterwarnings=error`` turns into a failure)."""
    boundary = "itbforms-hostile-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post_file(client: FlaskClient, url: str, data: bytes, filename: str, **fields: str) -> tuple[Any, float]:
    """POST ``data`` as the ``file`` field; the response and the seconds it took (for a person reading a
    failure: no test asserts a duration, which depends on how busy the machine is)."""
    body, content_type = multipart(fields, data, filename)
    started = time.monotonic()
    response = client.post(url, data=body, content_type=content_type)
    return response, time.monotonic() - started


def assert_problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    """``response`` is an RFC 9457 problem of ``status`` and type ``urn:itbforms:problem:<slug>``."""
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.get_json(force=True)
    assert (body["status"], body["type"]) == (status, f"urn:itbforms:problem:{slug}")
    assert "Traceback" not in text
    return body


def wait_done(client: FlaskClient, location: str, timeout: float = 600.0) -> dict[str, Any]:
    """The job at ``location`` once it is done or failed. ``timeout`` only guards against a hang (far beyond
    any busy machine); no test asserts how long a job takes."""
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(location).get_json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"job at {location} did not finish: {body}")
