"""The three checks every hostile file goes through: the library, the CLI (a measured child process) and
the API (the Flask test client), each asserting what the item expects. Bounded work is shown by counting
the readers' deadline checks on a stopped clock, not by timing: a busy machine must not fail a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient

import extractor.settings
from extractor import parse_bytes
from extractor.errors import UnreadableFile, UnsupportedFile
from tests.clocks import ManualClock
from tests.hostile.corpus import Item, Refused
from tests.hostile.harness import MAX_DEADLINE_CHECKS, MAX_RSS_MB, leftovers, run_measured
from tests.service.api_calls import assert_problem, post_file

ERRORS = {415: UnsupportedFile, 422: UnreadableFile}
#: What /etc/passwd starts with: it must never reach a record, a message or an answer.
PASSWD = "root:"


@contextmanager
def counted_work() -> Iterator[ManualClock]:
    """The readers' clock, stopped, for the block: its ``reads`` are the deadline checks made in it."""
    with pytest.MonkeyPatch.context() as patch:
        clock = ManualClock()
        patch.setattr(extractor.settings, "clock", clock)
        yield clock


def check_library(item: Item) -> None:
    """``parse_bytes`` raises the expected error naming the file and the reason, or reads with the problem,
    within the work bound."""
    with counted_work() as work:
        _parse_as_expected(item)
    assert work.reads <= MAX_DEADLINE_CHECKS, f"{item.name}: {work.reads} deadline checks"


def _parse_as_expected(item: Item) -> None:
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


#: The CLI child's reading deadline, out of reach: the limit an item names must be what stops it, however
#: busy the machine (the work bound itself is shown by ``check_library`` and ``check_api``).
UNREACHABLE_DEADLINE = {"ITBFORMS_PARSE_TIMEOUT": "3600"}


def check_cli(item: Item, workdir: Path, private_tmp: Path) -> None:
    """``itbforms parse`` exits 2 with one clear line (or 0 with the problem in its JSON), its process under
    500 MB, no temporary file left."""
    path = workdir / item.name
    path.write_bytes(item.data)
    args = ["service.cli", "parse", str(path), *(["--form", item.form] if item.form else [])]
    run = run_measured(args, workdir, env=UNREACHABLE_DEADLINE)
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
    """``POST /api/v1/parse`` answers the expected problem (or 200 with the problem) within the work bound,
    leaving no temporary file."""
    fields = {"form": item.form} if item.form else {}
    with counted_work() as work:
        response, _ = post_file(client, "/api/v1/parse", item.data, item.name, **fields)
    assert work.reads <= MAX_DEADLINE_CHECKS, f"{item.name}: {work.reads} deadline checks"
    if isinstance(item.expect, Refused):
        body = assert_problem(response, item.expect.status, item.expect.slug)
        assert item.name in body["detail"] and item.expect.reason in body["detail"]
    else:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert item.expect.problem in {p["code"] for p in response.get_json()["problems"]}
    assert PASSWD not in response.get_data(as_text=True)
    assert leftovers(private_tmp) == []
