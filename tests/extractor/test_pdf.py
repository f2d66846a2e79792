"""The PDF reader: cell text re-joined across wraps, tables stitched across pages, scans and undecodable
fonts reported. The realistic PDFs are printed by LibreOffice from .docx files built here."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from extractor.errors import UnreadableFile
from extractor.model import Paragraph, Table
from extractor.pdf import read_pdf
from extractor.settings import Limits
from extractor.text import join_wrapped
from forms.spacing import fold_spacing
from office.libreoffice import convert_many
from tests.extractor.pdfs import pdf_pages

USCC = "91110108MA01ABCD2X"
LONG = "本平台面向装备制造企业提供计量检测与可靠性试验服务并牵头制定行业标准多项"
MIXED = "江苏省内 46 家企业通过 ISO 9001 认证，编号 2024 0088，联系人 张 三，日期 2026-03-10"
ENGLISH = "Calibration of coordinate measuring machines for the aerospace industry"


def case_text(i: int) -> str:
    return f"案例{i}：" + LONG * (1 + i % 3) + f"累计服务{i * 7}家企业，金额1,234.50万元，第{i}行结束"


def _layout_docx(path: Path) -> None:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    document.add_paragraph("一、申报单位基本情况")
    document.add_paragraph("平 台 名 称：某某产业技术基础公共服务平台")
    kv = document.add_table(rows=3, cols=4)
    kv.style = "Table Grid"
    widths = (Cm(3.5), Cm(5.5), Cm(3.5), Cm(1.6))
    for row in kv.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    kv.cell(0, 0).text, kv.cell(0, 1).text = "单位名称", "某某检测技术研究院有限公司"
    kv.cell(0, 2).text, kv.cell(0, 3).text = "统一社会信用代码", USCC
    kv.cell(1, 0).text, kv.cell(1, 1).text = "是否具有独立法人资格", "☑是 ☐否"
    kv.cell(1, 2).text, kv.cell(1, 3).text = "邮箱", "zhang.san@example.com"
    kv.cell(2, 0).text = "主营业务"
    merged = kv.cell(2, 1).merge(kv.cell(2, 3))
    merged.text = "第一段：" + LONG * 3
    merged.add_paragraph("第二段：" + LONG)
    document.add_paragraph("具有行业影响力的典型服务案例")
    cases = document.add_table(rows=1, cols=3)
    cases.style = "Table Grid"
    header = cases.rows[0]
    for cell, label in zip(header.cells, ("序号", "案例名称", "服务内容"), strict=True):
        cell.text = label
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)
    for i in range(1, 41):
        row = cases.add_row().cells
        row[0].text, row[1].text, row[2].text = str(i), f"案例{i}", case_text(i)
    document.add_paragraph("English cell")
    english = document.add_table(rows=1, cols=2)
    english.style = "Table Grid"
    english.cell(0, 0).text, english.cell(0, 1).text = "Service", ENGLISH
    document.add_paragraph(MIXED)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("完")
    document.save(path)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, bytes]:
    """The layout document printed to PDF by LibreOffice (one conversion for the module)."""
    tmp = tmp_path_factory.mktemp("pdf-reader")
    src = tmp / "layout.docx"
    _layout_docx(src)
    (pdf,) = convert_many([src], "pdf", tmp / "out")
    return {"layout": pdf.read_bytes()}


@pytest.fixture(scope="module")
def layout(printed):
    return read_pdf(printed["layout"], "layout.pdf")


def _tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def _row_texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-pdf-reader")
def test_an_uscc_wrapped_in_a_narrow_cell_comes_back_whole(layout):
    kv = _tables(layout)[0]
    rows = _row_texts(kv)
    assert rows[0] == ["单位名称", "某某检测技术研究院有限公司", "统一社会信用代码", USCC]
    assert rows[1] == ["是否具有独立法人资格", "☑是 ☐否", "邮箱", "zhang.san@example.com"]
    assert kv.rows[1][1].checked == (True, False)


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-pdf-reader")
def test_paragraphs_in_a_cell_are_kept_apart_and_wrapped_lines_joined(layout):
    kv = _tables(layout)[0]
    value = kv.rows[2][1]
    assert value.colspan == 3
    assert value.text == "第一段：" + LONG * 3 + "\n第二段：" + LONG


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-pdf-reader")
def test_a_table_across_pages_is_stitched_back_with_every_row_whole(layout):
    assert layout.pages and layout.pages >= 3
    cases = _tables(layout)[1]
    rows = _row_texts(cases)
    assert rows[0] == ["序号", "案例名称", "服务内容"]
    assert len(rows) == 41, "the header repeated on each page is dropped, split rows joined again"
    for i in range(1, 41):
        assert rows[i] == [str(i), f"案例{i}", case_text(i)]
    pages = {c.page or cases.page for c in cases.cells()}
    assert len(pages) >= 2


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-pdf-reader")
def test_latin_words_keep_their_spaces_and_lines_outside_tables_are_paragraphs(layout):
    english = _tables(layout)[2]
    assert _row_texts(english) == [["Service", ENGLISH]]
    lines = [b.text for b in layout.blocks if isinstance(b, Paragraph)]
    assert lines[:2] == ["一、申报单位基本情况", "平 台 名 称：某某产业技术基础公共服务平台"]
    assert "完" in lines and layout.problems == ()


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-pdf-reader")
def test_spacing_beside_cjk_is_dropped_and_every_other_space_kept(layout):
    (line,) = [b.text for b in layout.blocks if isinstance(b, Paragraph) and b.text.startswith("江苏")]
    assert line == "江苏省内46家企业通过ISO 9001认证，编号2024 0088，联系人 张 三，日期2026-03-10"
    assert line == fold_spacing(MIXED)


def test_join_wrapped_rules():
    assert join_wrapped(["9111010", "8MA01ABCD2X"]) == "9111010" + "8MA01ABCD2X"
    assert join_wrapped(["某某检测技术", "研究院"]) == "某某检测技术研究院"
    assert join_wrapped(["1,234", ".50"]) == "1,234.50"
    assert join_wrapped(["the aerospace", "industry"]) == "the aerospace industry"
    assert join_wrapped(["zhang.san@exam", "ple.com"]) == "zhang.san@example.com"


def test_an_image_only_pdf_is_unreadable_as_a_scan():
    with pytest.raises(UnreadableFile, match="扫描件/无文本层") as err:
        read_pdf(pdf_pages(["image", "image"]), "scan.pdf")
    assert "scan.pdf" in str(err.value)


def test_scanned_pages_among_text_pages_are_a_problem():
    doc = read_pdf(pdf_pages(["text:Hello", "image", "text:World", "image"]), "mixed.pdf")
    (problem,) = doc.problems
    assert problem.code == "scanned_page" and problem.params["pages"] == "2、4"
    assert [b.text for b in doc.blocks] == ["Hello", "World"]


def test_text_in_a_font_without_unicode_map_is_a_problem():
    doc = read_pdf(pdf_pages(["text:Hello", "cid:AB"]), "cid.pdf")
    assert [p.code for p in doc.problems] == ["undecodable_font"]
    assert doc.problems[0].params["pages"] == "2"
    assert "(cid:65)" in doc.blocks[-1].text


@pytest.mark.parametrize("data", [b"%PDF-1.4\n garbage", b"%PDF-1.7\n" + bytes(range(256)) * 4])
def test_a_corrupt_pdf_is_unreadable(data):
    with pytest.raises(UnreadableFile, match="bad.pdf"):
        read_pdf(data, "bad.pdf")


def test_pages_over_the_limit_are_reported_not_read():
    doc = read_pdf(pdf_pages(["text:One", "text:Two", "text:Three"]), "long.pdf", Limits(max_pages=2))
    assert [b.text for b in doc.blocks] == ["One", "Two"]
    assert [p.code for p in doc.problems] == ["pages_truncated"]
