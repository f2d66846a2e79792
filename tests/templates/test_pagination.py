"""Printed pagination of the filled forms (LibreOffice → PDF, read with pdfplumber): no table row split
across pages, no page left almost empty (the last excepted when it holds signatures).

A row is "whole" when some page prints a table row whose cells say exactly what the Word row's cells say;
a row broken by a page break prints as two rows, each with part of the text, and matches neither.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pytest
from docx import Document
from docx.oxml.ns import qn

from forms.records import Record
from templates.build import MARGIN_BOTTOM, MARGIN_TOP
from templates.render import fill_pdfs, render_docx
from tests.templates.pdf_helpers import squeeze

#: A page whose content ends above this share of the text area is "almost empty".
MIN_FILL = 0.15
#: Words that mark a page of signatures (the last page may be short when it holds them).
SIGNATURE_WORDS = ("签字", "盖章", "签章")
LONG_ROWS = 30
EMU_PER_PT = 12700

Case = tuple[str, Record]


def long_tables(record: Record, rows: int = LONG_ROWS) -> Record:
    """``record`` with every repeating table grown to ``rows`` rows (its own rows repeated)."""
    out: dict[str, Any] = copy.deepcopy(record)
    for section in out.values():
        if not isinstance(section, dict):
            continue
        for key, value in section.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                section[key] = [copy.deepcopy(value[i % len(value)]) for i in range(rows)]
    return out


@pytest.fixture(scope="module")
def cases(annex1_record: Record, annex2_record: Record) -> dict[str, Case]:
    return {
        "annex1": ("annex1", annex1_record),
        "annex2": ("annex2", annex2_record),
        "annex1-long": ("annex1", long_tables(annex1_record)),
        "annex2-long": ("annex2", long_tables(annex2_record)),
    }


@pytest.fixture(scope="module")
def printed(cases: dict[str, Case], pdfs: dict[str, bytes]) -> dict[str, bytes]:
    """Each case as a PDF: the examples from the session's batch, the long ones in one more batch."""
    long_ids = [name for name in cases if name.endswith("-long")]
    long_pdfs = fill_pdfs([cases[name] for name in long_ids])
    return {"annex1": pdfs["annex1"], "annex2": pdfs["annex2"], **dict(zip(long_ids, long_pdfs, strict=True))}


@dataclass(frozen=True)
class WordTable:
    """A ruled table of the filled Word file: its rows marked to repeat on each page, then the others."""

    headers: list[tuple[str, ...]]
    rows: list[tuple[str, ...]]


def word_tables(form_id: str, record: Record) -> list[WordTable]:
    """The ruled tables of the filled Word file, each row as its non-empty cell texts (squeezed)."""
    doc = Document(io.BytesIO(render_docx(form_id, record)))
    tables = []
    for table in doc.tables:
        if table.style is None or table.style.name != "Table Grid":
            continue  # the borderless cover: no ruling lines for a row to split along
        headers, rows = [], []
        for row in table.rows:
            texts = tuple(t for t in (squeeze(c.text) for c in _distinct_cells(row)) if t)
            if texts:
                repeated = row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
                (headers if repeated else rows).append(texts)
        tables.append(WordTable(headers, rows))
    return tables


def _distinct_cells(row: Any) -> list[Any]:
    """A row's cells, each once (python-docx repeats a spanning cell for every grid column it covers)."""
    seen, out = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def pdf_rows(data: bytes) -> list[set[tuple[str, ...]]]:
    """Per page, the table rows pdfplumber finds, as tuples of their non-empty cell texts (squeezed)."""
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            rows = set()
            for table in page.extract_tables():
                for row in table:
                    texts = tuple(t for t in (squeeze(c or "") for c in row) if t)
                    if texts:
                        rows.add(texts)
            pages.append(rows)
    return pages


def page_fill(data: bytes) -> list[tuple[float, str]]:
    """Per page: how far down the text area its content reaches (0–1), and its text."""
    top_margin, bottom_margin = MARGIN_TOP / EMU_PER_PT, MARGIN_BOTTOM / EMU_PER_PT
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            body_bottom = float(page.height) - bottom_margin
            bottoms = [
                float(o["bottom"])
                for o in page.chars + page.rects + page.lines
                if o["bottom"] <= body_bottom + 2
            ]
            reach = (max(bottoms) - top_margin) / (body_bottom - top_margin) if bottoms else 0.0
            out.append((reach, page.extract_text() or ""))
    return out


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("name", ["annex1", "annex2", "annex1-long", "annex2-long"])
def test_no_table_row_is_split_across_pages(
    name: str, cases: dict[str, Case], printed: dict[str, bytes]
) -> None:
    form_id, record = cases[name]
    pages = pdf_rows(printed[name])
    assert len(pages) > 1
    printed_rows = set().union(*pages)
    rows = [row for table in word_tables(form_id, record) for row in table.headers + table.rows]
    split = [row for row in rows if row not in printed_rows]
    assert split == [], f"{name}: rows not printed whole on one page: {split[:3]}"


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("name", ["annex1-long", "annex2-long"])
def test_header_rows_repeat_on_every_page_of_a_table(
    name: str, cases: dict[str, Case], printed: dict[str, bytes]
) -> None:
    form_id, record = cases[name]
    pages = pdf_rows(printed[name])
    continued = 0
    for table in word_tables(form_id, record):
        if not table.headers:
            continue
        on = [i for i, page in enumerate(pages, start=1) if page & set(table.rows)]
        continued += len(on) > 1
        missing = [(i, h) for i in on for h in table.headers if h not in pages[i - 1]]
        assert missing == [], f"{name}: header rows missing on pages {missing[:3]}"
    assert continued, f"{name}: no table runs over a page break (the case tests nothing)"


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("name", ["annex1", "annex2"])
def test_the_uscc_prints_on_one_line(name: str, cases: dict[str, Case], printed: dict[str, bytes]) -> None:
    form_id, record = cases[name]
    uscc = record["applicant" if form_id == "annex1" else "header"]["uscc"]
    with pdfplumber.open(io.BytesIO(printed[name])) as pdf:
        lines = [squeeze(line) for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    assert any(uscc in line for line in lines), f"{name}: {uscc} wraps in its cell"


@pytest.mark.soffice
@pytest.mark.xdist_group("templates-pdf")
@pytest.mark.parametrize("name", ["annex1", "annex2", "annex1-long", "annex2-long"])
def test_no_page_is_almost_empty(name: str, printed: dict[str, bytes]) -> None:
    pages = page_fill(printed[name])
    short = [
        (number, round(reach, 2))
        for number, (reach, text) in enumerate(pages, start=1)
        if reach < MIN_FILL and not (number == len(pages) and any(w in text for w in SIGNATURE_WORDS))
    ]
    assert short == [], f"{name}: pages under {MIN_FILL:.0%} filled: {short}"
