"""Safe reading of a bundle: a ``.zip`` of many applications sent by a recommending authority.

Everything is decided from the central directory before a byte is inflated: the number of entries, the
sum of the uncompressed sizes and each entry's compression ratio (``BundleLimits``). Entry names are only
ever *displayed*: nothing is written to disk under a name from the archive, so a ``../`` name cannot
escape anywhere (such names are still refused, as a sign of a crafted archive). Windows archivers write
names in GBK/CP936 without the UTF-8 flag (0x800); those are decoded as such. macOS metadata
(``__MACOSX/``, ``._*``), ``.DS_Store``, ``Thumbs.db`` and Word's ``~$`` lock files are skipped. A zip inside
the bundle is opened one level deep; a zip inside that is refused. Every refusal is a ``BundleIssue`` with
a Chinese message, so one bad entry never loses the rest of the bundle; only a bundle that is not a zip
or is over the whole-bundle limits raises.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Literal

from extractor._zip import directory_excess
from extractor.errors import UnreadableFile, UnsupportedFile
from extractor.settings import MAX_FILE_BYTES

#: Entries (files and folders, nested zips' included) a bundle may hold.
MAX_ENTRIES = 10_000
#: Sum of the uncompressed sizes of every entry (nested zips' included).
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
#: Uncompressed size / compressed size of one entry. Office files and PDFs are compressed already (≈ 1–5).
MAX_RATIO = 100.0
#: Entries smaller than this are not held to ``max_ratio`` (a tiny text file may compress 200:1 harmlessly).
RATIO_FLOOR_BYTES = 1024 * 1024
#: One file of the bundle (the per-document limit of ``extractor.settings``).
MAX_ENTRY_BYTES = MAX_FILE_BYTES
#: Levels of zips inside the bundle that are opened (1: a zip in the bundle is read, a zip in that is not).
MAX_DEPTH = 1
#: Central-directory bytes allowed per entry before the directory is listed (a header is 46 bytes, plus a
#: name of up to ~200 bytes of nested Chinese folders and extra fields that may repeat it): listing costs
#: ~0.5 KB of memory per header, and a 60 MB directory holds a million of them.
DIRECTORY_BYTES_PER_ENTRY = 1024

#: The UTF-8 name flag of the zip format (general purpose bit 11).
UTF8_FLAG = 0x800
#: Names of operating-system clutter that is skipped without a word in the per-file list of problems.
_SYSTEM_FILES = {".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"}
_DRIVE = re.compile(r"^[A-Za-z]:")

IssueCode = Literal[
    "skipped",  # system clutter (__MACOSX, ._*, .DS_Store, ~$ lock files): not an application
    "unsafe_name",
    "ratio",
    "entry_too_large",
    "encrypted",
    "nested_too_deep",
    "nested_unreadable",
    "empty",
]


@dataclass(frozen=True)
class BundleLimits:
    """Bounds on the work one bundle may cause; ``ITBFORMS_BUNDLE_MAX_ENTRIES=…`` etc. override them."""

    max_entries: int = MAX_ENTRIES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: float = MAX_RATIO
    ratio_floor_bytes: int = RATIO_FLOOR_BYTES
    max_entry_bytes: int = MAX_ENTRY_BYTES
    max_depth: int = MAX_DEPTH

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            minimum = 0 if f.name == "max_depth" else 1
            if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
                raise ValueError(f"BundleLimits.{f.name} must be a number ≥ {minimum}, got {value!r}")


DEFAULT_BUNDLE_LIMITS = BundleLimits()


class UnsafeBundle(UnreadableFile):
    """The bundle as a whole is over a limit (too many entries, too big uncompressed) or is corrupt."""


@dataclass(frozen=True)
class BundleEntry:
    """One file of the bundle that will be read: ``name`` is its display path (``单位A/申报书.docx``; in a
    nested zip ``inner.zip/单位A/申报书.docx``), ``folder`` the display path of its folder."""

    index: int
    name: str
    folder: str
    size: int
    compressed: int
    _where: tuple[int, ...] = field(repr=False, compare=False, default=())


@dataclass(frozen=True)
class BundleIssue:
    """An entry that is not read, and why (Chinese ``message`` for people, ``code`` for programs)."""

    name: str
    code: IssueCode
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "code": self.code, "message": self.message}


def decode_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author wrote it: UTF-8 when flagged, else UTF-8 if valid, else GBK (GB18030),
    else the CP437 that the zip format defaults to."""
    if info.flag_bits & UTF8_FLAG:
        return info.orig_filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the bytes as CP437: lossless way back
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def display_name(raw: str) -> tuple[str, bool]:
    """``raw`` as a clean ``/``-separated display path, and whether it tried to leave the bundle
    (absolute, a drive letter, ``..``) or hide (a NUL or control character)."""
    name = raw.replace("\\", "/")
    unsafe = name.startswith("/") or bool(_DRIVE.match(name)) or any(ord(ch) < 32 for ch in name)
    parts = []
    for part in name.split("/"):
        if part == "..":
            unsafe = True
        elif part not in ("", "."):
            parts.append("".join(ch for ch in part if ord(ch) >= 32))
    return "/".join(parts), unsafe


