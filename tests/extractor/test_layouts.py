"""Documents laid out differently from our templates (see ``layouts``): every field comes back by label."""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from forms import ANNEX1, ANNEX2
from forms.records import dump_record
from tests.extractor.conftest import expected_json
from tests.extractor.test_roundtrip import loosely


def test_application_in_four_column_tables_with_a_paragraph_cover(documents, examples):
    result = parse_bytes(documents["layout-a1.docx"], "layout-a1.docx")
    assert result.form == "annex1"
    assert dump_record(result.record, ANNEX1) == expected_json(examples["annex1"])
    assert result.problems == []
    # the cover came from paragraphs, the rest from tables
    assert result.provenance["cover.platform_name"]["table"] is None
    assert result.provenance["cover.platform_name"]["paragraph"] is not None
    assert result.provenance["applicant.uscc"]["table"] is not None


def test_annual_report_stacked_in_two_columns_of_one_sheet(documents, examples):
    result = parse_bytes(documents["layout-a2.xlsx"], "layout-a2.xlsx")
    assert result.form == "annex2"
    assert dump_record(result.record, ANNEX2) == expected_json(examples["annex2"])
    assert result.problems == []
    where = result.provenance["operations.itb_share"]
    assert where["sheet"] == "年度运行情况" and where["col"] == 1


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_four_column_application_printed_to_pdf(office, examples):
    result = parse_bytes(office["layout-a1.pdf"], "layout-a1.pdf")
    got = dump_record(result.record, ANNEX1)
    assert loosely(ANNEX1, got) == loosely(ANNEX1, expected_json(examples["annex1"]))
    assert result.problems == []


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
@pytest.mark.parametrize(
    "name", ["annex1.docx", "annex2.docx", "edited.docx", "layout-a1.docx", "annex2.xlsx", "layout-a2.xlsx"]
)
def test_every_layout_saved_in_the_legacy_format_reads_as_its_original(name, documents, office):
    """.doc / .xls (converted by LibreOffice before reading) give the record and problems of the original."""
    legacy = name[:-1]
    original = parse_bytes(documents[name], name)
    result = parse_bytes(office[legacy], legacy)
    assert (result.form, result.kind) == (original.form, legacy.rsplit(".", 1)[1])
    assert result.record == original.record
    assert [(p.field, p.code) for p in result.problems] == [(p.field, p.code) for p in original.problems]
