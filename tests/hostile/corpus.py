"""The hostile corpus, built by code as bytes (nothing large is committed): each item is a file a stranger
could upload, with what the service must answer — a refusal (HTTP status, problem type, a phrase of the
reason) or, for files that are merely too long, a result that says what was left unread.

Zip members are written by a small zip writer of our own (``zip_bytes``) so that an item can carry what
``zipfile`` would never write: a member whose header lies about its size, a deflate stream of 2 GiB that
is 3 MB on the wire (``bomb_stream``), the encryption flag. Compound (OLE2) files, PDFs with an /Encrypt
dictionary or crafted form XObjects are written byte by byte too.
"""

from __future__ import annotations

import functools
import gzip
import io
import os
import pickle
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forms.records import load_record
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.pdfs import pdf, stream

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
GIB = 1 << 30


# --- what an item expects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """The file is refused: CLI exit 2, API ``status`` with problem type ``urn:itbforms:problem:<slug>``."""

    status: int
    slug: str
    reason: str  # a phrase of the Chinese message, in the CLI's stderr line and the API's detail


UNREADABLE = functools.partial(Refused, 422, "unreadable-file")
UNSUPPORTED = functools.partial(Refused, 415, "unsupported-file")


@dataclass(frozen=True)
class Truncated:
    """The file is read up to a limit: CLI exit 0, API 200, and the result names what was left unread."""

    problem: str  # the code of the problem in the result


@dataclass(frozen=True)
class Item:
    name: str  # the file name it is uploaded under
    about: str
    data: bytes = field(repr=False)
    expect: Refused | Truncated
    form: str | None = None  # given as --form / form= (to show a limit on a file that is no form at all)


# --- zip packages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One zip member. ``data`` is deflated by the writer; or ``raw`` is a deflate stream already made, with
    the ``size`` and ``crc`` to declare. ``size`` may lie about ``data`` too."""

    name: str
    data: bytes = b""
    raw: bytes | None = None
    size: int | None = None
    crc: int | None = None
    flags: int = 0
    stored: bool = False
    method: int | None = None  # declared compression method, whatever the bytes are


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_bytes(members: Iterable[Member]) -> bytes:
    """A zip archive of ``members`` exactly as declared (no zip64: every size below 4 GiB)."""
    out = bytearray()
    central = bytearray()
    count = 0
    for m in members:
        name = m.name.encode("utf-8")
        flags = m.flags | (0x800 if not m.name.isascii() else 0)
        if m.raw is not None:
            body, method = m.raw, 8
        elif m.stored:
            body, method = m.data, 0
        else:
            body, method = _deflate(m.data), 8
        method = method if m.method is None else m.method
        size = len(m.data) if m.size is None else m.size
        crc = zlib.crc32(m.data) if m.crc is None else m.crc
        fixed = struct.pack("<HHHHHIII", 20, flags, method, 0, 0x5A6A, crc, len(body), size)
        offset = len(out)
        out += b"PK\x03\x04" + fixed + struct.pack("<HH", len(name), 0) + name + body
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fixed
            + struct.pack("<HHHHHII", len(name), 0, 0, 0, 0, 0, offset)
            + name
        )
        count += 1
    cd_offset = len(out)
    out += central
    out += b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, count, count, len(central), cd_offset, 0)
    return bytes(out)


def members_of(package: bytes, **replace: bytes) -> list[Member]:
    """The members of a real package, some replaced (``replace`` maps a member name to its new bytes)."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return [Member(n, replace.get(n, z.read(n))) for n in z.namelist()]


def swap(package: bytes, name: str, member: Member) -> bytes:
    """``package`` with member ``name`` replaced by ``member`` (added when absent)."""
    kept = [m for m in members_of(package) if m.name != name]
    return zip_bytes([*kept, member])


