"""Remove a document's references to things outside it before LibreOffice opens it.

An uploaded ODT/ODS can draw an image, embed an object, pull in a section or a table from
``http://intranet/…`` or ``file:///etc/…``; a DOCX/XLSX can do the same through a relationship with
``TargetMode="External"`` (a linked image, an OLE link, an attached template, external workbook data).
LibreOffice follows such links while converting (server-side request forgery). This module rewrites a copy
of the package without them: an ODF element's external ``xlink:href`` is dropped (a linked section or table
source element is dropped whole), an external OOXML relationship is dropped. Hyperlinks stay: nothing
follows them during a conversion. Binary .doc/.xls cannot be rewritten; the network namespace of
``office.sandbox`` covers them.

The XML is parsed with entity resolution, DTDs and network access off, and a part that declares a DOCTYPE
is refused (no Office part has one), as in ``extractor._zip``; lxml keeps every namespace prefix, which ODF
formulas (``of:=…``) and OOXML's ``mc:Ignorable`` refer to by name.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from lxml import etree

XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
#: ODF elements whose link is a hyperlink (kept); every other external ``xlink:href`` is removed.
ODF_HYPERLINKS = {
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a",
    "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}a",
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}index-title-template",
}
#: ODF elements that exist only to pull content in from their link: removed whole.
ODF_LINK_ELEMENTS = {
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}section-source",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-source",
    "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}cell-range-source",
}
#: Bytes of one XML part we parse to rewrite it (the readers refuse larger parts anyway).
MAX_PART_BYTES = 64 * 1024 * 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


class UnsafePackage(ValueError):
    """A part of the package could not be rewritten safely (malformed XML, a DOCTYPE, too large)."""


def is_external(href: str) -> bool:
    """Whether an ODF ``xlink:href`` points outside the package: a URL with a scheme, an absolute path, or
    a relative path climbing out of it (``../x.png`` is relative to the package file, not inside it)."""
    href = href.strip()
    return bool(_SCHEME.match(href)) or href.startswith(("/", "\\", "..")) or href.startswith("./..")


def neutralise(src: Path, dest_dir: Path) -> Path:
    """``src`` when it has no external references (or is not a zip package); else a rewritten copy named
    like it in ``dest_dir``. Raises ``UnsafePackage`` when a part to rewrite is malformed or oversized."""
    try:
        return _neutralise(src, dest_dir)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:
        raise UnsafePackage(f"压缩包无法读取：{exc}") from None  # encrypted members, bad compression …


def _neutralise(src: Path, dest_dir: Path) -> Path:
    if not zipfile.is_zipfile(src):
        return src
    with zipfile.ZipFile(src) as package:
        changed: dict[str, bytes] = {}
        for info in package.infolist():
            rewrite = _rewriter(info.filename)
            if rewrite is None:
                continue
            if info.file_size > MAX_PART_BYTES:
                raise UnsafePackage(f"{info.filename} 过大（{info.file_size} 字节）")
            data = rewrite(_parse(package.read(info), info.filename))
            if data is not None:
                changed[info.filename] = data
        if not changed:
            return src
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / src.name
        with zipfile.ZipFile(dest, "w") as out:
            for info in package.infolist():  # same order and compression: ODF's mimetype stays first, stored
                out.writestr(info, changed.get(info.filename) or package.read(info))
    return dest


def _rewriter(name: str) -> Callable[[etree._Element], bytes | None] | None:
    """The function that rewrites part ``name``, or None for a part that holds no links."""
    if name.endswith(".rels"):
        return _drop_external_relationships
    if name.rsplit("/", 1)[-1] in ("content.xml", "styles.xml", "meta.xml"):  # meta: a linked template
        return _drop_external_xlinks
    return None


def _parse(data: bytes, name: str) -> etree._Element:
    try:
        tree = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise UnsafePackage(f"{name} 不是合法的 XML：{exc}") from None
    if tree.getroottree().docinfo.doctype:
        raise UnsafePackage(f"{name} 声明了 DOCTYPE")
    return tree


def _drop_external_xlinks(root: etree._Element) -> bytes | None:
    """ODF: remove external ``xlink:href`` (linked images, objects, fonts…) and link-only elements."""
    changed = False
    for element in list(root.iter()):
        href = element.get(XLINK_HREF)
        if href is None or element.tag in ODF_HYPERLINKS or not is_external(href):
            continue
        changed = True
        parent = element.getparent()
        if element.tag in ODF_LINK_ELEMENTS and parent is not None:
            parent.remove(element)
        else:
            del element.attrib[XLINK_HREF]
    return _serialise(root) if changed else None


def _drop_external_relationships(root: etree._Element) -> bytes | None:
    """OOXML: remove relationships with ``TargetMode="External"`` other than hyperlinks."""
    changed = False
    for rel in list(root.iter(f"{{{REL_NS}}}Relationship")):
        if rel.get("TargetMode") == "External" and rel.get("Type") != HYPERLINK_REL:
            rel.getparent().remove(rel)
            changed = True
    return _serialise(root) if changed else None


def _serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
