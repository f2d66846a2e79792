"""The generated Word templates: in step with forms/, laid out and typeset as a ministry form."""

from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from docx.oxml.ns import qn
from jinja2.utils import Namespace

from forms import ANNEX1, ANNEX2, FORMS
from forms.model import Field, FieldType, FormDef, Section
from templates.build import TEXT_WIDTH, build_docx, template_path
from templates.render import check_template, template_bytes, template_keys
from tests.templates.docx_helpers import all_text, open_docx, table_cells

FORM_IDS = sorted(FORMS)


def with_field(form: FormDef, section_key: str, extra: Field) -> FormDef:
    """A throw-away copy of ``form`` with one more field in a section."""
    sections = tuple(
        dataclasses.replace(s, fields=(*s.fields, extra)) if s.key == section_key else s
        for s in form.sections
    )
    return dataclasses.replace(form, sections=sections)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_committed_template_is_a_fresh_build(form_id: str) -> None:
    committed = template_path(form_id).read_bytes()
    assert committed == build_docx(FORMS[form_id]), "templates are stale: run `python -m templates.build`"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_template_and_definition_agree(form_id: str) -> None:
    assert check_template(form_id) == []


def test_template_keys_resolve_loops_and_metrics() -> None:
    keys = template_keys(template_bytes("annex2"))
    assert {"header.platform_name", "capacity.staff_total.previous", "capacity.staff_total.current"} <= keys
    assert {"operations.cases", "operations.cases.title", "operations.cases.impact"} <= keys
    assert not any(k.startswith("row") for k in keys)


def test_a_new_field_without_a_place_in_the_template_is_reported() -> None:
    form = with_field(ANNEX1, "plan", Field("budget", "建设经费（万元）", FieldType.WAN))
    assert check_template(form, template_bytes("annex1")) == ["模板中缺少 plan.budget（建设经费（万元））"]


def test_a_new_table_column_without_a_place_is_reported() -> None:
    cases = ANNEX2.field("operations.cases")
    wider = dataclasses.replace(cases, columns=(*cases.columns, Field("period", "服务时间", FieldType.TEXT)))
    section = ANNEX2.section("operations")
    fields = tuple(wider if f.key == "cases" else f for f in section.fields)
    form = dataclasses.replace(
        ANNEX2,
        sections=tuple(
            dataclasses.replace(s, fields=fields) if s.key == "operations" else s for s in ANNEX2.sections
        ),
    )
    expected = ["模板中缺少 operations.cases.period（服务时间）"]
    assert check_template(form, template_bytes("annex2")) == expected


def test_a_template_naming_an_unknown_key_or_section_is_reported() -> None:
    extended = with_field(ANNEX1, "plan", Field("budget", "建设经费（万元）", FieldType.WAN))
    new_section = Section("extra", "七、其他", (Field("x", "其他", FieldType.TEXT),))
    extended = dataclasses.replace(extended, sections=(*extended.sections, new_section))
    problems = check_template(ANNEX1, build_docx(extended))
    assert "模板引用了表单 annex1 中没有的键 plan.budget" in problems
    assert "模板引用了表单 annex1 中没有的键 extra.x" in problems
    assert "模板引用了表单 annex1 中没有的部分 extra" in problems


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=FORM_IDS)
def test_record_keys_cannot_be_shadowed_in_jinja(form: FormDef) -> None:
    """Jinja reads ``a.b`` as an attribute first: a key named like a dict method would print the method."""
    reserved = set(dir(dict)) | set(dir(Namespace)) | {"range", "dict", "lipsum", "cycler", "joiner", "row"}
    keys = {s.key for s in form.sections}
    keys |= {f.key for s in form.sections for f in s.fields}
    keys |= {c.key for s in form.sections for f in s.fields for c in f.columns}
    assert keys.isdisjoint(reserved)


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=FORM_IDS)
def test_every_label_is_printed_exactly_in_its_own_cell(form: FormDef) -> None:
    doc = open_docx(template_bytes(form.id))
    cells = {text for row in table_cells(doc) for text in row}
    for path, f in form.iter_fields():
        assert f.label in cells, path
        for column in f.columns:
            assert column.label in cells, f"{path}.{column.key}"
    if any(f.type is FieldType.METRIC for _, f in form.iter_fields()):
        assert {"指标", "单位", "上年末", "本年末"} <= cells


