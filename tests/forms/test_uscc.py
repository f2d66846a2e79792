"""统一社会信用代码 (GB 32100-2015): the check character, folding and the reasons given to people."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.uscc import ALPHABET, WEIGHTS, check_character, fold_uscc, is_valid_uscc, uscc_error

#: The worked example of GB 32100-2015.
EXAMPLE = "91350100M000100Y43"

first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


def test_constants_are_those_of_the_standard() -> None:
    # Written out as in rules.md V-USCC, not computed, so that a wrong formula cannot agree with itself.
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


def test_worked_example_is_valid() -> None:
    assert check_character(EXAMPLE[:17]) == "3"
    assert uscc_error(EXAMPLE) is None
    assert is_valid_uscc(EXAMPLE)


@pytest.mark.parametrize("position", range(18))
def test_every_single_substitution_is_caught(position: int) -> None:
    original = EXAMPLE[position]
    for replacement in ALPHABET.replace(original, ""):
        changed = EXAMPLE[:position] + replacement + EXAMPLE[position + 1 :]
        assert not is_valid_uscc(changed), changed
        # The reason names the check character the first 17 characters call for.
        assert uscc_error(changed) == f"校验码应为“{check_character(changed[:17])}”"


@pytest.mark.parametrize(
    "typed",
    [
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "９１３５０１００ｍ０００１００ｙ４３",
        " 9135 0100 M000 100Y 43 ",
        "91350100M000100Y43\n",
        "9135\u30000100M000100Y43",
    ],
)
def test_lower_case_full_width_and_spaces_are_folded(typed: str) -> None:
    assert fold_uscc(typed) == EXAMPLE
    assert is_valid_uscc(typed)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "长度不是18位"),
        ("91350100M000100Y433", "长度不是18位"),
        ("", "长度不是18位"),
        ("91350100I000100Y43", "含非法字符“I”"),
        ("91350100O00S100Y43", "含非法字符“O”“S”"),
        ("9135010VM000100Z4", "长度不是18位；含非法字符“V”“Z”"),
        ("91350100M000100Y4-", "含非法字符“-”"),
        ("91350100M000100Y44", "校验码应为“3”"),
    ],
)
def test_reasons_for_people(code: str, reason: str) -> None:
    assert uscc_error(code) == reason
    assert not is_valid_uscc(code)


@pytest.mark.parametrize("bad", ["", "91350100M000100Y", "91350100M000100Y43", "91350100I000100Y4"])
def test_check_character_rejects_what_is_not_17_code_characters(bad: str) -> None:
    with pytest.raises(ValueError, match="17 characters"):
        check_character(bad)


@given(first17)
def test_any_code_completed_with_its_check_character_is_valid(head: str) -> None:
    code = head + check_character(head)
    assert is_valid_uscc(code)
    assert is_valid_uscc(code.lower())


@given(first17, st.integers(min_value=0, max_value=15))
def test_adjacent_transpositions_in_the_first_17_are_caught(head: str, i: int) -> None:
    code = head + check_character(head)
    swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    assert is_valid_uscc(swapped) == (code[i] == code[i + 1])
