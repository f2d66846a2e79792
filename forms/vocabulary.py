"""The words and marks both forms are written in, defined once: none-words, checkbox marks, verdict
labels, the years a form may name, and what "empty" means.

Every layer reads them from here — the normalisers and the checks (``forms``), the readers (``extractor``),
the renderers and workbooks (``templates``) and the faces (``service``) — so that ``无。`` is "nothing" to
the parser and to E-MECH alike, and a verdict is worded the same in the CLI, the pages and the workbooks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

# --- "nothing here" ----------------------------------------------------------------------------------------

#: Whole-cell words that mean "nothing here" (compared after ``none_key``: NFKC, case folded, trailing
#: punctuation and spaces dropped). The instructions of both forms ask for 无 where nothing applies.
NONE_WORDS = frozenset(
    {"无", "暂无", "没有", "空", "空白", "不适用", "无此项", "/", "\\", "—", "–", "-", "——", "--"}
    | {"n/a", "na", "nil", "none", "null"}
)
#: A cell made only of these (and spaces) is a placeholder: ``____``, ``———``, ``//``.
PLACEHOLDER_CHARS = frozenset("_-‐‑‒–—―−─━/\\")
#: Punctuation a writer may end a none-word with (after NFKC: ``。`` stays, ``．，；！`` become ASCII).
TRAILING_PUNCTUATION = "。.,;!、"
#: Characters that print as nothing (zero-width spaces, BOM, soft hyphen).
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def none_key(text: str) -> str:
    """``text`` as it is compared with the none-words: NFKC, invisible characters dropped, case folded,
    spaces and trailing punctuation stripped (``" 暂无。 "`` → ``暂无``)."""
    folded = unicodedata.normalize("NFKC", text.translate(INVISIBLE)).strip()
    return folded.rstrip(TRAILING_PUNCTUATION + " \t\r\n").strip().casefold()


def says_none(text: str | None) -> bool:
    """Text that is written but only says "nothing": a none-word (``无。``, ``暂无``, ``N/A``) or a
    placeholder (``——``, ``____``). Blank text says nothing at all and is not a none-word."""
    if text is None:
        return False
    key = none_key(text)
    if not key:
        return bool(text.strip())  # only punctuation: ``。``
    return key in NONE_WORDS or all(ch in PLACEHOLDER_CHARS or ch.isspace() for ch in key)


def is_blank(value: Any) -> bool:
    """Nothing written: ``None``, whitespace-only text, an empty list. (A none-word is written: see
    ``is_empty``.)"""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return False


def is_empty(value: Any) -> bool:
    """Nothing given: ``None``, blank or none-word text, or a list (a table row's cells, a multi-choice)
    whose every item is empty. Numbers, booleans and dates are never empty."""
    if isinstance(value, str):
        return not value.strip() or says_none(value)
    if value is None:
        return True
    if isinstance(value, list | tuple):
        return all(is_empty(v) for v in value)
    if isinstance(value, dict):  # a table row (a plain dict: an ABC check would slow every number cell)
        return all(is_empty(v) for v in value.values())
    return False


# --- checkbox marks ----------------------------------------------------------------------------------------

#: The marks the renderers print and the readers write for a chosen / an empty box.
CHECKED, UNCHECKED = "☑", "☐"
#: Every glyph people type for a chosen / an empty box (the spec: ``■ √ ✓ ✔ ☒ ⊠`` also mean chosen).
CHECKED_MARKS = frozenset("☑■√✓✔☒⊠▣◉")
UNCHECKED_MARKS = frozenset("☐□")

# --- years -------------------------------------------------------------------------------------------------

#: The years a form may name (a founding date, a report year, a leader's birth year), inclusive.
YEAR_MIN, YEAR_MAX = 1900, 2100

# --- verdicts ----------------------------------------------------------------------------------------------

#: A report's verdict in full, as the CLI text, the parse page and the JSON report word it.
VERDICT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "eligible": "符合申报条件",
        "ineligible": "不符合申报条件",
        "incomplete": "待补充：信息不完整或有误，暂无法判断",
        "ok": "符合要求",
        "fail": "不符合要求",
    }
)
#: The same verdict in one word, for table cells (推荐汇总表, the bundle page).
VERDICT_SHORT: Mapping[str, str] = MappingProxyType(
    {"eligible": "符合", "ineligible": "不符合", "incomplete": "待补充", "ok": "符合", "fail": "不符合"}
)
#: One check result's state (``forms.checks.report.result_state``), as every face shows it.
RESULT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "pass": "✓ 通过",
        "fail": "✗ 不符合",
        "warn": "! 请核实",
        "error": "✗ 有误，待补充",
        "unknown": "？ 待补充",
    }
)