def test_annex1_sections_headings_cover_and_fixed_texts() -> None:
    doc = open_docx(template_bytes("annex1"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in ANNEX1.sections[1:]]
    text = all_text(doc)
    assert ANNEX1.issuer in text
    assert "工业和信息化部\n产业技术基础公共服务平台申报书" in text
    assert "填写说明" in text
    for item in ANNEX1.instructions:
        assert item in text
    pledge = ANNEX1.section("declaration").note
    assert any(pledge in row[0] and "法定代表人（签字）" in row[0] for row in table_cells(doc))
    assert sum(row.count("（盖章）") for row in table_cells(doc)) == 1  # the recommender's seal place


def test_annex2_opens_with_its_title_and_header_table() -> None:
    doc = open_docx(template_bytes("annex2"))
    assert doc.paragraphs[0].text == ANNEX2.title
    first_table = doc.tables[0]
    assert first_table.rows[0].cells[0].text == "填报年度"
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [s.title for s in ANNEX2.sections[1:]]


def test_context_fields_share_the_row_of_their_context() -> None:
    """法定代表人 | … | 职务 | … | 联系电话 | … in one row; 联系人's 职务 right after 联系人."""
    rows = table_cells(open_docx(template_bytes("annex1")))
    legal = next(r for r in rows if "法定代表人" in r)
    assert legal[::2] == ["法定代表人", "职务", "联系电话"]
    contact = next(r for r in rows if "联系人" in r)
    assert contact[:3:2] == ["联系人", "职务"]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_page_is_a4_portrait_with_ministry_margins_and_page_numbers(form_id: str) -> None:
    doc = open_docx(template_bytes(form_id))
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)  # A4 as Word writes it
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.cm, 1) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    footer = section.footer._element
    assert " PAGE " in [t.text for t in footer.iter(qn("w:instrText"))]
    assert section.different_first_page_header_footer is (form_id == "annex1")  # no number on the cover


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_fonts_are_set_in_the_east_asian_slot_with_chinese_language(form_id: str) -> None:
    doc = open_docx(template_bytes(form_id))
    styles = doc.styles.element
    default_rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default_rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    assert default_rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    expected = {"Normal": "仿宋", "Heading 1": "黑体", "Form Value": "宋体", "Form Label": "宋体"}
    for name, font in expected.items():
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == font, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
        assert doc.styles[name].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    used = {p.style.name for p in doc.paragraphs}
    used |= {p.style.name for t in doc.tables for r in t.rows for c in r.cells for p in c.paragraphs}
    for name in used:
        rpr = doc.styles[name].element.rPr
        assert rpr is not None and rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")), name


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_column_widths_are_on_the_grid(form_id: str) -> None:
    doc = open_docx(template_bytes(form_id))
    text_width = int(TEXT_WIDTH) // 635  # twips
    for table in doc.tables:
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert widths and all(w > 0 for w in widths)
        assert sum(widths) <= text_width
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    body_tables = doc.tables[1:] if form_id == "annex1" else doc.tables  # the cover table is narrower
    for table in body_tables:
        total = sum(int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol")))
        assert total > text_width - 30


# ECMA-376 child order of the property elements: Word refuses a file that breaks it ("unreadable content").
SCHEMA_ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook".split(),
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing "
    "jc hidden".split(),
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
    "hideMark".split(),
}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_table_properties_are_in_schema_order(form_id: str) -> None:
    doc = open_docx(template_bytes(form_id))
    for name, order in SCHEMA_ORDER.items():
        for el in doc.element.body.iter(qn(f"w:{name}")):
            children = [c.tag.split("}")[1] for c in el]
            assert children == sorted(children, key=order.index), (name, children)


def test_build_is_reproducible() -> None:
    """Fixed zip timestamps and metadata, no thumbnail: the same definition gives the same bytes."""
    data = template_bytes("annex2")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 5, 0, 0, 0)}
    assert build_docx(ANNEX2) == build_docx(ANNEX2)
