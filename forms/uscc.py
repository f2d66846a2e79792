"""统一社会信用代码 (unified social credit code, GB 32100-2015): folding and the check character.

A code is 18 characters from ``ALPHABET`` (digits and upper-case letters without I, O, S, V, Z). The last
one is a check character over the first 17 (rules.md V-USCC): with ``v(c)`` the index of ``c`` in
``ALPHABET`` and weights ``wi = 3^(i-1) mod 31``, ``c18 = ALPHABET[(31 - Σ v(ci)·wi mod 31) mod 31]``.
Because 31 is prime and every weight is non-zero mod 31, any single wrong character is caught.
"""

from __future__ import annotations

import re
import unicodedata

#: The 31 characters a code may contain, in the order that gives each its value.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: The weights of positions 1–17 (3^(i-1) mod 31).
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

LENGTH = 18

_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_SPACES = re.compile(r"\s+")


def fold_uscc(raw: str) -> str:
    """The code as it should be compared: full-width folded (NFKC), spaces dropped, upper-cased.

    People type codes with full-width digits, in lower case or with spaces in groups; none of that is an
    error in the code itself.
    """
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper()


def check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code (already folded).

    Raises ``ValueError`` when ``first17`` is not 17 characters of ``ALPHABET``.
    """
    if len(first17) != LENGTH - 1 or any(ch not in _VALUES for ch in first17):
        raise ValueError(f"expected 17 characters of {ALPHABET}, got {first17!r}")
    total = sum(_VALUES[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """``None`` when ``code`` (folded first) is a valid code, else a short Chinese reason for a person.

    Reasons: ``长度不是18位``, ``含非法字符“I”`` (every illegal character listed once), ``校验码应为“X”``;
    a wrong length and illegal characters are both said, joined by ``；``.
    """
    folded = fold_uscc(code)
    reasons: list[str] = []
    if len(folded) != LENGTH:
        reasons.append(f"长度不是{LENGTH}位")
    illegal = list(dict.fromkeys(ch for ch in folded if ch not in _VALUES))
    if illegal:
        reasons.append("含非法字符" + "".join(f"“{ch}”" for ch in illegal))
    if reasons:
        return "；".join(reasons)
    expected = check_character(folded[:-1])
    if folded[-1] != expected:
        return f"校验码应为“{expected}”"
    return None


def is_valid_uscc(code: str) -> bool:
    """Whether ``code`` (folded first: lower case and full-width are accepted) is a valid code."""
    return uscc_error(code) is None