@functools.cache
def bomb_stream(unit: bytes, size: int) -> tuple[bytes, int, int]:
    """(raw deflate stream, uncompressed size, CRC-32) of ``unit`` repeated to ``size`` bytes.

    One MiB of ``unit`` is compressed once with a full flush (its blocks refer to nothing before them) and
    that block repeated, then an empty final block: 2 GiB of XML in ~3 MB, made in a second.
    """
    chunk = unit * ((1 << 20) // len(unit))
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    times = size // len(chunk)
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    return block * times + b"\x03\x00", times * len(chunk), crc


def bomb_member(name: str, unit: bytes, size: int, *, declare: int | None = None) -> Member:
    """A member inflating to ``size`` bytes; its header declares ``declare`` bytes (default: the truth)."""
    raw, real, crc = bomb_stream(unit, size)
    return Member(name, raw=raw, size=real if declare is None else declare, crc=crc)


# --- the good documents the hostile ones are made from ----------------------------------------------------


@functools.cache
def good_docx() -> bytes:
    """The example application filled into our Word template."""
    return fill("annex1", load_record(read_example("annex1.json")).record, "docx")


@functools.cache
def good_xlsx() -> bytes:
    """The example annual report filled into our Excel workbook."""
    return fill("annex2", load_record(read_example("annex2.json")).record, "xlsx")


def _document(body: str) -> str:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


LAUGHS = '<!ENTITY a0 "lol">' + "".join(
    f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
)  # &a9; is 10^9 "lol"s


def _with_shared_strings(package: bytes, sst: bytes) -> bytes:
    """An .xlsx whose first sheet refers to string 0 of ``sst`` (a ``sharedStrings.xml`` part added)."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        types = z.read("[Content_Types].xml").decode()
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    sheet = sheet.replace("</sheetData>", '<row r="999"><c r="Z999" t="s"><v>0</v></c></row></sheetData>', 1)
    members = members_of(
        package, **{"[Content_Types].xml": types.encode(), "xl/worksheets/sheet1.xml": sheet.encode()}
    )
    return zip_bytes([*members, Member("xl/sharedStrings.xml", sst)])


def _million_rows(package: bytes) -> bytes:
    """The annual report with a last sheet of a million one-cell rows (compressed to ~100 KB) and a
    dimension claiming the whole grid."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        sheets = sorted(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        last = sheets[-1]
        xml = z.read(last).decode()
    head, tail = xml.split("</sheetData>", 1)
    rows = "<row><c><v>1</v></c></row>" * 1_000_000
    xml = head + rows + "</sheetData>" + tail
    xml = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml, count=1)
    kept = [m for m in members_of(package) if m.name != last]
    return zip_bytes([*kept, Member(last, xml.encode())])


def _far_row(package: bytes) -> bytes:
    """The annual report whose first sheet ends with a row numbered 1,048,576."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        xml = z.read(sheet).decode()
    xml = xml.replace("</sheetData>", '<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>', 1)
    return swap(package, sheet, Member(sheet, xml.encode()))


def _merges(package: bytes, refs: list[str]) -> bytes:
    """The annual report whose first sheet merges ``refs`` (in place of its own merged cells)."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        xml = z.read(sheet).decode()
    merges = f'<mergeCells count="{len(refs)}">' + "".join(f'<mergeCell ref="{r}"/>' for r in refs)
    start = xml.find("<mergeCells")
    if start >= 0:
        end = xml.index("</mergeCells>") + len("</mergeCells>")
        xml = xml[:start] + merges + "</mergeCells>" + xml[end:]
    else:
        xml = xml.replace("</sheetData>", "</sheetData>" + merges + "</mergeCells>", 1)
    return swap(package, sheet, Member(sheet, xml.encode()))


def _macro(package: bytes, *, bin_name: str) -> bytes:
    """A macro-enabled Word document (.docm): main part typed macroEnabled, a VBA project part."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        types = z.read("[Content_Types].xml").decode()
    types = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    ).replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    kept = [m for m in members_of(package) if m.name != "[Content_Types].xml"]
    vba = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b'Attribute VB_Name = "ThisDocument"\nSub AutoOpen()\nEnd Sub\n'
    )
    return zip_bytes([Member("[Content_Types].xml", types.encode()), *kept, Member(bin_name, vba)])


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _corrupt_deflate(package: bytes, name: str) -> bytes:
    """``package`` with member ``name``'s deflate stream damaged (sizes and CRC unchanged)."""
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        data = z.read(name)
    raw = bytearray(_deflate(data))
    raw[0] |= 0x06  # the first block's type becomes 11, reserved: "invalid block type"
    return swap(package, name, Member(name, data, raw=bytes(raw), size=len(data), crc=zlib.crc32(data)))


