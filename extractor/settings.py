"""Limits that bound the work done on one uploaded file (a hostile file must not take the service down).

A validated frozen dataclass with named defaults, as pdfplumber keeps ``TableSettings``; the service may
override any limit from the environment (``Limits.from_env``: ``ITBFORMS_MAX_PAGES=50`` …).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from forms.errors import OwnFault

#: A realistic application is well under 20 MB with scans of certificates embedded.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Sum of the uncompressed sizes of the zip members we read (a zip bomb expands far beyond this).
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
#: One XML part we parse into a tree (a whole 80-page application's document.xml is 1–3 MB; a tree costs
#: ~20× its text in memory, so this bounds one document's memory to a few hundred MB).
MAX_XML_PART_BYTES = 16 * 1024 * 1024
#: PDF pages read (an application is 30–80 pages; the rest of a longer file is reported, not read).
MAX_PAGES = 300
#: Table cells read in the whole document.
MAX_CELLS = 200_000
#: Rows read in one table or worksheet.
MAX_ROWS = 20_000
#: Columns read in one table or worksheet.
MAX_COLS = 200
#: Characters of text kept in the whole document.
MAX_CHARS = 5_000_000
#: Depth of tables inside tables.
MAX_NESTING = 8
#: Seconds LibreOffice may take to convert one legacy file.
CONVERT_TIMEOUT = 120.0
#: Members of one Office package (a real .docx/.xlsx has 10–300; the zip directory is refused above this
#: before it is read, as listing 500,000 members costs seconds and hundreds of MB).
MAX_ZIP_ENTRIES = 10_000
#: Objects (characters, paths, images, form XObjects) drawn on one PDF page. A dense form page draws ~1,000;
#: form XObjects each drawing the next one twice, n levels deep, draw 2^n from a few hundred bytes.
MAX_PAGE_OBJECTS = 50_000
#: Seconds the reading of one document may take (an 80-page application takes ~3 s); past it the file is
#: refused as 处理超时, so one crafted file cannot hold a server worker for minutes.
PARSE_TIMEOUT = 30.0
#: Seconds the recognition of one scanned PDF may take (text recognition costs ~4 s a page on two cores).
OCR_TIMEOUT = 300.0
#: Scanned pages recognised in one document (a form is ≤ 10 pages; later pages are attachments, listed only).
MAX_OCR_PAGES = 20
#: Pixels of one page rendered for recognition (A4 at 200 dpi is 3.9 million): a page declaring a huge
#: size is rendered smaller, never allocated whole.
MAX_PAGE_PIXELS = 8_000_000


class SettingsError(OwnFault, ValueError):
    """An ``ITBFORMS_*`` setting whose value is not of the setting's type or not positive: the operator's
    set-up, not the user's input (the program stops naming the variable; the CLI exits 3)."""


def _flag(text: str) -> bool:
    """``1``/``true``/``yes`` or ``0``/``false``/``no`` (any case) as a bool; ValueError otherwise."""
    value = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}.get(text.lower())
    if value is None:
        raise ValueError(text)
    return value


def env_overrides(cls: type, environ: Mapping[str, str] | None, prefix: str) -> dict[str, Any]:
    """The fields of dataclass ``cls`` set in the environment as ``<PREFIX><FIELD>``, each converted to the
    type of its default (int, float or str); a value that does not convert raises ``SettingsError`` naming it.

    Shared by every settings class (``Limits``, ``BundleLimits``, ``service.settings.Settings``).
    """
    env = os.environ if environ is None else environ
    changes: dict[str, Any] = {}
    for f in fields(cls):
        text = env.get(prefix + f.name.upper())
        if text is None:
            continue
        converters: dict[type, Callable[[str], Any]] = {bool: _flag, int: int, float: float}
        kind = converters.get(type(f.default), str)
        try:
            changes[f.name] = kind(text)
        except ValueError:
            word = {bool: "1 或 0", int: "整数", float: "数值"}.get(type(f.default), "文本")
            raise SettingsError(
                f"环境变量 {prefix}{f.name.upper()} 应为{word}，实为 {text!r}"
                f" / {prefix}{f.name.upper()} must be {type(f.default).__name__}, got {text!r}"
            ) from None
    return changes


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = MAX_FILE_BYTES
    max_unzipped_bytes: int = MAX_UNZIPPED_BYTES
    max_xml_part_bytes: int = MAX_XML_PART_BYTES
    max_pages: int = MAX_PAGES
    max_cells: int = MAX_CELLS
    max_rows: int = MAX_ROWS
    max_cols: int = MAX_COLS
    max_chars: int = MAX_CHARS
    max_nesting: int = MAX_NESTING
    convert_timeout: float = CONVERT_TIMEOUT
    max_zip_entries: int = MAX_ZIP_ENTRIES
    max_page_objects: int = MAX_PAGE_OBJECTS
    parse_timeout: float = PARSE_TIMEOUT
    ocr_timeout: float = OCR_TIMEOUT
    max_ocr_pages: int = MAX_OCR_PAGES
    max_page_pixels: int = MAX_PAGE_PIXELS

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SettingsError(f"Limits.{f.name} 应为正数，实为 {value!r} / must be a positive number")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, prefix: str = "ITBFORMS_") -> Limits:
        """Defaults overridden by ``ITBFORMS_MAX_PAGES`` etc. (a bad value raises ``SettingsError``)."""
        return replace(cls(), **env_overrides(cls, environ, prefix))


DEFAULT_LIMITS = Limits()

#: Told ``(n, N)`` as a reader begins the n-th of N pages it recognises (a scan's pages take seconds each):
#: the parse page shows "第 n/N 页" from it.
Progress = Callable[[int, int], None]


#: The clock deadlines read, in seconds. Tests put in a clock they control: each read of it is one check of
#: the deadline, which the readers make every so many pages, rows or drawn objects, so counting the reads
#: measures the work done, and a clock that advances per read makes a deadline fire after so much work.
clock: Callable[[], float] = time.monotonic


class Deadline:
    """When the reading of one document must be done: ``limits.parse_timeout`` seconds from its start.

    The readers ask ``passed()`` every so many pages, rows or drawn objects and refuse the file with
    ``reason`` (the one wording of 处理超时)."""

    def __init__(self, limits: Limits, seconds: float | None = None) -> None:
        self.seconds = limits.parse_timeout if seconds is None else seconds
        self.at = clock() + self.seconds

    def passed(self) -> bool:
        return clock() > self.at

    @property
    def reason(self) -> str:
        return f"处理超时（读取超过 {self.seconds:g} 秒），拒绝处理"
