"""Where whitespace in a text carries meaning, decided once for the PDF reader and every comparison.

Chinese typesetting treats ``46 家`` and ``46家`` alike: the gap between a CJK character and a Latin
letter or digit is the typesetter's (in a PDF it is a font metric, and two machines print it differently).
Everywhere else a space is part of the text: ``46 47`` is not ``4647``, ``ISO 9001`` is not ``ISO9001``,
and ``张 三`` keeps its space. A line break between two CJK characters is where a line wrapped (CJK text
wraps without a space), so text laid out again compares equal.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")


def is_cjk(ch: str) -> bool:
    """A CJK ideograph, CJK punctuation or a full-width form (text that wraps without spaces)."""
    code = ord(ch)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
        or 0x3000 <= code <= 0x303F
    )


def space_is_insignificant(before: str, after: str) -> bool:
    """Whether whitespace between the end of ``before`` and the start of ``after`` means nothing: one side is
    CJK and the other a letter, digit or mark of another script (``46 家``, ``家 46``, ``ISO 认证``,
    ``包 "R&D"``, ``平台 (2025)``): Chinese typesetting sets that gap itself, and a line that wraps there
    loses it."""
    if not before or not after:
        return True
    a, b = before[-1], after[0]
    if _wide(a) == _wide(b):
        return False
    other = b if _wide(a) else a
    return unicodedata.category(other)[0] in "LNP"  # not a symbol: ``☑是 ☐否`` keeps its boxes apart


def _wide(ch: str) -> bool:
    """CJK that stays CJK under NFKC (a full-width ``４`` or ``（`` is a digit or a bracket here), so the
    spacing rule gives one answer before and after full-width forms are folded."""
    return is_cjk(ch) and not unicodedata.normalize("NFKC", ch).isascii()


def fold_spacing(text: str) -> str:
    """``text`` with the spacing that carries no meaning taken out, as two renderings of it agree on.

    Each run of whitespace becomes one space, or nothing where ``space_is_insignificant`` says so, or where
    it holds a line break between two CJK characters; whitespace at either end is dropped.
    """
    text = text.strip()

    def gap(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1], text[m.end()]
        if space_is_insignificant(before, after):
            return ""
        if "\n" in m.group() and is_cjk(before) and is_cjk(after):
            return ""
        return " "

    return _WHITESPACE.sub(gap, text)


def comparable_text(text: str) -> str:
    """The key two extractions of one text are compared by: ``fold_spacing``, then full-width forms folded
    (NFKC)."""
    return unicodedata.normalize("NFKC", fold_spacing(text))
