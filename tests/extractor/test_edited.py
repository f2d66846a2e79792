"""A filled application edited by its applicant (see ``edits``): read right as .docx, after a trip through
.doc, and printed to PDF."""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from forms import ANNEX1
from forms.records import dump_record
from tests.extractor import edits
from tests.extractor.conftest import expected_json
from tests.extractor.test_roundtrip import loosely


@pytest.fixture(scope="module")
def edited_json(examples):
    return edits.edited_record(expected_json(examples["annex1"]))


def test_edited_word_document_reads_as_edited(documents, edited_json):
    result = parse_bytes(documents["edited.docx"], "edited.docx")
    got = dump_record(result.record, ANNEX1)
    assert got == edited_json
    assert result.problems == []
    assert got["performance"]["cases"][-1]["title"] == edits.ADDED_CASE["title"]
    assert got["applicant"]["revenue_total"] == 1234.5
    assert got["applicant"]["independent_legal_person"] is True


def test_provenance_points_at_the_cell_a_value_was_read_from(documents):
    result = parse_bytes(documents["edited.docx"], "edited.docx")
    doc = result.source
    where = result.provenance["applicant.revenue_total"]
    assert where["file"] == "edited.docx" and where["page"] is None
    table = next(t for t in doc.tables() if t.index == where["table"])
    cell = next(c for c in table.cells() if (c.row, c.col) == (where["row"], where["col"]))
    assert cell.text == edits.TYPED_REVENUE
    case = result.provenance[f"performance.cases.{len(result.record['performance']['cases']) - 1}.title"]
    table = next(t for t in doc.tables() if t.index == case["table"])
    cell = next(c for c in table.cells() if (c.row, c.col) == (case["row"], case["col"]))
    assert cell.text == edits.ADDED_CASE["title"]


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_edited_document_saved_as_doc_reads_the_same(office, edited_json):
    result = parse_bytes(office["edited.doc"], "edited.doc")
    assert result.kind == "doc"
    assert dump_record(result.record, ANNEX1) == edited_json
    assert result.problems == []


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_edited_document_printed_to_pdf_gives_every_field(office, edited_json):
    result = parse_bytes(office["edited.pdf"], "edited.pdf")
    got = dump_record(result.record, ANNEX1)
    assert loosely(ANNEX1, got) == loosely(ANNEX1, edited_json)
    assert result.problems == []
    assert result.provenance["applicant.uscc"]["page"] >= 2
