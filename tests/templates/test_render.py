"""Filled Word documents read back by label, their PDFs, and the safety of the one render function."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from forms import ANNEX1, ANNEX2, FORMS
from forms.errors import FormsError
from forms.model import Field, FieldType, FormDef
from forms.records import Record, empty_record
from templates.build import build_docx
from templates.context import BLANK_ROWS, build_context
from templates.render import TemplateMismatch, fill, render_docx
from tests.templates.conftest import LONG_PROSE, TRICKY_TEXT
from tests.templates.docx_helpers import all_text, cells_after, open_docx, repeating_rows, value_after
from tests.templates.pdf_helpers import pdf_text, prints, squeeze


def assert_values_where_labels_say(form: FormDef, record: Record, data: bytes) -> None:
    """Every field's printed value sits beside its label (tables: row by row under their title)."""
    doc = open_docx(data)
    context = build_context(form, record)
    for section in form.sections:
        for f in section.fields:
            expected = context[section.key][f.key]
            where = f"{section.key}.{f.key}"
            if f.type is FieldType.TABLE:
                rows = repeating_rows(doc, f.label)
                assert rows == [[row[c.key] for c in f.columns] for row in expected], where
            elif f.type is FieldType.METRIC:
                unit, previous, current = cells_after(doc, f.label, count=3)
                assert (unit, previous, current) == (f.unit, expected["previous"], expected["current"]), where
            else:
                assert value_after(doc, f.label, context=f.context) == expected, where


@pytest.mark.parametrize("form_id", ["annex1", "annex2"])
def test_example_values_are_where_the_labels_say(form_id: str, request: pytest.FixtureRequest) -> None:
    record = request.getfixturevalue(f"{form_id}_record")
    assert_values_where_labels_say(FORMS[form_id], record, render_docx(form_id, record))


def test_the_example_fills_real_values_not_just_blanks(annex1_record: Record) -> None:
    doc = open_docx(render_docx("annex1", annex1_record))
    assert value_after(doc, "单位名称") == annex1_record["applicant"]["name"]
    assert value_after(doc, "职务", context="联系人") == annex1_record["applicant"]["contact_title"]
    assert value_after(doc, "申报日期").endswith("日")
    assert len(repeating_rows(doc, "近三年服务情况")) == 3


def test_markup_characters_and_line_breaks_survive(tricky_record: Record) -> None:
    doc = open_docx(render_docx("annex1", tricky_record))
    assert value_after(doc, "单位名称") == TRICKY_TEXT.split("\n")[0]
    assert value_after(doc, "主营业务") == TRICKY_TEXT  # the line break is a real break, read back as \n
    rows = repeating_rows(doc, ANNEX1.field("platform.cooperation").label)
    assert len(rows) == 30
    assert rows[29][0] == "合作单位30" and rows[29][3] == "合作内容30 & <共建>"


def test_very_long_prose_renders_whole(tricky_record: Record) -> None:
    doc = open_docx(render_docx("annex1", tricky_record))
    label = ANNEX1.field("platform.mechanism").label
    assert value_after(doc, label) == LONG_PROSE


def test_partial_record_fills_what_it_has(annex1_record: Record) -> None:
    record = empty_record("annex1")
    record["cover"]["platform_name"] = "只填了平台名称的平台"
    record["applicant"]["staff_total"] = 88
    doc = open_docx(render_docx("annex1", record))
    assert value_after(doc, "平台名称") == "只填了平台名称的平台"
    assert value_after(doc, "从业人员总数（人）") == "88"
    assert value_after(doc, "单位名称") == ""


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=["annex1", "annex2"])
def test_blank_form_has_no_none_no_tags_and_space_to_write(form: FormDef) -> None:
    doc = open_docx(fill(form, empty_record(form), "docx"))
    text = all_text(doc)
    assert "None" not in text
    assert "{{" not in text and "{%" not in text and "%}" not in text
    for path, f in form.iter_fields():
        if f.type is FieldType.TABLE:
            rows = repeating_rows(doc, f.label)
            assert len(rows) == BLANK_ROWS and all(c == "" for r in rows for c in r), path
        elif f.type is FieldType.MULTI:
            assert value_after(doc, f.label) == "  ".join(f"☐{o}" for o in f.options), path
        elif f.type is FieldType.BOOL:
            assert value_after(doc, f.label, context=f.context) == "☐是 ☐否", path


def test_missing_keys_fail_loudly_instead_of_printing_nothing(annex1_record: Record) -> None:
    """StrictUndefined: a template asking for a key the context lacks is an error, not a blank."""
    extra = Field("budget", "建设经费（万元）", FieldType.WAN)
    plan = dataclasses.replace(ANNEX1.section("plan"), fields=(*ANNEX1.section("plan").fields, extra))
    extended = dataclasses.replace(
        ANNEX1, sections=tuple(plan if s.key == "plan" else s for s in ANNEX1.sections)
    )
    with pytest.raises(TemplateMismatch, match="budget"):
        render_docx(ANNEX1, annex1_record, template=build_docx(extended))


def test_formats_fill_refuses(annex1_record: Record) -> None:
    with pytest.raises(FormsError, match="没有 Excel 版本"):
        fill("annex1", annex1_record, "xlsx")
    with pytest.raises(FormsError, match="不支持的输出格式"):
        fill("annex1", annex1_record, "odt")


# --- PDF (LibreOffice) -------------------------------------------------------------------------------


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("form_id", ["annex1", "annex2"])
def test_pdf_prints_every_label_and_value(
    form_id: str, pdfs: dict[str, bytes], request: pytest.FixtureRequest
) -> None:
    form = FORMS[form_id]
    record = request.getfixturevalue(f"{form_id}_record")
    flat = squeeze(pdf_text(pdfs[form_id]))
    context = build_context(form, record)
    missing = []
    for section in form.sections:
        for f in section.fields:
            labels = [f.label, *(c.label for c in f.columns)]
            value = context[section.key][f.key]
            if isinstance(value, str):
                values = [value]
            elif isinstance(value, dict):
                values = list(value.values())
            else:
                values = [cell for row in value for cell in row.values()]
            missing += [text for text in labels + values if not prints(text, flat)]
    assert missing == []


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
def test_pdf_keeps_markup_characters_and_long_tables(pdfs: dict[str, bytes]) -> None:
    flat = squeeze(pdf_text(pdfs["tricky"]))
    for line in TRICKY_TEXT.split("\n"):
        assert prints(line, flat), line
    assert prints("合作单位30", flat) and prints("合作内容30&<共建>", flat)
    assert prints("第300段：平台持续完善计量测试能力", flat)


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts) is not installed")
def test_pdf_embeds_cjk_fonts(pdfs: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "annex1.pdf")
        path.write_bytes(pdfs["annex1"])
        listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    cjk = [row for row in rows if "CJK" in row[0]]
    assert cjk, listing
    assert all(row[-5] == "yes" for row in cjk), listing  # the "emb" column
    # 仿宋/宋体 → Noto Serif CJK, 黑体 → Noto Sans CJK
    assert any("Serif" in row[0] for row in cjk) and any("Sans" in row[0] for row in cjk)


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (pdfinfo) is not installed")
def test_pdf_pages_are_a4(pdfs: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("annex1", "annex2"):
            path = Path(tmp, f"{name}.pdf")
            path.write_bytes(pdfs[name])
            info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
            assert "(A4)" in info, info
