"""Untrusted text made safe to keep and to send back: names without control or direction characters, and
JSON bodies of bounded nesting."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

#: Characters that sit in a name without being seen, or reorder what follows it (U+202E turns
#: ``exe.docx`` around): Unicode categories Cc (controls, CR/LF/TAB), Cf (format: bidi embeddings and
#: isolates, zero-width joiners and spaces), Zl/Zp (line and paragraph separators).
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Characters a file name cannot hold on Windows or in a path.
PATH_CHARACTERS = frozenset('\\/:*?"<>|')
#: An absolute path of this server (``/tmp/itbforms-fill-x/0000-annex1.docx``): kept to its last part.
SERVER_PATH = re.compile(r"(?<![\w.~-])(?:/[^\s/：:，,；;（）()\"'<>]+)+/([^\s/：:，,；;（）()\"'<>]+)")
#: Nesting deeper than any record has (a record is 4 levels deep) is refused before it reaches the checks.
MAX_JSON_DEPTH = 32


def clean_name(text: str) -> str:
    """``text`` without control, format and separator characters (one function for every name the service
    stores or sends in a header: download names, job and file names, recommenders, account names)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in UNSEEN_CATEGORIES)


def file_name(text: str, limit: int = 80) -> str:
    """``clean_name`` and without path characters, at most ``limit`` characters: a download name."""
    return "".join(ch for ch in clean_name(text) if ch not in PATH_CHARACTERS)[:limit]


def strip_paths(text: str) -> str:
    """``text`` with every absolute server path cut to its file name: messages name the user's file, never
    where the server keeps it."""
    return SERVER_PATH.sub(r"\1", text)


def json_depth(value: Any) -> int:
    """How deeply ``value``'s lists and objects nest (counted without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest
