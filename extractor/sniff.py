"""What kind of file a byte string is, from its magic bytes and structure — never from its name.

The container (zip, OLE2, PDF, RTF) is opened here once, refusing encrypted and macro-enabled files; which
format it is comes from the table in ``extractor.formats``, each format's ``matches`` looking at what was
seen. A name is only a hint used when the content cannot decide (an OLE2 file holding neither a Word nor
an Excel stream).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import PurePath

from extractor.errors import UnreadableFile, UnsupportedFile
from extractor.formats import FORMATS, Evidence, Format, by_extension, supported_text

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: A PDF may carry a little junk before its header; readers accept it within the first kilobyte.
PDF_HEADER_WINDOW = 1024

#: The package's content types, searched (as bytes, not parsed) for macro parts.
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_HEAD = 1024 * 1024
#: Content types of VBA projects and macro-enabled main parts (.docm/.xlsm/.dotm …), lower case.
MACRO_CONTENT_TYPES = (b"macroenabled", b"vbaproject")


def sniff(data: bytes, filename: str) -> str:
    """The kind of ``data``; ``UnsupportedFile`` naming the file when it is none we read."""
    return sniff_format(data, filename).kind


def sniff_format(data: bytes, filename: str) -> Format:
    """The registered format of ``data``, told from its bytes; the name only breaks a tie the bytes cannot."""
    evidence = _evidence(data, filename)
    for fmt in FORMATS.values():
        if fmt.matches(evidence):
            return fmt
    if evidence.container == "ole":  # an OLE2 file holding neither a Word nor an Excel stream
        by_name = by_extension(evidence.suffix, _in_container("ole"))
        if by_name is not None:
            return by_name
    raise _unrecognised(evidence)


def _in_container(container: str) -> list[Format]:
    return [f for f in FORMATS.values() if f.container == container]


def _evidence(data: bytes, filename: str) -> Evidence:
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        return _zip_evidence(data, filename)
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return Evidence(data, filename, "pdf")
    if head == OLE_MAGIC:
        return _ole_evidence(data, filename)
    if data[:5] == b"{\\rtf":
        return Evidence(data, filename, "rtf")
    return Evidence(data, filename, None)


def _unrecognised(ev: Evidence) -> Exception:
    """Why no format matched, naming the file and what we read."""
    supported = supported_text()
    if ev.container == "ole":
        reason = f"是 Office 复合文档，但既不是 Word 也不是 Excel；请上传 {supported}"
        return UnsupportedFile(ev.filename, reason, english="OLE2 file")
    if ev.container == "zip":
        if by_extension(ev.suffix, _in_container("zip")) is not None:
            return UnreadableFile(
                ev.filename, "文件已损坏：压缩包中没有 Word/Excel 正文", english="no document part"
            )
        return UnsupportedFile(
            ev.filename, f"是压缩包而不是表单文件；请上传 {supported}", english="zip archive, not a form"
        )
    data = ev.data
    if not data:
        return UnsupportedFile(ev.filename, "文件为空", english="unsupported file type")
    if (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:4] in (b"II*\x00", b"MM\x00*")
    ):
        reason = f"是图片文件，不是可解析的表单；请上传 {supported}"
    else:
        reason = f"不是可识别的文件类型；请上传 {supported}"
    return UnsupportedFile(ev.filename, reason, english="unsupported file type")


def _zip_evidence(data: bytes, filename: str) -> Evidence:
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
    return Evidence(data, filename, "zip", members=frozenset(names), mimetype=mimetype)


def _head(zf: zipfile.ZipFile, member: str, size: int) -> bytes:
    """At most ``size`` inflated bytes of ``member``."""
    with zf.open(member) as fh:
        return fh.read(size)


def _ole_evidence(data: bytes, filename: str) -> Evidence:
    streams = ole_streams(data)
    if streams is None:
        raise UnreadableFile(filename, "文件已损坏（OLE2 复合文档结构无法读取）", english="corrupt OLE2 file")
    if {"EncryptedPackage", "EncryptionInfo"} & streams:
        raise UnreadableFile(filename, "文件已加密，请去除密码后再上传", english="encrypted")
    return Evidence(data, filename, "ole", streams=frozenset(streams))


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
