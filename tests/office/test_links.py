"""Removing external references from ODF and OOXML packages before LibreOffice opens them: what goes,
what stays (hyperlinks, pictures inside the package, formulas and their namespace prefixes)."""

from __future__ import annotations

import io
import zipfile

import pytest

from office import ConversionError, convert
from office.links import is_external, neutralise
from tests.hostile.corpus import good_docx


def _package(members: dict[str, str], *, first: str = "mimetype") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo(first), members.pop(first), zipfile.ZIP_STORED)
        for name, text in members.items():
            z.writestr(name, text)
    return out.getvalue()


ODF = (
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<office:body><office:text><text:p><text:a xlink:href="https://example.org/">链接</text:a></text:p>'
    '<draw:frame><draw:image xlink:href="http://10.0.0.1/a.png"/></draw:frame>'
    '<draw:frame><draw:image xlink:href="Pictures/inside.png"/></draw:frame>'
    '<draw:frame><draw:object xlink:href="../outside/object"/></draw:frame>'
    '<text:section text:name="s"><text:section-source xlink:href="file:///etc/passwd"/></text:section>'
    '<table:table table:name="t"><table:table-source xlink:href="http://10.0.0.1/data.ods"/>'
    '<table:table-row><table:table-cell table:formula="of:=1+1"/></table:table-row></table:table>'
    "</office:text></office:body></office:document-content>"
)


def test_odf_external_references_are_removed_and_the_rest_kept(tmp_path) -> None:
    src = tmp_path / "a.odt"
    src.write_bytes(_package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ODF}))
    out = neutralise(src, tmp_path / "clean")
    assert out == tmp_path / "clean" / "a.odt"
    with zipfile.ZipFile(out) as z:
        first = z.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        content = z.read("content.xml").decode()
    for gone in ("10.0.0.1", "../outside", "file:///etc/passwd", "section-source", "table-source"):
        assert gone not in content
    for kept in ("https://example.org/", "Pictures/inside.png", 'table:formula="of:=1+1"', "xmlns:of="):
        assert kept in content


def test_ooxml_external_relationships_are_removed_but_hyperlinks_kept(tmp_path) -> None:
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="r1" Type="{rel}/image" Target="http://10.0.0.1/a.png" TargetMode="External"/>'
        f'<Relationship Id="r2" Type="{rel}/oleObject" Target="file:///c:/x.xls" TargetMode="External"/>'
        f'<Relationship Id="r3" Type="{rel}/hyperlink" Target="https://example.org/" TargetMode="External"/>'
        f'<Relationship Id="r4" Type="{rel}/image" Target="media/image1.png"/>'
        "</Relationships>"
    )
    src = tmp_path / "a.docx"
    src.write_bytes(
        _package(
            {"[Content_Types].xml": "<Types/>", "word/_rels/document.xml.rels": rels},
            first="[Content_Types].xml",
        )
    )
    with zipfile.ZipFile(neutralise(src, tmp_path / "clean")) as z:
        kept = z.read("word/_rels/document.xml.rels").decode()
    assert 'Id="r1"' not in kept and 'Id="r2"' not in kept
    assert 'Id="r3"' in kept and 'Id="r4"' in kept


def test_a_package_without_external_references_is_not_copied(tmp_path) -> None:
    src = tmp_path / "a.docx"
    src.write_bytes(good_docx())
    assert neutralise(src, tmp_path / "clean") == src
    assert not (tmp_path / "clean").exists()


@pytest.mark.soffice
def test_a_part_with_a_doctype_is_refused_naming_the_file(tmp_path) -> None:
    src = tmp_path / "坏.odt"
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    src.write_bytes(_package({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": bomb}))
    with pytest.raises(ConversionError, match="坏.odt.*DOCTYPE"):
        convert(src, "pdf", tmp_path / "out")


@pytest.mark.parametrize(
    ("href", "external"),
    [
        ("http://127.0.0.1/x", True),
        ("file:///etc/passwd", True),
        ("vnd.sun.star.script:x", True),
        ("/etc/passwd", True),
        ("../x.png", True),
        ("./../x.png", True),
        ("Pictures/a.png", False),
        ("./Object 1", False),
        ("#bookmark", False),
    ],
)
def test_what_counts_as_outside_the_package(href: str, external: bool) -> None:
    assert is_external(href) is external