def directory_flood(entries: int, name: bytes = b"word/x") -> bytes:
    """One empty member, then a central directory of ``entries`` headers all pointing at it (built in
    milliseconds: the directory is listed without touching the data), its end record claiming one entry."""
    local = b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
    header = b"PK\x01\x02" + struct.pack(
        "<HHHHHHIIIHHHHHII", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, 0
    )
    directory = (header + name) * entries
    return (
        local + directory + b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 1, 1, len(directory), len(local), 0)
    )


def many_entries(n: int, *, prefix: str = "word/media/image", suffix: str = ".png") -> list[Member]:
    return [Member(f"{prefix}{i}{suffix}", b"", stored=True) for i in range(n)]


# --- compound files (OLE2 / CFB) ------------------------------------------------------------------------


def cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding ``streams`` (each padded to 4 KiB so it lives in ordinary sectors,
    not the mini stream): what Office writes around an encrypted package or a Word 97 document."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the order the directory tree compares by
    bodies = [streams[n].ljust(4096, b"\0") for n in names]
    dir_sectors = -(-(len(names) + 1) * 128 // sector)
    data_sectors = [-(-len(b) // sector) for b in bodies]
    n_fat = 1
    while n_fat * 128 < n_fat + dir_sectors + sum(data_sectors):
        n_fat += 1
    fat = [fat_mark] * n_fat
    first_dir = len(fat)
    fat += [first_dir + i + 1 for i in range(dir_sectors - 1)] + [end]
    starts = []
    for count in data_sectors:
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (n_fat * 128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 16
            + struct.pack("<I", 0)
            + b"\0" * 16
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1 if names else free, free, end, 0)
    for i, (name, body, start) in enumerate(zip(names, bodies, starts, strict=True), start=1):
        right = i + 1 if i < len(names) else free
        directory += entry(name, 2, free, right, start, len(body))
    directory = directory.ljust(dir_sectors * sector, b"\0")
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, first_dir, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", *(list(range(n_fat)) + [free] * (109 - n_fat)))
    )
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    body = b"".join(b.ljust(count * sector, b"\0") for b, count in zip(bodies, data_sectors, strict=True))
    return header + fat_bytes + directory + body


def encrypted_docx() -> bytes:
    """An Office document saved with a password: a compound file with ``EncryptionInfo`` (agile encryption
    XML, as Word 2010+ writes) and ``EncryptedPackage`` (the zip, AES-encrypted: here random bytes)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
        b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" '
        b'cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/>'
        b"</encryption>"
    )
    package = struct.pack("<Q", 30_000) + os.urandom(30_000)
    return cfb({"EncryptionInfo": info, "EncryptedPackage": package})


def junk_word97() -> bytes:
    """A compound file with a ``WordDocument`` stream of garbage: a damaged Word 97–2003 file."""
    return cfb({"WordDocument": os.urandom(8192), "1Table": os.urandom(4096)})


# --- PDFs -------------------------------------------------------------------------------------------------


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def one_page(content: bytes, resources: bytes, more: Sequence[bytes] = (), box: int = 612) -> list[bytes]:
    """Objects of a one-page PDF: 1 catalog, 2 pages, 3 page, 4 contents, 5 Helvetica, 6… ``more``."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R /Resources %s >>"
        % (box, box, resources),
        stream(content),
        HELVETICA,
        *more,
    ]


def text_pages(n: int) -> bytes:
    """``n`` pages of one line of text each, sharing one font."""
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        HELVETICA,
    ]
    for i in range(n):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i)
        )
        objects.append(stream(b"BT /F1 12 Tf 72 700 Td (page %d of a very long file) Tj ET" % (i + 1)))
    return pdf(objects)


