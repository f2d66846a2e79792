"""The three checks every hostile file goes through: the library, the CLI (a measured child process) and
the API (the Flask test client), each asserting what the item expects."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from extractor import parse_bytes
from extractor.errors import UnreadableFile, UnsupportedFile
from tests.hostile.corpus import Item, Refused
from tests.hostile.harness import MAX_RSS_MB, MAX_SECONDS, leftovers, run_measured
from tests.service.api_calls import assert_problem, post_file

ERRORS = {415: UnsupportedFile, 422: UnreadableFile}
#: What /etc/passwd starts with: it must never reach a record, a message or an answer.
PASSWD = "root:"


def check_library(item: Item) -> None:
    """``parse_bytes`` raises the expected error naming the file and the reason, or reads with the problem."""
    started = time.monotonic()
    if isinstance(item.expect, Refused):
        with pytest.raises(ERRORS[item.expect.status]) as caught:
            parse_bytes(item.data, item.name, form=item.form)
        message = str(caught.value)
        assert message.startswith(item.name) and item.expect.reason in message, message
        assert PASSWD not in message
    else:
        result = parse_bytes(item.data, item.name, form=item.form)
        assert item.expect.problem in {p.code for p in result.problems}
        assert PASSWD not in str(result.to_dict())
    assert time.monotonic() - started < MAX_SECONDS


def check_cli(item: Item, workdir: Path, private_tmp: Path) -> None:
    """``itbforms parse`` exits 2 with one clear line (or 0 with the problem in its JSON), its process under
    500 MB, no temporary file left."""
    path = workdir / item.name
    path.write_bytes(item.data)
    args = ["service.cli", "parse", str(path), *(["--form", item.form] if item.form else [])]
    run = run_measured(args, workdir)
    assert run.peak_mb < MAX_RSS_MB, f"{item.name}: peak RSS {run.peak_mb:.0f} MB"
    assert "Traceback" not in run.stderr and PASSWD not in run.stderr + run.stdout
    if isinstance(item.expect, Refused):
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and item.name in lines[0] and item.expect.reason in lines[0], run.stderr
    else:
        assert run.returncode == 0, run.stderr
        assert f'"code": "{item.expect.problem}"' in run.stdout
    assert leftovers(private_tmp) == []


def check_api(item: Item, client: FlaskClient, private_tmp: Path) -> None:
    """``POST /api/v1/parse`` answers the expected problem (or 200 with the problem) within 10 s, leaving
    no temporary file."""
    fields = {"form": item.form} if item.form else {}
    response, seconds = post_file(client, "/api/v1/parse", item.data, item.name, **fields)
    assert seconds < MAX_SECONDS, f"{item.name} took {seconds:.1f} s"
    if isinstance(item.expect, Refused):
        body = assert_problem(response, item.expect.status, item.expect.slug)
        assert item.name in body["detail"] and item.expect.reason in body["detail"]
    else:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert item.expect.problem in {p["code"] for p in response.get_json()["problems"]}
    assert PASSWD not in response.get_data(as_text=True)
    assert leftovers(private_tmp) == []
