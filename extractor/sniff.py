"""What kind of file a byte string is, from its magic bytes and structure — never from its name.

A name is only a hint used when the content cannot decide (an OLE2 file holding neither a Word nor an
Excel stream). Kinds: ``docx``, ``xlsx``, ``pdf``, ``doc`` (Word 97–2003 / WPS 文字 / RTF / ODT: read via
LibreOffice as docx) and ``xls`` (Excel 97–2003 / WPS 表格 ``.et`` / ODS: read via LibreOffice as xlsx).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import PurePath
from typing import Literal

from extractor.errors import UnreadableFile, UnsupportedFile

FileKind = Literal["docx", "xlsx", "pdf", "doc", "xls"]

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: A PDF may carry a little junk before its header; readers accept it within the first kilobyte.
PDF_HEADER_WINDOW = 1024

_WORD_NAMES = {".doc", ".wps", ".dot", ".rtf", ".odt", ".wpt"}
_SHEET_NAMES = {".xls", ".et", ".xlt", ".ods", ".ett"}

#: The package's content types, searched (as bytes, not parsed) for macro parts.
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_HEAD = 1024 * 1024
#: Content types of VBA projects and macro-enabled main parts (.docm/.xlsm/.dotm …), lower case.
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")

SUPPORTED = "Word（.docx/.doc/.wps）、PDF 或 Excel（.xlsx/.xls/.et）"


def sniff(data: bytes, filename: str) -> FileKind:
    """The kind of ``data``; ``UnsupportedFile`` naming the file when it is none we read."""
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(data, filename)
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return "pdf"
    if head == OLE_MAGIC:
        return _ole_kind(data, filename)
    if data[:5] == b"{\\rtf":
        return "doc"
    raise UnsupportedFile(filename, _describe_unsupported(data), english="unsupported file type")


def _describe_unsupported(data: bytes) -> str:
    if not data:
        return "文件为空"
    if (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:4] in (b"II*\x00", b"MM\x00*")
    ):
        return f"是图片文件，不是可解析的表单；请上传 {SUPPORTED}"
    return f"不是可识别的文件类型；请上传 {SUPPORTED}"


def _zip_kind(data: bytes, filename: str) -> FileKind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if any(info.flag_bits & 0x1 for info in zf.infolist()):
                raise UnreadableFile(filename, "文件已加密，请去除密码后再上传", english="encrypted")
            # only the first bytes are inflated: a "mimetype" member may be a zip bomb
            mimetype = _head(zf, "mimetype", 100) if "mimetype" in names else b""
            types = _head(zf, CONTENT_TYPES, CONTENT_TYPES_HEAD) if CONTENT_TYPES in names else b""
    except UnreadableFile:
        raise
    except (  # a hostile member: corrupt deflate data, an unknown compression method
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        EOFError,
        OSError,
        zlib.error,
        NotImplementedError,
    ) as exc:
        raise UnreadableFile(
            filename, f"文件已损坏，无法作为压缩包打开（{exc}）", english="corrupt zip"
        ) from None
    macro_types = any(marker in types.lower() for marker in MACRO_CONTENT_TYPES)
    if macro_types or any(PurePath(n).name.lower() == "vbaproject.bin" for n in names):
        # a macro-enabled document (.docm/.xlsm, or one renamed .docx): we never need its macros, and an
        # authority should not receive them passed on from us either
        raise UnsupportedFile(
            filename,
            "含宏的文档（.docm/.xlsm）不受支持，请另存为 .docx/.xlsx 后再上传",
            english="macro-enabled file",
        )
    if "word/document.xml" in names or any(n.startswith("word/") and n.endswith(".xml") for n in names):
        return "docx"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") and n.endswith(".xml") for n in names):
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return "doc"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "xls"
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".docx", ".xlsx"):
        raise UnreadableFile(filename, "文件已损坏：压缩包中没有 Word/Excel 正文", english="no document part")
    raise UnsupportedFile(
        filename, f"是压缩包而不是表单文件；请上传 {SUPPORTED}", english="zip archive, not a form"
    )


def _head(zf: zipfile.ZipFile, member: str, size: int) -> bytes:
    """At most ``size`` inflated bytes of ``member``."""
    with zf.open(member) as fh:
        return fh.read(size)


def _ole_kind(data: bytes, filename: str) -> FileKind:
    streams = ole_streams(data)
    if streams is None:
        raise UnreadableFile(filename, "文件已损坏（OLE2 复合文档结构无法读取）", english="corrupt OLE2 file")
    if {"EncryptedPackage", "EncryptionInfo"} & streams:
        raise UnreadableFile(filename, "文件已加密，请去除密码后再上传", english="encrypted")
    if "WordDocument" in streams:
        return "doc"
    if {"Workbook", "Book"} & streams:
        return "xls"
    suffix = PurePath(filename).suffix.lower()
    if suffix in _WORD_NAMES:
        return "doc"
    if suffix in _SHEET_NAMES:
        return "xls"
    raise UnsupportedFile(
        filename, f"是 Office 复合文档，但既不是 Word 也不是 Excel；请上传 {SUPPORTED}", english="OLE2 file"
    )


def ole_streams(data: bytes, max_sectors: int = 4096) -> set[str] | None:
    """Names of the entries of an OLE2 compound file's directory, or None when it is malformed.

    Only the header, the FAT sectors it lists and the directory chain are read (bounded by
    ``max_sectors``), enough to tell a Word file from an Excel file or an encrypted OOXML package.
    """
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return None
        size = 1 << shift
        n_fat = struct.unpack_from("<I", data, 0x2C)[0]
        first_dir = struct.unpack_from("<I", data, 0x30)[0]
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        next_difat, n_difat = struct.unpack_from("<II", data, 0x44)
        per_sector = size // 4
        for _ in range(min(n_difat, max_sectors)):
            if next_difat >= 0xFFFFFFFA:
                break
            entries = struct.unpack_from(f"<{per_sector}I", data, (next_difat + 1) * size)
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        fat_sectors = [s for s in difat[: min(n_fat, max_sectors)] if s < 0xFFFFFFFA]

        def fat_entry(sector: int) -> int:
            block, offset = divmod(sector, per_sector)
            if block >= len(fat_sectors):
                return 0xFFFFFFFE
            return struct.unpack_from("<I", data, (fat_sectors[block] + 1) * size + offset * 4)[0]

        names: set[str] = set()
        sector, seen = first_dir, 0
        while sector < 0xFFFFFFFA and seen < max_sectors:
            base = (sector + 1) * size
            if base + size > len(data):
                break
            for off in range(base, base + size, 128):
                length = struct.unpack_from("<H", data, off + 0x40)[0]
                if 2 <= length <= 64 and data[off + 0x42] in (1, 2, 5):
                    names.add(data[off : off + length - 2].decode("utf-16-le", "replace"))
            sector = fat_entry(sector)
            seen += 1
        return names or None
    except (struct.error, IndexError):
        return None
