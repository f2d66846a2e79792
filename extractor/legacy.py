"""Read the formats we do not parse ourselves — Word 97–2003 ``.doc``, WPS 文字 ``.wps``, RTF, ODT, Excel
97–2003 ``.xls``, WPS 表格 ``.et``, ODS — by having LibreOffice convert them to ``.docx``/``.xlsx`` (through
``office.libreoffice``: its own profile, its own process group, a timeout) and reading the result.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path, PurePath

from extractor._zip import Package
from extractor.errors import UnreadableFile
from extractor.formats import Format, get_format
from extractor.model import SourceDoc
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.sniff import ZIP_MAGICS
from office.libreoffice import ConversionError, OfficeMissing, convert


def read_legacy(data: bytes, name: str, fmt: Format, limits: Limits = DEFAULT_LIMITS) -> SourceDoc:
    """Convert ``data`` (of format ``fmt``) to ``fmt.converts_to`` and read that with its own reader.

    The result keeps the original file name and reports ``fmt.kind`` (``doc``/``xls``).
    """
    target = fmt.converts_to or ""
    if data[:4] in ZIP_MAGICS:
        _inflate_all(data, name, limits)
    # LibreOffice detects the format from content; the suffix only has to be one it knows for the family
    suffix = PurePath(name).suffix.lower()
    if suffix not in fmt.all_extensions:
        suffix = _sniffed_suffix(data, fmt)
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
    doc = get_format(target).load_reader()(converted, name, limits)
    return replace(doc, kind=fmt.kind, meta={**doc.meta, "converted_from": suffix.lstrip(".")})


def _inflate_all(data: bytes, name: str, limits: Limits) -> None:
    """Inflate every member of a zip-based file (ODT/ODS) within ``limits`` before LibreOffice sees it:
    LibreOffice would expand a zip bomb in full, we refuse it from the directory or as soon as a member
    inflates past its declared size."""
    package = Package(data, name, limits)
    for member in sorted(package.names):
        package.read(member)


def _sniffed_suffix(data: bytes, fmt: Format) -> str:
    """A suffix of ``fmt`` LibreOffice reads ``data`` as: RTF, an ODF package, else the format's first."""
    wanted = ".rtf" if data[:5] == b"{\\rtf" else ".od" if data[:2] == b"PK" else ""
    return next((e for e in fmt.all_extensions if wanted and e.startswith(wanted)), fmt.extensions[0])


def _reason(exc: ConversionError) -> str:
    text = str(exc)
    return text.split("：", 1)[-1] if "：" in text else text
