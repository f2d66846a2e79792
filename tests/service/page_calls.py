"""How tests use the web pages as a browser does: the CSRF token a page carries, signing in on /login,
parsing a file in the background as the parse page's script does."""

from __future__ import annotations

import io
import threading
from typing import Any

import lxml.html
from flask import Flask
from flask.testing import FlaskClient

from tests.service.api_calls import new_account

PASSWORD = "测试密码-correct-horse"


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token of ``client``'s session, as the page at ``path`` carries it (``<meta>``)."""
    doc = lxml.html.fromstring(client.get(path).get_data(as_text=True))
    return doc.xpath("//meta[@name='csrf-token']")[0].get("content")


def sign_in(client: FlaskClient, name: str, password: str = PASSWORD):
    """Post the login form (with the login page's CSRF token); the response."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def signed_in(app: Flask, role: str = "authority") -> FlaskClient:
    """A test client of ``app`` signed in on the login page as a new account of ``role``."""
    name, _ = new_account(app, role, password=PASSWORD)
    client = app.test_client()
    response = sign_in(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def start(client: FlaskClient, data: bytes, name: str, **fields: str) -> Any:
    """Post a file to the parse page's background runs, with the CSRF token its form carries."""
    fields = {"csrf_token": csrf_token(client, "/parse"), "file": (io.BytesIO(data), name), **fields}
    return client.post("/parse/runs", data=fields, content_type="multipart/form-data")


def follow(client: FlaskClient, answer: Any) -> list[dict[str, Any]]:
    """The run's states, polled until done (each state once)."""
    assert answer.status_code == 202, answer.get_data(as_text=True)
    seen: list[dict[str, Any]] = []
    for _ in range(3000):  # a bound on the polls, 0.1 s apart
        state = client.get(answer.json["status"]).json
        if not seen or seen[-1] != state:
            seen.append(state)
        if state["done"]:
            return seen
        threading.Event().wait(0.1)
    raise AssertionError(f"the run did not finish: {seen}")
