"""What ``fill`` writes, the extractor reads back: the filled Word and Excel forms carry their record."""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from forms import FORMS
from forms.model import FieldType
from forms.records import Record
from templates.render import fill
from tests.templates.conftest import tricky_annex1
from tests.templates.pdf_helpers import squeeze


@pytest.mark.parametrize(("form_id", "fmt"), [("annex1", "docx"), ("annex2", "docx"), ("annex2", "xlsx")])
def test_filled_form_parses_back_to_its_record(
    form_id: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    record = request.getfixturevalue(f"{form_id}_record")
    result = parse_bytes(fill(form_id, record, fmt), f"filled.{fmt}")
    assert result.form == form_id
    assert result.record == record
    assert [p.message for p in result.problems] == []


def test_markup_line_breaks_and_long_tables_parse_back(annex1_record: Record) -> None:
    record = tricky_annex1(annex1_record)
    result = parse_bytes(fill("annex1", record, "docx"), "tricky.docx")
    assert result.record["applicant"]["main_business"] == record["applicant"]["main_business"]
    assert result.record["platform"]["cooperation"] == record["platform"]["cooperation"]


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("form_id", ["annex1", "annex2"])
def test_filled_pdf_parses_back_except_prose_layout(
    form_id: str, pdfs: dict[str, bytes], request: pytest.FixtureRequest
) -> None:
    """A PDF keeps every value; only prose loses its line breaks to print layout (so prose is compared
    without whitespace)."""
    record = request.getfixturevalue(f"{form_id}_record")
    result = parse_bytes(pdfs[form_id], f"filled-{form_id}.pdf")
    assert result.form == form_id
    for path, f in FORMS[form_id].iter_fields():
        section, key = path.split(".")
        got, want = result.record[section][key], record[section][key]
        if f.type is FieldType.PROSE:
            assert squeeze(got or "") == squeeze(want or ""), path
        elif f.type is FieldType.TABLE:
            prose = {c.key for c in f.columns if c.type is FieldType.PROSE}
            flat = [{k: squeeze(v or "") if k in prose else v for k, v in row.items()} for row in got]
            assert flat == [
                {k: squeeze(v or "") if k in prose else v for k, v in row.items()} for row in want
            ], path
        else:
            assert got == want, path
