"""Where whitespace means something: beside CJK a gap to a Latin letter or digit does not; elsewhere a
space is part of the text (digits, dates, codes and words stay exact)."""

from __future__ import annotations

import pytest

from forms.spacing import comparable_text, fold_spacing, space_is_insignificant


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("6", "家"),
        ("家", "4"),
        ("O", "认"),
        ("证", "I"),
        ("内", "Ｘ"),
        ("。", "2"),
        ("期", "2"),
        ("家", "("),
        (")", "家"),
        ("%", "家"),
        ("包", '"'),
    ],
)
def test_a_space_between_cjk_and_a_letter_digit_or_mark_means_nothing(before, after):
    assert space_is_insignificant(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [("6", "4"), ("O", "9"), ("a", "b"), ("张", "三"), ("-", "2"), ("(", "2"), ("%", ")"), ("是", "☐")],
)
def test_a_space_between_two_of_a_kind_is_kept(before, after):
    assert not space_is_insignificant(before, after)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("江苏省内 46 家机床用户企业", "江苏省内46家机床用户企业"),
        ("江苏省内46家机床用户企业", "江苏省内46家机床用户企业"),
        ("通过 ISO 9001 认证", "通过ISO 9001认证"),
        ("编号 2024  0088", "编号2024 0088"),
        ("  联系人　张 三 ", "联系人 张 三"),  # U+3000 between CJK is a space, collapsed to one
        ("第一段：平台\n第二段", "第一段：平台第二段"),  # a line break between CJK characters is a wrap
        ("the aerospace\nindustry", "the aerospace industry"),
        ("2026-03-10", "2026-03-10"),
    ],
)
def test_fold_spacing(text, folded):
    assert fold_spacing(text) == folded


def test_comparable_text_folds_full_width_forms_after_spacing():
    assert comparable_text("江苏省内 ４６ 家") == comparable_text("江苏省内46家") == "江苏省内46家"
    assert comparable_text("１２ 3") != comparable_text("123")
