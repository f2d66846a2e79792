"""What ``fill`` writes, the extractor reads back: the filled Word and Excel forms carry their record."""

from __future__ import annotations

from typing import Any

import pytest

from extractor import parse_bytes
from forms import FORMS
from forms.model import FieldType
from forms.records import Record
from forms.spacing import fold_spacing
from templates.render import fill
from tests.templates.conftest import tricky_annex1


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


def _as_printed(value: Any) -> Any:
    """A value as print keeps it: text up to spacing that means nothing (``forms.spacing``)."""
    return fold_spacing(value) if isinstance(value, str) else value


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("form_id", ["annex1", "annex2"])
def test_filled_pdf_parses_back_up_to_spacing(
    form_id: str, pdfs: dict[str, bytes], request: pytest.FixtureRequest
) -> None:
    """A PDF keeps every value: numbers, dates, codes and words exactly, text up to the spacing between CJK
    and Latin letters or digits (a font metric in print) and line breaks between CJK characters (wraps)."""
    record = request.getfixturevalue(f"{form_id}_record")
    result = parse_bytes(pdfs[form_id], f"filled-{form_id}.pdf")
    assert result.form == form_id
    for path, f in FORMS[form_id].iter_fields():
        section, key = path.split(".")
        got, want = result.record[section][key], record[section][key]
        if f.type is FieldType.TABLE:
            assert [{c.key: _as_printed(row[c.key]) for c in f.columns} for row in got] == [
                {c.key: _as_printed(row[c.key]) for c in f.columns} for row in want
            ], path
        else:
            assert _as_printed(got) == _as_printed(want), path
