"""Safe access to the zip packages of Office files (docx/xlsx/odt) and to the XML inside them.

Every XML part we parse ourselves goes through ``parse_xml``: no entity resolution, no network, no DTD, and
a document that declares a DOCTYPE is refused (no Office part has one). Member sizes are checked before
anything is decompressed so a zip bomb is refused instead of expanded.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

from extractor.errors import UnreadableFile
from extractor.settings import Limits

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "/officeDocument"


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
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
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