def form_fanout(levels: int) -> bytes:
    """Form XObject k draws form k+1 twice, ``levels`` deep: 2^levels paths from a few KB."""
    forms = []
    for k in range(levels):
        number = 6 + k
        if k + 1 < levels:
            forms.append(
                stream(
                    b"/X Do /X Do",
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
                    b"/Resources << /XObject << /X %d 0 R >> >> " % (number + 1),
                )
            )
        else:
            forms.append(stream(b"0 0 m 1 1 l S", b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "))
    return pdf(
        one_page(
            b"BT /F1 12 Tf 72 700 Td (fan-out) Tj ET /X Do",
            b"<< /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >>",
            forms,
        )
    )


def form_loop() -> bytes:
    """A form XObject that draws itself (twice): a cycle, not a tree."""
    return pdf(
        one_page(
            b"/X Do",
            b"<< /XObject << /X 6 0 R >> >>",
            [
                stream(
                    b"/X Do /X Do",
                    b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
                    b"/Resources << /XObject << /X 6 0 R >> >> ",
                )
            ],
        )
    )


def ruled_grid(lines: int) -> bytes:
    """A page ruled by ``lines`` horizontal and ``lines`` vertical lines 10 pt apart (a few KB; the table
    finder's work grows with their crossings squared)."""
    side = 10 * lines + 20
    ops = [b"BT /F1 12 Tf 72 %d Td (grid) Tj ET" % (side - 30)]
    for i in range(lines):
        p = 10 + 10 * i
        ops.append(b"10 %d m %d %d l S %d 10 m %d %d l S" % (p, side - 10, p, p, p, side - 10))
    return pdf(one_page(b"\n".join(ops), b"<< /Font << /F1 5 0 R >> >>", box=side))


def encrypted_pdf(revision: int) -> bytes:
    """A PDF encrypted by the standard security handler with a user password (RC4 revision 2, or AES-256
    revision 6): its /O and /U entries match no empty password."""
    rng = bytes(range(7, 7 + 48))
    if revision == 2:
        encrypt = b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <%s> /U <%s> >>" % (
            rng[:32].hex().encode(),
            rng[16:48].hex().encode(),
        )
    else:
        encrypt = (
            b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 /O <%s> /U <%s> /OE <%s> /UE <%s> "
            b"/Perms <%s> /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >> "
            b"/StmF /StdCF /StrF /StdCF >>"
            % (
                rng.hex().encode(),
                rng[::-1].hex().encode(),
                rng[:32].hex().encode(),
                rng[16:].hex().encode(),
                rng[:16].hex().encode(),
            )
        )
    objects = one_page(b"BT /F1 12 Tf 72 700 Td (secret) Tj ET", b"<< /Font << /F1 5 0 R >> >>", [encrypt])
    return pdf(
        objects, b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (rng[:16].hex().encode(), rng[:16].hex().encode())
    )


def cve_2025_64512(planted: Path) -> bytes:
    """A PDF whose CID font names as its encoding (CMap) the absolute path of a file next to ``planted``:
    pdfminer.six before 20251107 loaded ``<name>.pickle.gz`` from that path and unpickled it (code run)."""
    name = "".join(ch if ch.isalnum() else f"#{ord(ch):02X}" for ch in str(planted)).encode()
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /%s /DescendantFonts [7 0 R] >>" % name
    cid = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    )
    return pdf(one_page(b"BT /F2 12 Tf 72 700 Td <0041> Tj ET", b"<< /Font << /F2 6 0 R >> >>", [font, cid]))