#: Parts that make a zip container an office document rather than a bundle of files, with its name.
_OFFICE_PARTS = (
    ("word/document.xml", "Word 文档（.docx）"),
    ("xl/workbook.xml", "Excel 工作簿（.xlsx）"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿（.pptx）"),
    ("content.xml", "OpenDocument 文档（.odt/.ods）"),
)


def _office_document(names: list[str]) -> str | None:
    """What office document a zip container is (a .docx is a zip too), or None for an ordinary zip."""
    listed = set(names)
    if "[Content_Types].xml" not in listed and "mimetype" not in listed:
        return None
    return next((kind for part, kind in _OFFICE_PARTS if part in listed), "Office 文档")


def _is_clutter(name: str) -> bool:
    parts = name.split("/")
    base = parts[-1]
    return (
        "__MACOSX" in parts or base.startswith("._") or base.startswith("~$") or base.lower() in _SYSTEM_FILES
    )


class Bundle:
    """An opened bundle: ``entries`` to read, ``issues`` for the entries that will not be.

    Use as a context manager, or call ``close()``. ``read(entry)`` inflates one entry (bounded by its
    declared size; a lying header is reported as ``UnreadableFile``).
    """

    def __init__(self, source: bytes | Path, *, name: str, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS):
        self.name = name
        self.limits = limits
        self.entries: list[BundleEntry] = []
        self.issues: list[BundleIssue] = []
        self.total_entries = 0
        self.total_bytes = 0
        self._fh: IO[bytes] | None = None
        self._inner: dict[int, zipfile.ZipFile] = {}
        self._zip = self._open(source)
        try:
            self._scan()
        except BaseException:
            self.close()
            raise

    # --- opening and listing ------------------------------------------------------------------------

    def _open(self, source: bytes | Path) -> zipfile.ZipFile:
        if isinstance(source, bytes | bytearray | memoryview):
            head = bytes(source[:4])
            self._fh = io.BytesIO(source)
        else:
            self._fh = open(source, "rb")  # noqa: SIM115 (closed in close())
            head = self._fh.read(4)
            self._fh.seek(0)
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            self.close()
            raise UnsupportedFile(
                self.name, "不是 zip 压缩包；请将申报材料打包为 .zip 后上传", english="not a zip"
            )
        try:
            self._check_directory(self._fh, self.limits.max_entries)
            zf = zipfile.ZipFile(self._fh)
        except UnsafeBundle:
            self.close()
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
            self.close()
            raise UnsafeBundle(
                self.name, f"压缩包已损坏，无法读取目录（{exc}）", english="corrupt zip"
            ) from None
        document = _office_document(zf.namelist())
        if document is not None:
            zf.close()
            self.close()
            raise UnsupportedFile(
                self.name,
                f"不是 zip 压缩包，而是 {document}；请将申报材料打包为 .zip 后上传",
                english="not a zip but an office document",
            )
        return zf

    def _scan(self) -> None:
        infos = self._zip.infolist()
        self._count(len(infos))
        # The whole-bundle size is judged from the central directory before anything is inflated.
        self._add_bytes(sum(i.file_size for i in infos))
        for position, info in enumerate(infos):
            self._consider(info, (position,), prefix="", depth=0)

    def _check_directory(self, source: bytes | IO[bytes], allowed: int) -> None:
        """Refuse a zip declaring more than ``allowed`` entries from its end record, before listing them."""
        excess = directory_excess(source, allowed, DIRECTORY_BYTES_PER_ENTRY)
        if excess:
            raise UnsafeBundle(
                self.name,
                f"压缩包内文件过多（{excess}，上限 {self.limits.max_entries} 个），拒绝处理",
                english="too many entries",
            )

    def _count(self, n: int) -> None:
        self.total_entries += n
        if self.total_entries > self.limits.max_entries:
            raise UnsafeBundle(
                self.name,
                f"压缩包内文件过多（{self.total_entries} 个，上限 {self.limits.max_entries} 个），拒绝处理",
                english="too many entries",
            )

    def _add_bytes(self, n: int) -> None:
        self.total_bytes += n
        if self.total_bytes > self.limits.max_total_bytes:
            raise UnsafeBundle(
                self.name,
                f"压缩包解压后总大小 {_mb(self.total_bytes)} 超过上限 {_mb(self.limits.max_total_bytes)}，"
                "拒绝处理（可能是压缩炸弹，或请分批上传）",
                english="total uncompressed size over the limit",
            )

    def _consider(self, info: zipfile.ZipInfo, where: tuple[int, ...], prefix: str, depth: int) -> None:
        if info.is_dir():
            return
        shown, unsafe = display_name(decode_name(info))
        name = prefix + shown
        if unsafe:
            self._issue(name, "unsafe_name", "文件名含有“..”、绝对路径或控制字符，疑为恶意构造，已跳过")
            return
        if _is_clutter(name):
            self._issue(name, "skipped", "系统或临时文件（__MACOSX、._*、~$、.DS_Store 等），已跳过")
            return
        if info.flag_bits & 0x1:
            self._issue(name, "encrypted", "文件已加密，无法读取；请去除密码后重新打包")
            return
        if info.file_size == 0:
            self._issue(name, "empty", "文件为空")
            return
        if info.file_size > self.limits.max_entry_bytes:
            self._issue(
                name,
                "entry_too_large",
                f"文件解压后 {_mb(info.file_size)}，"
                f"超过单个文件上限 {_mb(self.limits.max_entry_bytes)}，已跳过",
            )
            return
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= self.limits.ratio_floor_bytes and ratio > self.limits.max_ratio:
            self._issue(
                name,
                "ratio",
                f"压缩比 {ratio:.0f}:1 超过上限 {self.limits.max_ratio:g}:1（疑为压缩炸弹），未解压",
            )
            return
        if name.lower().endswith(".zip"):
            if depth >= self.limits.max_depth:
                self._issue(
                    name,
                    "nested_too_deep",
                    f"压缩包嵌套超过 {self.limits.max_depth} 层，未解压；请将材料直接放入上传的压缩包",
                )
            else:
                self._open_nested(info, where, name, depth)
            return
        folder = posixpath.dirname(name)
        self.entries.append(
            BundleEntry(len(self.entries), name, folder, info.file_size, info.compress_size, where)
        )

    def _open_nested(self, info: zipfile.ZipInfo, where: tuple[int, ...], name: str, depth: int) -> None:
        try:
            data = self._inflate(self._zip, info, name)
        except UnreadableFile as exc:
            self._issue(name, "nested_unreadable", f"内层压缩包无法读取：{exc.reason}")
            return
        self._check_directory(data, self.limits.max_entries - self.total_entries)  # counts like _count
        try:
            inner = zipfile.ZipFile(io.BytesIO(data))
            infos = inner.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            self._issue(name, "nested_unreadable", f"内层压缩包无法读取：{exc}")
            return
        self._count(len(infos))
        self._add_bytes(sum(i.file_size for i in infos))
        self._inner[where[0]] = inner
        for position, child in enumerate(infos):
            self._consider(child, (*where, position), prefix=name + "/", depth=depth + 1)

    def _issue(self, name: str, code: IssueCode, message: str) -> None:
        self.issues.append(BundleIssue(name, code, message))

    # --- reading -------------------------------------------------------------------------------------

    def read(self, entry: BundleEntry) -> bytes:
        """The bytes of one entry; ``UnreadableFile`` naming it when it cannot be inflated as declared."""
        if len(entry._where) == 1:
            zf, info = self._zip, self._zip.infolist()[entry._where[0]]
        else:
            zf = self._inner[entry._where[0]]
            info = zf.infolist()[entry._where[1]]
        return self._inflate(zf, info, entry.name)

    @staticmethod
    def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
        try:
            with zf.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise UnreadableFile(
                name, f"压缩包中的此文件已损坏，无法解压（{exc}）", english="corrupt entry"
            ) from None
        if len(data) != info.file_size:  # the directory lied about the size: stop before a bomb expands
            raise UnreadableFile(
                name, "解压后的大小与压缩包目录不符，疑为损坏或恶意构造", english="size mismatch"
            )
        return data

    def __iter__(self) -> Iterator[tuple[BundleEntry, bytes | UnreadableFile]]:
        """Each entry with its bytes, or the ``UnreadableFile`` that reading it raised."""
        for entry in self.entries:
            try:
                yield entry, self.read(entry)
            except UnreadableFile as exc:
                yield entry, exc

    def close(self) -> None:
        for inner in self._inner.values():
            inner.close()
        self._inner.clear()
        if getattr(self, "_zip", None) is not None:
            self._zip.close()
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_bundle(
    source: bytes | Path, *, name: str | None = None, limits: BundleLimits = DEFAULT_BUNDLE_LIMITS
) -> Bundle:
    """Open a bundle from its bytes or path; raises ``UnsupportedFile`` (not a zip) or ``UnsafeBundle``."""
    if name is None:
        name = Path(source).name if isinstance(source, Path) else "bundle.zip"
    return Bundle(source, name=name, limits=limits)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
