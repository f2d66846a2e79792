"""Visible text only: what no reader of the file sees is never part of a value, and is reported on the field.

The documents are laid out by hand (a two-column key/value table and loose lines, not our templates), as a
unit re-typing the form would; each hides text the way Word, WPS and PDF writers can.
"""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from extractor.docx import read_docx
from tests.extractor.ooxml import docx_bytes, p, t, tbl, tc, tr
from tests.extractor.pdfs import pdf_drawn


def run(text: str, props: str) -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def staff_table(*value_runs: str, cell_props: str = "") -> bytes:
    """A re-typed 一、申报单位基本情况 table whose 从业人员总数 cell holds ``value_runs``."""
    value = f"<w:tc><w:tcPr>{cell_props}</w:tcPr><w:p>{''.join(value_runs)}</w:p></w:tc>"
    return docx_bytes(
        p("产业技术基础公共服务平台申报书"),
        p("一、申报单位基本情况"),
        tbl(
            tr(tc("单位名称"), tc("某某检测技术有限公司")),
            tr(tc("从业人员总数（人）"), value),
        ),
    )


def invisible(result) -> list:
    return [q for q in result.problems if q.code == "invisible_text"]


@pytest.mark.parametrize(
    ("hidden", "cell_props"),
    [
        (run("1", "<w:vanish/>"), ""),
        (run("1", "<w:webHidden/>"), ""),
        (run("1", "<w:specVanish/>"), ""),
        (run("1", '<w:sz w:val="1"/>'), ""),
        (run("1", '<w:color w:val="FFFFFF"/><w:sz w:val="2"/>'), ""),
        (run("1", '<w:color w:val="ffffff"/>'), ""),
        (run("1", '<w:color w:val="D9D9D9"/>'), '<w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/>'),
        (run("1", '<w:color w:val="FFFF00"/><w:highlight w:val="yellow"/>'), ""),
        ('<w:del w:id="1" w:author="x"><w:r><w:delText>1</w:delText></w:r></w:del>', ""),
    ],
    ids=[
        *("vanish", "webHidden", "specVanish", "half-point", "white-1pt"),
        *("white", "shaded", "highlight", "deleted"),
    ],
)
def test_a_hidden_digit_before_the_staff_count_is_left_out_and_reported(hidden, cell_props):
    data = staff_table(hidden, t("186"), cell_props=cell_props)
    result = parse_bytes(data, "改过的申报书.docx", form="annex1")
    assert result.record["applicant"]["staff_total"] == 186
    (problem,) = invisible(result)
    assert problem.field == "applicant.staff_total" and problem.raw == "1"
    assert "含不可见文字" in problem.message and "从业人员总数" in problem.message


def test_visible_colours_sizes_and_a_hidden_off_switch_are_read():
    visible = (
        run("1", '<w:vanish w:val="0"/>'),
        run("8", '<w:color w:val="FF0000"/><w:sz w:val="21"/>'),
        run("6", '<w:color w:val="FFFFFF"/><w:shd w:val="clear" w:fill="000000"/>'),
    )
    result = parse_bytes(staff_table(*visible), "a.docx", form="annex1")
    assert result.record["applicant"]["staff_total"] == 186
    assert invisible(result) == []


def test_the_reader_keeps_the_unseen_text_beside_the_paragraph_and_the_cell():
    data = docx_bytes(
        p(t("平台名称："), run("（内部）", "<w:vanish/>"), t("某平台")),
        tbl(tr(tc("单位名称"), f"<w:tc><w:p>{run('旧名', '<w:vanish/>')}{t('新名')}</w:p></w:tc>")),
    )
    doc = read_docx(data, "u.docx")
    para, table = doc.blocks
    assert (para.text, para.unseen) == ("平台名称：某平台", "（内部）")
    assert (table.rows[0][1].text, table.rows[0][1].unseen) == ("新名", "旧名")
    assert table.rows[0][0].unseen == ""


def retyped_pdf(hidden: tuple[float, float, str, str], *, fills=()) -> bytes:
    """A re-typed application printed by another program: a title, a heading and a ruled two-column
    table whose 从业人员总数 cell reads 186, with ``hidden`` drawn as well."""
    texts = [
        (60, 740, "产业技术基础公共服务平台申报书", ""),
        (60, 716, "平台名称：某某平台", ""),
        (60, 690, "一、申报单位基本情况", ""),
        (56, 666, "单位名称", ""),
        (256, 666, "某某检测技术有限公司", ""),
        (56, 646, "从业人员总数（人）", ""),
        (266, 646, "186", ""),
        hidden,
    ]
    rules = [(50, 680, 450, 680), (50, 660, 450, 660), (50, 640, 450, 640)]
    rules += [(x, 640, x, 680) for x in (50, 250, 450)]
    return pdf_drawn(texts, rules, list(fills))


@pytest.mark.parametrize(
    "hidden",
    [
        (257, 646, "1", "3 Tr"),
        (257, 646, "1", "7 Tr"),
        (257, 646, "1", "1 g"),
        (257, 646, "1", "1 1 1 rg"),
        (257, 646, "1", "0 0 0 0 k"),
        (257, 646, "1", "/F1 0.4 Tf"),
    ],
    ids=["render-3", "render-7", "white-gray", "white-rgb", "white-cmyk", "tiny"],
)
def test_pdf_text_no_reader_sees_is_left_out_of_the_cell_and_reported(hidden):
    result = parse_bytes(retyped_pdf(hidden), "另一排版.pdf", form="annex1")
    assert result.record["applicant"]["staff_total"] == 186
    (problem,) = invisible(result)
    assert (problem.field, problem.raw) == ("applicant.staff_total", "1")


def test_pdf_text_outside_the_page_box_is_left_out_of_its_line():
    result = parse_bytes(retyped_pdf((640, 716, "（旧）", "")), "出界.pdf", form="annex1")
    assert result.record["cover"]["platform_name"] == "某某平台"
    (problem,) = invisible(result)
    assert (problem.field, problem.raw) == ("cover.platform_name", "（旧）")


def test_white_text_on_a_dark_filled_box_is_visible():
    shaded = retyped_pdf((257, 646, "1", "1 g"), fills=[(251, 641, 198, 18, "0.2 g")])
    result = parse_bytes(shaded, "深底白字.pdf", form="annex1")
    assert result.record["applicant"]["staff_total"] == 1186
    assert invisible(result) == []
