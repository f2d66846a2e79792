"""Read the formats we do not parse ourselves — Word 97–2003 ``.doc``, WPS 文字 ``.wps``, RTF, ODT, Excel
97–2003 ``.xls``, WPS 表格 ``.et``, ODS — by having LibreOffice convert them to ``.docx``/``.xlsx`` (through
``office.libreoffice``: its own profile, its own process group, a timeout) and reading the result.
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath

from extractor._zip import Package
from extractor.docx import read_docx
from extractor.errors import UnreadableFile
from extractor.model import SourceDoc
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.sniff import ZIP_MAGICS
from extractor.xlsx import read_xlsx
from office.libreoffice import ConversionError, OfficeMissing, convert

#: Suffixes LibreOffice is given for a text document / a spreadsheet (it detects the format from content,
#: the suffix only has to be one it knows for that family).
WORD_SUFFIXES = (".doc", ".wps", ".rtf", ".odt", ".dot", ".wpt")
SHEET_SUFFIXES = (".xls", ".et", ".ods", ".xlt", ".ett")


def read_legacy(data: bytes, name: str, kind: str, limits: Limits = DEFAULT_LIMITS) -> SourceDoc:
    """Convert ``data`` (``kind`` ``doc`` = a text document, ``xls`` = a spreadsheet) and read it.

    The result keeps the original file name and reports ``kind`` ``doc``/``xls``.
    """
    word = kind == "doc"
    if data[:4] in ZIP_MAGICS:
        _inflate_all(data, name, limits)
    suffix = PurePath(name).suffix.lower()
    if suffix not in (WORD_SUFFIXES if word else SHEET_SUFFIXES):
        suffix = _sniffed_suffix(data, word)
    target = "docx" if word else "xlsx"
    with tempfile.TemporaryDirectory(prefix="itbforms-legacy-") as tmp:
        src = Path(tmp, "source" + suffix)
        src.write_bytes(data)
        try:
            out = convert(src, target, Path(tmp, "out"), timeout=limits.convert_timeout)
        except OfficeMissing:
            raise
        except ConversionError as exc:
            raise UnreadableFile(
                name,
                f"无法用 LibreOffice 转换为 {target}（文件可能已损坏或已加密）：{_reason(exc)}",
                english=f"LibreOffice could not convert it to {target}",
            ) from None
        converted = out.read_bytes()
    doc = read_docx(converted, name, limits) if word else read_xlsx(converted, name, limits)
    return SourceDoc(
        file=name,
        kind="doc" if word else "xls",
        blocks=doc.blocks,
        problems=doc.problems,
        pages=doc.pages,
        meta={**doc.meta, "converted_from": suffix.lstrip(".")},
    )


def _inflate_all(data: bytes, name: str, limits: Limits) -> None:
    """Inflate every member of a zip-based file (ODT/ODS) within ``limits`` before LibreOffice sees it:
    LibreOffice would expand a zip bomb in full, we refuse it from the directory or as soon as a member
    inflates past its declared size."""
    package = Package(data, name, limits)
    for member in sorted(package.names):
        package.read(member)


def _sniffed_suffix(data: bytes, word: bool) -> str:
    if data[:5] == b"{\\rtf":
        return ".rtf"
    if data[:2] == b"PK":
        return ".odt" if word else ".ods"
    return ".doc" if word else ".xls"


def _reason(exc: ConversionError) -> str:
    text = str(exc)
    return text.split("：", 1)[-1] if "：" in text else text
