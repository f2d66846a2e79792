"""The file formats we read, in one table: how each is recognised, its extensions, MIME types, Chinese name,
its reader and, for the formats LibreOffice converts first, what it is converted to.

The sniffer (``extractor.sniff``), the reader dispatch (``extractor.read_document``), the pages' file
pickers, the CLI help and the "不是可识别的文件类型" messages are all derived from ``FORMATS``. Adding a
format is one ``Format`` entry (``register``) plus one reader ``(data, filename, limits) -> SourceDoc``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

from forms.errors import OwnFault

if TYPE_CHECKING:  # the readers are imported on first use: pdfplumber only when a PDF comes
    from extractor.model import SourceDoc
    from extractor.settings import Limits

Reader = Callable[[bytes, str, "Limits"], "SourceDoc"]


@dataclass(frozen=True)
class Evidence:
    """What the sniffer saw of a file, once, for every format's ``matches`` to look at.

    ``container`` is the structure the bytes open as (``zip``, ``ole``, ``pdf``, ``rtf``) or None;
    ``members`` the zip's member names, ``mimetype`` an ODF package's declared type, ``streams`` an OLE2
    file's directory entries.
    """

    data: bytes
    filename: str
    container: str | None
    members: frozenset[str] = frozenset()
    mimetype: bytes = b""
    streams: frozenset[str] = frozenset()

    @property
    def suffix(self) -> str:
        return PurePath(self.filename).suffix.lower()

    def has_part(self, folder: str) -> bool:
        """Whether the zip holds an XML part under ``folder`` (``word/``, ``xl/``)."""
        return any(n.startswith(folder) and n.endswith(".xml") for n in self.members)


@dataclass(frozen=True)
class Format:
    """One file format we read.

    ``family`` is how people name it (Word, PDF, Excel) and groups formats in messages; ``extensions``
    are the usual ones, shown in help and messages, ``more_extensions`` further ones the file pickers
    accept. ``container`` is the structure this format's files usually open as: when the bytes alone
    cannot tell formats of that container apart, the file's extension decides. ``reader`` names the
    function (``module:function``) building the intermediate; a format with ``converts_to`` is instead
    converted by LibreOffice to that format and read by its reader. ``printed`` marks a print of a
    document (a PDF) rather than the file people typed: a bundle reads a unit's record from the typed file
    and compares the print with it.
    """

    kind: str
    family: str
    name: str
    extensions: tuple[str, ...]
    mime_types: tuple[str, ...]
    matches: Callable[[Evidence], bool]
    container: str | None = None
    reader: str | None = None
    converts_to: str | None = None
    printed: bool = False
    more_extensions: tuple[str, ...] = field(default=())

    @property
    def all_extensions(self) -> tuple[str, ...]:
        return (*self.extensions, *self.more_extensions)

    def load_reader(self) -> Reader:
        """The reader function, imported now."""
        if self.reader is None:
            raise RegistryError(f"格式 {self.kind} 没有登记读取函数")
        module, _, name = self.reader.partition(":")
        reader: Reader = getattr(importlib.import_module(module), name)
        return reader


class RegistryError(OwnFault, LookupError):
    """The format table is wrong (a kind registered twice, a reader missing): our fault, not the user's
    (the service answers 500, the CLI exits 3)."""


def _scan(data: bytes) -> bool:
    from extractor.scan import is_scan  # pdfium and OpenCV only when a PDF comes

    return is_scan(data)


def _odf(mimetype: str) -> Callable[[Evidence], bool]:
    return lambda ev: ev.container == "zip" and ev.mimetype.startswith(mimetype.encode())


#: The formats, in the order they are tried and listed. Word and Excel 97–2003, WPS, RTF and ODF files
#: are converted to .docx/.xlsx by LibreOffice (``extractor.legacy``) and report their own kind.
FORMATS: dict[str, Format] = {
    f.kind: f
    for f in (
        Format(
            kind="docx",
            family="Word",
            name="Word 文档（.docx）",
            extensions=(".docx",),
            mime_types=("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
            matches=lambda ev: ev.container == "zip" and ev.has_part("word/"),
            container="zip",
            reader="extractor.docx:read_docx",
        ),
        Format(
            kind="doc",
            family="Word",
            name="Word 97–2003、WPS 文字、RTF 或 ODT 文档",
            extensions=(".doc", ".wps"),
            more_extensions=(".rtf", ".odt", ".dot", ".wpt"),
            mime_types=(
                "application/msword",
                "application/vnd.ms-works",
                "application/rtf",
                "application/vnd.oasis.opendocument.text",
            ),
            matches=lambda ev: (
                (ev.container == "ole" and "WordDocument" in ev.streams)
                or ev.container == "rtf"
                or _odf("application/vnd.oasis.opendocument.text")(ev)
            ),
            container="ole",
            converts_to="docx",
        ),
        Format(  # before "pdf": a PDF whose first pages are only images is read by text recognition
            kind="scan",
            family="PDF",
            name="扫描件 PDF（图像页，文字识别）",
            extensions=(),
            mime_types=(),
            matches=lambda ev: ev.container == "pdf" and _scan(ev.data),
            container="pdf",
            reader="extractor.scan:read_scan",
            printed=True,
        ),
        Format(
            kind="pdf",
            family="PDF",
            name="PDF 文件",
            extensions=(".pdf",),
            mime_types=("application/pdf",),
            matches=lambda ev: ev.container == "pdf",
            container="pdf",
            reader="extractor.pdf:read_pdf",
            printed=True,
        ),
        Format(
            kind="xlsx",
            family="Excel",
            name="Excel 工作簿（.xlsx）",
            extensions=(".xlsx",),
            mime_types=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",),
            matches=lambda ev: ev.container == "zip" and ev.has_part("xl/"),
            container="zip",
            reader="extractor.xlsx:read_xlsx",
        ),
        Format(
            kind="xls",
            family="Excel",
            name="Excel 97–2003、WPS 表格或 ODS 工作簿",
            extensions=(".xls", ".et"),
            more_extensions=(".ods", ".xlt", ".ett"),
            mime_types=("application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet"),
            matches=lambda ev: (
                (ev.container == "ole" and bool({"Workbook", "Book"} & ev.streams))
                or _odf("application/vnd.oasis.opendocument.spreadsheet")(ev)
            ),
            container="ole",
            converts_to="xlsx",
        ),
    )
}


def register(fmt: Format) -> Format:
    """Add a format to the table (tried after the others); ``RegistryError`` when its kind is taken."""
    if fmt.kind in FORMATS:
        raise RegistryError(f"格式 {fmt.kind} 已登记")
    if fmt.reader is None and fmt.converts_to not in FORMATS:
        raise RegistryError(f"格式 {fmt.kind} 既没有读取函数，也没有可转换成的已登记格式")
    FORMATS[fmt.kind] = fmt
    return fmt


def get_format(kind: str) -> Format:
    try:
        return FORMATS[kind]
    except KeyError:
        raise RegistryError(f"未登记的文件格式：{kind!r}") from None


def by_extension(suffix: str, formats: Iterable[Format] | None = None) -> Format | None:
    """The format a file extension (``.wps``) belongs to, or None."""
    suffix = suffix.lower()
    return next((f for f in formats or FORMATS.values() if suffix in f.all_extensions), None)


def extensions(*, usual_only: bool = False) -> tuple[str, ...]:
    """Every extension we read, in table order (``usual_only``: those shown in help and messages)."""
    return tuple(ext for f in FORMATS.values() for ext in (f.extensions if usual_only else f.all_extensions))


def accept_list(*extra: str) -> str:
    """The ``accept`` attribute of a file picker for documents we read (plus ``extra`` entries)."""
    return ",".join((*extra, *extensions()))


def supported_text() -> str:
    """The formats as a person reads them: ``Word（.docx/.doc/.wps）、PDF 或 Excel（.xlsx/.xls/.et）``."""
    families: dict[str, list[str]] = {}
    for f in FORMATS.values():
        families.setdefault(f.family, []).extend(f.extensions)
    parts = [
        name if [name.lower()] == [e.lstrip(".") for e in exts] else f"{name}（{'/'.join(exts)}）"
        for name, exts in families.items()
    ]
    return parts[0] if len(parts) == 1 else "、".join(parts[:-1]) + " 或 " + parts[-1]


def is_printed(kind: str | None) -> bool:
    """Whether a file of ``kind`` is a print (PDF) of a document rather than the document people typed."""
    fmt = FORMATS.get(kind or "")
    return fmt is not None and fmt.printed


def typed_first() -> tuple[str, ...]:
    """The kinds, the typed formats (Word, Excel) before the prints (PDF), each group in table order."""
    return tuple(sorted(FORMATS, key=is_printed))


def family_label(kind: str | None) -> str:
    """How people name a file of ``kind`` (Word, PDF, Excel); the kind itself when it is not registered."""
    fmt = FORMATS.get(kind or "")
    return fmt.family if fmt else (kind or "")
