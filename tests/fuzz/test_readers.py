"""Damaged Word, Excel and PDF files through ``extractor.parse_bytes``: every outcome is a result or a
``FormsError`` (UnsupportedFile / UnreadableFile) naming the file — never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import parse_bytes
from forms.errors import FormsError
from tests.fuzz.mutations import byte_edits, member_edits
from tests.hostile.corpus import good_docx, good_xlsx, ruled_grid, text_pages

BOUNDED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
DOCX, XLSX = good_docx(), good_xlsx()
PDF = text_pages(3)
TABLE_PDF = ruled_grid(6)


def read(data: bytes, name: str, form: str | None) -> None:
    try:
        parse_bytes(data, name, form=form)
    except FormsError as exc:
        assert str(exc).startswith(name), str(exc)


@BOUNDED
@given(data=member_edits(DOCX), form=st.sampled_from([None, "annex1"]))
def test_docx_with_damaged_xml(data: bytes, form: str | None) -> None:
    read(data, "fuzz.docx", form)


@BOUNDED
@given(data=member_edits(XLSX), form=st.sampled_from([None, "annex2"]))
def test_xlsx_with_damaged_xml(data: bytes, form: str | None) -> None:
    read(data, "fuzz.xlsx", form)


@BOUNDED
@given(data=st.sampled_from([DOCX, XLSX]).flatmap(byte_edits))
def test_office_files_with_damaged_bytes(data: bytes) -> None:
    read(data, "fuzz.docx", None)


@settings(BOUNDED, max_examples=40)
@given(data=st.sampled_from([PDF, TABLE_PDF]).flatmap(byte_edits), form=st.sampled_from([None, "annex1"]))
def test_pdfs_with_damaged_bytes(data: bytes, form: str | None) -> None:
    read(data, "fuzz.pdf", form)
