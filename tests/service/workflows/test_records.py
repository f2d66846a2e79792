"""The one decoding of JSON records: one size cap, and messages that name the source and the place."""

from __future__ import annotations

import json

import pytest

from forms.errors import RecordError
from service.workflows import RecordTooLarge, decode_record
from tests.conftest import read_example

EXAMPLE = json.dumps(read_example("annex1.json"), ensure_ascii=False).encode("utf-8")


def test_a_record_with_a_byte_order_mark_loads() -> None:
    loaded = decode_record(b"\xef\xbb\xbf" + EXAMPLE, max_bytes=len(EXAMPLE) + 3, source="申报书.json")
    assert loaded.form.id == "annex1" and loaded.problems == []


def test_one_byte_over_the_cap_is_refused_naming_the_source_and_the_cap() -> None:
    with pytest.raises(RecordTooLarge, match=r"申报书\.json.*不应超过 1 KB"):
        decode_record(b" " * 1025, max_bytes=1024, source="申报书.json")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "内容为空"),
        (b'{"form": "annex1",\n  "applicant": }', "第 2 行第 16 列"),
        ("{}".encode("utf-16"), "UTF-8"),
        (b"[1, 2]", "JSON 对象"),
    ],
)
def test_what_is_not_a_record_says_where(data: bytes, expected: str) -> None:
    with pytest.raises(RecordError, match=expected) as caught:
        decode_record(data, max_bytes=1024, source="r.json")
    assert str(caught.value).startswith("r.json")
