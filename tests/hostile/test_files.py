"""Every hostile single file of the corpus, through the library, the CLI and the API: refused with its
reason (or read up to a limit, saying so), within a bounded amount of work, in a process that stays under
500 MB, leaving no temporary file and leaking nothing of the server's own files."""

from __future__ import annotations

import pytest

from service.app import create_app
from tests.hostile.checks import check_api, check_cli, check_library
from tests.hostile.corpus import Item, single_files
from tests.service.api_calls import assert_problem, post_file

ITEMS = single_files()


def by_name(item: Item) -> str:
    return item.name


@pytest.mark.parametrize("item", ITEMS, ids=by_name)
def test_library(item: Item) -> None:
    check_library(item)


@pytest.mark.parametrize("item", ITEMS, ids=by_name)
def test_cli(item: Item, tmp_path, private_tmp) -> None:
    check_cli(item, tmp_path, private_tmp)


@pytest.mark.parametrize("item", ITEMS, ids=by_name)
def test_api(item: Item, client, private_tmp) -> None:
    check_api(item, client, private_tmp)


def test_every_kind_of_hostile_file_is_in_the_corpus() -> None:
    """The issue's list, item by item (a guard against a corpus that quietly loses one)."""
    names = {item.name for item in ITEMS}
    assert {
        "flat-bomb.docx",
        "many-entries.docx",
        "xxe.docx",
        "laughs.xlsx",
        "million-rows.xlsx",
        "truncated.pdf",
        "form-loop.pdf",
        "pages-2000.pdf",
        "encrypted.docx",
        "encrypted-rc4.pdf",
        "macro.docm",
        "random.docx",
        "empty.docx",
    } <= names
    assert len(names) == len(ITEMS)


def test_an_upload_over_the_size_limit_is_413_before_it_is_read(private_tmp) -> None:
    client = create_app({"TESTING": True, "max_upload_mb": 1}).test_client()
    response, _ = post_file(client, "/api/v1/parse", b"PK\x03\x04" + b"\0" * (2 << 20), "big.docx")
    assert_problem(response, 413, "too-large")