class _MakeDir:
    """Unpickling this makes a directory: the visible effect of code run from a pickle."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.mkdir, (self.path,)


def plant_pickle(planted: Path, marker: Path) -> None:
    """Write ``<planted>.pickle.gz``, which makes directory ``marker`` if anyone unpickles it."""
    with gzip.open(f"{planted}.pickle.gz", "wb") as fh:
        pickle.dump(_MakeDir(str(marker)), fh)


# --- the corpus -------------------------------------------------------------------------------------------


@functools.cache
def single_files() -> tuple[Item, ...]:
    """Every hostile single file that needs nothing but Python to build."""
    docx, xlsx = good_docx(), good_xlsx()
    doc_xml = "word/document.xml"
    xxe = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>{_document(_para("&x;"))}'
    late = f'<?xml version="1.0"?><!--{" " * 8000}--><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    rels_xxe = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/><!-- &x; --></Relationships>'
    )
    laughs_docx = f'<?xml version="1.0"?><!DOCTYPE d [{LAUGHS}]>{_document(_para("&a9;"))}'
    laughs_sst = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{LAUGHS}]><sst xmlns="{S_NS}" count="1" uniqueCount="1">'
        "<si><t>&a9;</t></si></sst>"
    )
    xxe_sst = (
        f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<sst xmlns="{S_NS}" count="1" uniqueCount="1"><si><t>&x;</t></si></sst>'
    )
    whole_sheet = "A1:XFD1048576"
    odt_type = b"application/vnd.oasis.opendocument.text"
    return (
        Item(
            "flat-bomb.docx",
            "document.xml inflates to 2 GiB (~3 MB upload), its size declared honestly",
            swap(docx, doc_xml, bomb_member(doc_xml, b"<w:p/>", 2 * GIB)),
            UNREADABLE("超过单个部件"),
        ),
        Item(
            "lying-bomb.docx",
            "document.xml inflates to 1 GiB while its header declares 20 KB",
            swap(docx, doc_xml, bomb_member(doc_xml, b"<w:p/>", GIB, declare=20_000)),
            UNREADABLE("文件已损坏"),
        ),
        Item(
            "mimetype-bomb.odt",
            "an OpenDocument-looking zip whose mimetype member inflates to 1 GiB",
            zip_bytes([bomb_member("mimetype", b"\0", GIB)]),
            UNSUPPORTED("是压缩包而不是表单文件"),
        ),
        Item(
            "content-bomb.odt",
            "an ODT (read through LibreOffice) whose content.xml inflates to 2 GiB",
            zip_bytes(
                [Member("mimetype", odt_type, stored=True), bomb_member("content.xml", b"<p/>", 2 * GIB)]
            ),
            UNREADABLE("解压后超过"),
        ),
        Item(
            "many-entries.docx",
            "the example application with 20,000 extra (empty) members",
            zip_bytes([*members_of(docx), *many_entries(20_000)]),
            UNREADABLE("压缩包部件过多"),
        ),
        Item(
            "xxe.docx",
            "DOCTYPE with an external entity on /etc/passwd",
            swap(docx, doc_xml, Member(doc_xml, xxe.encode())),
            UNREADABLE("DOCTYPE"),
        ),
        Item(
            "xxe-late.docx",
            "the DOCTYPE after an 8 KB comment (past any look at the head)",
            swap(docx, doc_xml, Member(doc_xml, (late + _document(_para("&x;"))).encode())),
            UNREADABLE("DOCTYPE"),
        ),
        Item(
            "xxe-utf16.docx",
            "the XXE document.xml in UTF-16 (no ASCII '<!DOCTYPE' bytes)",
            swap(
                docx, doc_xml, Member(doc_xml, xxe.replace("?>", ' encoding="UTF-16"?>', 1).encode("utf-16"))
            ),
            UNREADABLE("DOCTYPE"),
        ),
        Item(
            "xxe-rels.docx",
            "the external entity in _rels/.rels, read before the document",
            swap(docx, "_rels/.rels", Member("_rels/.rels", rels_xxe.encode())),
            UNREADABLE("DOCTYPE"),
        ),
        Item(
            "laughs.docx",
            "billion laughs (10^9 'lol') in document.xml",
            swap(docx, doc_xml, Member(doc_xml, laughs_docx.encode())),
            UNREADABLE("DOCTYPE"),
        ),
        Item(
            "laughs.xlsx",
            "billion laughs in xl/sharedStrings.xml, referred to by a cell",
            _with_shared_strings(xlsx, laughs_sst.encode()),
            UNREADABLE("实体声明"),
        ),
        Item(
            "xxe.xlsx",
            "an external entity on /etc/passwd in xl/sharedStrings.xml",
            _with_shared_strings(xlsx, xxe_sst.encode()),
            UNREADABLE("实体声明"),
        ),
        Item(
            "million-rows.xlsx",
            "the annual report with a sheet of 1,000,000 rows and a dimension of the whole grid",
            _million_rows(xlsx),
            Truncated("rows_truncated"),
        ),
        Item(
            "far-row.xlsx",
            "the annual report with a row numbered 1,048,576",
            _far_row(xlsx),
            Truncated("rows_truncated"),
        ),
        Item(
            "whole-sheet-merge.xlsx",
            f"a merged range {whole_sheet} (17 billion positions) next to the real cells",
            _merges(xlsx, [whole_sheet, "A1:B1"]),
            Truncated("not_found"),
        ),
        Item(
            "merge-flood.xlsx",
            "10,000 merged ranges over the whole grid",
            _merges(xlsx, [whole_sheet] * 10_000),
            UNREADABLE("合并单元格超过"),
        ),
        Item("truncated.pdf", "a 40-page PDF cut in the middle", _cut(text_pages(40)), UNREADABLE("已损坏")),
        Item(
            "header-only.pdf", "a PDF header and half an object", b"%PDF-1.7\n1 0 obj<<", UNREADABLE("已损坏")
        ),
        Item(
            "form-loop.pdf",
            "a form XObject that draws itself",
            form_loop(),
            UNREADABLE("没有任何文字"),
        ),
        Item(
            "form-fanout.pdf",
            "form XObjects drawing the next twice, 40 deep (2^40 paths from 4 KB)",
            form_fanout(40),
            UNREADABLE("内容过于复杂"),
        ),
        Item(
            "ruled-grid.pdf",
            "200 × 200 ruling lines (40,000 crossings) on one page",
            ruled_grid(200),
            UNREADABLE("表格线交点过多"),
        ),
        Item(
            "ruled-lines.pdf",
            "2,000 × 2,000 ruling lines on one large page",
            ruled_grid(2_000),
            UNREADABLE("表格线过多"),
        ),
        Item(
            "pages-2000.pdf",
            "2,000 pages (read as annex1: the first max_pages pages are read)",
            text_pages(2_000),
            Truncated("pages_truncated"),
            form="annex1",
        ),
        Item(
            "pages-2000-noform.pdf",
            "the same 2,000 pages, form detected",
            text_pages(2_000),
            UNSUPPORTED("不是"),
        ),
        Item(
            "encrypted.docx",
            "a password-protected Word file (OLE2 EncryptedPackage)",
            encrypted_docx(),
            UNREADABLE("已加密"),
        ),
        Item(
            "encrypted-rc4.pdf",
            "a PDF with a user password (RC4, revision 2)",
            encrypted_pdf(2),
            UNREADABLE("已加密"),
        ),
        Item(
            "encrypted-aes.pdf",
            "a PDF with a user password (AES-256, revision 6)",
            encrypted_pdf(6),
            UNREADABLE("已加密"),
        ),
        Item(
            "encrypted-entry.docx",
            "a zip whose members carry the (ZipCrypto) encryption flag",
            zip_bytes([Member(m.name, m.data, flags=0x1) for m in members_of(docx)]),
            UNREADABLE("已加密"),
        ),
        Item(
            "macro.docm",
            "a macro-enabled document (.docm) with vbaProject.bin",
            _macro(docx, bin_name="word/vbaProject.bin"),
            UNSUPPORTED("含宏"),
        ),
        Item(
            "vba-part.docx",
            "the example application with a word/vbaProject.bin added, its content types untouched",
            swap(docx, "word/vbaProject.bin", Member("word/vbaProject.bin", b"\0" * 64)),
            UNSUPPORTED("含宏"),
        ),
        Item(
            "macro-renamed.docx",
            "a .docm renamed .docx, its VBA part renamed too (only the content types tell)",
            _macro(docx, bin_name="word/media/image9.bin"),
            UNSUPPORTED("含宏"),
        ),
        Item(
            "corrupt-deflate.docx",
            "document.xml's deflate stream damaged",
            _corrupt_deflate(docx, doc_xml),
            UNREADABLE("文件已损坏"),
        ),
        Item(
            "corrupt-deflate.xlsx",
            "a worksheet's deflate stream damaged",
            _corrupt_deflate(xlsx, "xl/worksheets/sheet1.xml"),
            UNREADABLE("已损坏"),
        ),
        Item(
            "unknown-method.docx",
            "members declaring compression method 99 (WinZip AES), unknown to zipfile",
            zip_bytes([Member(m.name, m.data, method=99) for m in members_of(docx)]),
            UNREADABLE("已损坏"),
        ),
        Item(
            "unknown-method.xlsx",
            "one worksheet declaring compression method 99",
            zip_bytes(
                [
                    Member(m.name, m.data, method=99 if m.name.endswith("sheet2.xml") else None)
                    for m in members_of(xlsx)
                ]
            ),
            UNREADABLE("已损坏"),
        ),
        Item("random.docx", "64 KB of random bytes", os.urandom(65_536), UNSUPPORTED("不是可识别的文件类型")),
        Item("empty.docx", "an empty file", b"", UNSUPPORTED("文件为空")),
        Item("picture.pdf", "a PNG named .pdf", b"\x89PNG\r\n\x1a\n" + os.urandom(1000), UNSUPPORTED("图片")),
    )


def by_name() -> dict[str, Item]:
    return {item.name: item for item in single_files()}


# --- bundles ----------------------------------------------------------------------------------------------


def slip_bundle() -> bytes:
    """A bundle with zip-slip names (``../../x``, absolute, a drive letter) beside one real application."""
    docx = good_docx()
    return zip_bytes(
        [
            Member("单位A/申报书.docx", docx),
            Member("../../itbforms-slip.docx", docx),
            Member("/tmp/itbforms-slip-abs.docx", docx),
            Member("C:/itbforms-slip-drive.docx", docx),
            Member("单位B/../../../itbforms-slip-deep.docx", docx),
        ]
    )


SLIP_NAMES = (
    "itbforms-slip.docx",
    "itbforms-slip-abs.docx",
    "itbforms-slip-drive.docx",
    "itbforms-slip-deep.docx",
)


def nested_bomb_bundle() -> bytes:
    """A bundle of zip bombs at every level: a zip inside it holding a .docx whose document.xml inflates to
    2 GiB, a zip inside that (depth 2) and a 200 MiB attachment; beside it a 50 MiB entry compressed
    1000:1, and one real application."""
    inner = zip_bytes(
        [
            Member("单位A/申报书.docx", by_name()["flat-bomb.docx"].data),
            Member("更深/inner.zip", zip_bytes([Member("a.docx", good_docx())])),
            bomb_member("单位A/附件.pdf", b"\0", 200 << 20),
        ]
    )
    return zip_bytes(
        [
            Member("推荐材料/第二批.zip", inner),
            Member("单位C/申报书.docx", good_docx()),
            bomb_member("单位D/申报书.docx", b"\0", 50 << 20),
        ]
    )


def declared_bomb_bundle() -> bytes:
    """'42.zip' in spirit: 16 inner zips of 16 entries each declaring 1 GiB (256 GiB declared, 30 KB sent)."""
    inner = zip_bytes([Member(f"part{j}.docx", b"x", size=GIB - 1, crc=0) for j in range(16)])
    return zip_bytes([Member(f"lib{i}.zip", inner) for i in range(16)])


def many_entries_bundle(n: int = 20_000) -> bytes:
    return zip_bytes(many_entries(n, prefix="单位/申报书", suffix=".docx"))
