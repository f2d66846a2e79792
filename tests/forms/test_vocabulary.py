"""forms/vocabulary.py: the one definition of none-words, empty values, checkbox marks, verdicts, years."""

from __future__ import annotations

from typing import Any

import pytest

from forms import vocabulary as vocab
from forms.normalize import boolean, integer, prose, year
from forms.vocabulary import is_blank, is_empty, none_key, says_none

# 填写说明: "没有的内容请填写“无”" — with whatever a writer ends it with.
NONE_ANSWERS = [
    "无",
    "无。",
    "暂无。",
    "暂无 ",
    "　无．",
    "没有。",
    "N/A",
    "n/a.",
    "——",
    "/",
    "／",
    "空白",
    "无；",
]
REAL_ANSWERS = ["无锡", "无损检测", "暂无法提供", "没有问题", "0", "1.", "实行理事会领导下的主任负责制。"]


@pytest.mark.parametrize("text", NONE_ANSWERS)
def test_none_words_with_trailing_punctuation_and_spaces_say_none(text: str) -> None:
    assert says_none(text)
    assert is_empty(text)
    assert not is_blank(text)  # it is written: a none-word, not a blank


@pytest.mark.parametrize("text", REAL_ANSWERS)
def test_words_that_begin_like_a_none_word_are_content(text: str) -> None:
    assert not says_none(text)
    assert not is_empty(text)


def test_none_key_folds_width_case_and_trailing_punctuation() -> None:
    assert none_key(" 暂无。 ") == "暂无"
    assert none_key("Ｎ／Ａ．") == "n/a"
    assert none_key("无，") == "无"


@pytest.mark.parametrize(
    ("value", "empty"),
    [
        (None, True),
        ("", True),
        ("   ", True),
        ([], True),
        ({"partner": "无", "form": "—", "content": None}, True),  # a table row that only says none
        ({"partner": "中国计量科学研究院", "form": "无"}, False),
        ([{"title": "暂无"}, {"title": "/"}], True),
        (0, False),
        (False, False),
    ],
)
def test_is_empty_of_rows_and_values(value: Any, empty: bool) -> None:
    assert is_empty(value) is empty


def test_every_normaliser_reads_a_none_word_as_empty() -> None:
    assert prose("无。").value is None
    assert integer("暂无。").value is None
    assert year("—").value is None


def test_year_bounds_are_the_normalisers_bounds() -> None:
    assert year(str(vocab.YEAR_MIN)).value == vocab.YEAR_MIN
    assert year(str(vocab.YEAR_MAX)).value == vocab.YEAR_MAX
    assert year(str(vocab.YEAR_MIN - 1)).problem is not None
    assert year(str(vocab.YEAR_MAX + 1)).problem is not None


def test_every_checked_mark_reads_as_yes() -> None:
    for mark in vocab.CHECKED_MARKS:
        assert boolean(f"{mark}是 {vocab.UNCHECKED}否").value is True, mark
    for mark in vocab.UNCHECKED_MARKS:
        assert boolean(f"{vocab.CHECKED}是 {mark}否").value is True, mark


def test_verdict_labels_cover_both_forms() -> None:
    verdicts = {"eligible", "ineligible", "incomplete", "ok", "fail"}
    assert set(vocab.VERDICT_LABELS) == verdicts == set(vocab.VERDICT_SHORT)
    for key, short in vocab.VERDICT_SHORT.items():
        assert vocab.VERDICT_LABELS[key].startswith(short)
