"""Safe access to the zip packages of Office files (docx/xlsx/odt) and to the XML inside them.

Every XML part we parse ourselves goes through ``parse_xml``: no entity resolution, no network, no DTD, and
a document that declares a DOCTYPE is refused (no Office part has one). Member sizes are checked before
anything is decompressed so a zip bomb is refused instead of expanded.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from typing import IO

from lxml import etree

from extractor.errors import UnreadableFile
from extractor.settings import Limits

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "/officeDocument"

#: Bytes of central directory allowed per member (a header is 46 bytes plus name and extra fields): Python's
#: zipfile reads as many headers as the directory's declared size holds, whatever the declared count says.
DIRECTORY_BYTES_PER_ENTRY = 256
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"
_EOCD_WINDOW = 0xFFFF + 22  # the end record (22 bytes) and a comment of up to 64 KiB


def zip_directory(source: bytes | IO[bytes]) -> tuple[int, int] | None:
    """(members, central directory bytes) as the zip's end record declares them (zip64 included), read
    from the tail of ``source`` (bytes or a seekable file) without listing the members; None when there is
    no end record (zipfile will then refuse the file)."""
    fh = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    start = fh.tell()
    try:
        length = fh.seek(0, io.SEEK_END)
        tail_at = max(0, length - _EOCD_WINDOW)
        fh.seek(tail_at)
        tail = fh.read()
        pos = tail.rfind(_EOCD)
        if pos < 0 or pos + 22 > len(tail):
            return None
        entries, size = struct.unpack_from("<HI", tail, pos + 10)
        locator = pos - 20
        if (
            (entries == 0xFFFF or size == 0xFFFFFFFF)
            and locator >= 0
            and tail[locator : locator + 4] == _EOCD64_LOCATOR
        ):
            # zip64: the locator just before the end record points at the real one
            offset = struct.unpack_from("<Q", tail, locator + 8)[0]
            fh.seek(offset)
            record = fh.read(56)
            if len(record) == 56 and record[:4] == _EOCD64:
                entries, size = struct.unpack_from("<QQ", record, 32)
        return entries, size
    finally:
        fh.seek(start)


def directory_excess(source: bytes | IO[bytes], max_entries: int, bytes_per_entry: int) -> str | None:
    """Why the zip in ``source`` holds more than ``max_entries`` members, judged from its end record alone
    (the declared count, or a directory larger than ``bytes_per_entry`` per allowed member), or None."""
    declared = zip_directory(source)
    if declared is None:
        return None
    entries, size = declared
    if entries > max_entries:
        return f"{entries} 个"
    allowed = max_entries * bytes_per_entry
    if size > allowed:
        return f"目录 {size} 字节，超过 {allowed} 字节"
    return None


def check_zip_directory(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a package with more than ``max_zip_entries`` members (by its declared count or by the size of
    its central directory) before ``zipfile`` lists them: a 50 MB upload can hold 600,000 empty members."""
    excess = directory_excess(data, limits.max_zip_entries, DIRECTORY_BYTES_PER_ENTRY)
    if excess:
        raise UnreadableFile(
            name,
            f"压缩包部件过多（{excess}；上限 {limits.max_zip_entries} 个），"
            "不是正常的 Word/Excel 文件，拒绝处理",
            english="too many zip entries",
        )


class Package:
    """An open zip package whose members are read within ``limits``."""

    def __init__(self, data: bytes, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self._read = 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise UnreadableFile(
                name, f"文件已损坏，无法作为压缩包打开（{exc}）", english="corrupt zip package"
            ) from None

    def read(self, member: str, *, xml: bool = False) -> bytes:
        """A member's bytes within the limits; ``xml=True`` also holds it to ``max_xml_part_bytes``
        (checked from the zip directory, before anything is inflated)."""
        try:
            info = self.zip.getinfo(member)
        except KeyError:
            raise UnreadableFile(
                self.name, f"文件不完整，缺少 {member}", english=f"missing {member}"
            ) from None
        if xml and info.file_size > self.limits.max_xml_part_bytes:
            raise UnreadableFile(
                self.name,
                f"{member} 解压后 {info.file_size} 字节，"
                f"超过单个部件 {self.limits.max_xml_part_bytes} 字节的限制，拒绝处理",
                english="XML part over the size limit",
            )
        if info.flag_bits & 0x1:
            raise UnreadableFile(self.name, "文件已加密，请去除密码后再上传", english="encrypted")
        self._read += info.file_size
        if self._read > self.limits.max_unzipped_bytes:
            raise UnreadableFile(
                self.name,
                f"解压后超过 {self.limits.max_unzipped_bytes} 字节，拒绝处理",
                english="uncompressed size over the limit",
            )
        try:
            with self.zip.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise UnreadableFile(
                self.name, f"文件已损坏：{member} 无法解压（{exc}）", english="corrupt"
            ) from None
        if len(data) > info.file_size:  # the header lied about the size
            raise UnreadableFile(self.name, f"文件已损坏：{member} 大小不符", english="corrupt member")
        return data

    def xml(self, member: str) -> etree._Element:
        return parse_xml(self.read(member, xml=True), f"{self.name}:{member}")

    def main_part(self, default: str) -> str:
        """The package's main document part, as named by ``_rels/.rels`` (``word/document.xml`` usually)."""
        if "_rels/.rels" in self.names:
            rels = self.xml("_rels/.rels")
            for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
                if (rel.get("Type") or "").endswith(OFFICE_DOCUMENT):
                    target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
                    if target in self.names:
                        return target
        return default


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part safely; ``UnreadableFile`` when it is not well-formed or declares a DOCTYPE."""
    head = data[:4096].lstrip()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnreadableFile(where, "XML 含有 DOCTYPE/实体声明，拒绝处理", english="DOCTYPE not allowed")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnreadableFile(where, f"XML 格式错误（{exc}）", english="malformed XML") from None
    if root is None:
        raise UnreadableFile(where, "XML 为空", english="empty XML")
    if root.getroottree().docinfo.doctype:
        raise UnreadableFile(where, "XML 含有 DOCTYPE 声明，拒绝处理", english="DOCTYPE not allowed")
    return root
