"""Small text rules shared by the readers and the mapper (no engine imports here)."""

from __future__ import annotations

from collections.abc import Sequence

from forms.spacing import is_cjk

#: Characters that never take a space before them when wrapped text is joined.
_NO_SPACE_BEFORE = frozenset(".,;:!?)]}%、，。；：！？）】》”’")


def join_wrapped(pieces: Sequence[str]) -> str:
    """Join pieces of one text broken by wrapping: no space around CJK and digits, a space between words.

    A line broken inside a long token (an USCC, an e-mail address, a number) has no space in it, so its
    pieces join directly; a line broken at a space between words has spaces, so the pieces get one back.
    """
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and _wants_space(out, piece):
            out += " "
        out += piece
    return out


def _wants_space(before: str, after: str) -> bool:
    a, b = before[-1], after[0]
    if a.isspace() or b.isspace() or is_cjk(a) or is_cjk(b) or b in _NO_SPACE_BEFORE:
        return False
    last_line = before.rsplit("\n", 1)[-1]
    return " " in last_line.strip()
