"""File kinds from magic bytes and structure (OLE2 directories included), and legacy files through
LibreOffice."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest

from extractor.errors import UnreadableFile, UnsupportedFile
from extractor.sniff import OLE_MAGIC, ole_streams, sniff
from tests.extractor.ooxml import docx_bytes, p
from tests.extractor.pdfs import pdf_pages


def ole_file(*names: str) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors: header, one FAT sector, one directory sector)
    whose directory holds a root entry and empty streams named ``names`` (at most three)."""
    free = 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, 1, 1, 0)  # 1 FAT sector; directory starts at sector 1
    struct.pack_into("<IIIII", header, 0x38, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, *([free] * 126))
    directory = bytearray(512)
    for i, (name, kind) in enumerate([("Root Entry", 5), *((n, 2) for n in names)]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[i * 128 : i * 128 + len(encoded)] = encoded
        struct.pack_into("<HB", directory, i * 128 + 0x40, len(encoded), kind)
    return bytes(header) + fat + bytes(directory)


def test_kinds_from_magic_bytes():
    assert sniff(docx_bytes(p("x")), "a.pdf") == "docx"
    assert sniff(pdf_pages(["text:x"]), "a.docx") == "pdf"
    assert sniff(b"junk before %PDF-1.7 ...", "a") == "pdf"
    assert sniff(b"{\\rtf1\\ansi hello}", "a.doc") == "doc"
    assert sniff(ole_file("WordDocument", "1Table"), "a.bin") == "doc"
    assert sniff(ole_file("Workbook"), "a.bin") == "xls"
    assert sniff(ole_file("Book"), "old.xls") == "xls"


def test_the_name_only_breaks_a_tie_the_bytes_cannot():
    assert sniff(ole_file("Contents"), "报告.wps") == "doc"
    assert sniff(ole_file("Contents"), "报表.et") == "xls"
    with pytest.raises(UnsupportedFile, match="既不是 Word 也不是 Excel"):
        sniff(ole_file("Contents"), "x.msg")


def test_an_encrypted_office_file_is_unreadable_with_a_reason():
    with pytest.raises(UnreadableFile, match="已加密"):
        sniff(ole_file("EncryptionInfo", "EncryptedPackage"), "申报书.docx")


def test_odf_packages_go_through_libreoffice_and_other_zips_are_refused():
    def package(files: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for name, data in files.items():
                zf.writestr(name, data)
        return out.getvalue()

    assert sniff(package({"mimetype": b"application/vnd.oasis.opendocument.text"}), "a.odt") == "doc"
    assert sniff(package({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "a") == "xls"
    with pytest.raises(UnsupportedFile, match="压缩包"):
        sniff(package({"readme.txt": b"hi"}), "bundle.zip")
    with pytest.raises(UnreadableFile, match="已损坏"):
        sniff(package({"readme.txt": b"hi"}), "broken.docx")


def test_a_damaged_ole_directory_is_unreadable():
    assert ole_streams(OLE_MAGIC + bytes(100)) is None
    with pytest.raises(UnreadableFile, match="OLE2"):
        sniff(OLE_MAGIC + bytes(600), "a.doc")


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_real_97_2003_files_are_told_apart(office):
    assert "WordDocument" in (ole_streams(office["edited.doc"]) or set())
    assert sniff(office["edited.doc"], "x") == "doc"
    assert sniff(office["annex2.xls"], "x") == "xls"


@pytest.mark.soffice
def test_a_corrupt_legacy_file_is_unreadable_after_libreoffice_tries():
    from extractor import parse_bytes

    with pytest.raises(UnreadableFile, match="LibreOffice"):
        parse_bytes(ole_file("WordDocument"), "坏.doc")
