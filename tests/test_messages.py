"""Every problem message template, rendered from what its real producers give: no ``{name}`` is ever left
unfilled (a message once read ``{label}：应为{expected}，实际为 {raw}``).

Problems come from the normalisers, record loading, the mapper and the readers, each run on real input;
each must give every parameter its template names, and every template in ``MESSAGES`` must be met.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import openpyxl
import pytest

from extractor import parse_bytes
from extractor.mapper import map_document
from extractor.model import SourceDoc, Table
from extractor.pdf import read_pdf
from extractor.recognition import review
from extractor.scan import read_scan
from extractor.settings import Limits
from extractor.xlsx import read_xlsx
from forms import ANNEX1
from forms.limits import RecordLimits, over_limits
from forms.problems import MESSAGES, Problem
from forms.records import load_record
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import attachment_pages, closing_pages, joined, scan
from tests.extractor.test_mapper import cell, doc, table
from tests.forms.test_normalize import PROBLEM_SAMPLES

#: Templates no producer gives yet (kept for the API's published list of codes).
UNPRODUCED = frozenset({"required_if"})


def _from_normalisers() -> list[Problem]:
    out = []
    for normaliser, raw in PROBLEM_SAMPLES:
        problem = normaliser(raw).problem
        out.append(problem.at("applicant.x", label="某字段"))
    return out


def _from_records() -> list[Problem]:
    records = [
        {"applicant": {"staff_total": "很多", "itb_share": 130, "nonsense": 1}, "extra": {}},
        {"applicant": {"unit_type": "外星机构", "established": "昨天"}},
        {"attachments": {"attachments": [{"seq": "一"}]}},
    ]
    return [p for r in records for p in load_record({"form": "annex1", **r}).problems]


def _from_mapper() -> list[Problem]:
    cells = [
        ["单位名称", "甲中心"],
        ["单位名称", "乙中心"],
        ["职务", "主任"],
        ["注册资本（万元）", "5000 6000"],
        ["从业人员总数（人）", "(cid:12)"],
        ["成立时间", "无"],
    ]
    source = doc(
        table(cells), Table(rows=((cell("法定代表人", 0, 0), cell("张三", 0, 1, unseen="李")),), index=1)
    )
    return map_document(source, ANNEX1).problems


def _from_recognition() -> list[Problem]:
    """A scan's pages past the recognised ones (one page really recognised), attachments after a form's
    last page, and a value read unsurely."""
    pages = [f"text:The {n} page of the quarterly sales report" for n in ("first", "second")]
    scanned = scan(pdf_pages(pages), dpi=150)
    listed = read_scan(scanned, "s.pdf", Limits(max_ocr_pages=1)).problems
    annex1 = load_record(read_example("annex1.json"))
    printed = fill(annex1.form, annex1.record, "pdf")
    last_page = scan(printed, pages=closing_pages(printed)[:1], dpi=150)
    listed += read_scan(joined(last_page, attachment_pages()), "s.pdf").problems
    name = replace(cell("甲中心", 0, 1), confidence=0.5)
    source = SourceDoc(
        file="s.pdf",
        kind="scan",
        blocks=(Table(rows=((cell("单位名称", 0, 0), name),), index=0, ncols=2),),
        meta={"ocr": True},
    )
    return [*listed, *review(source, map_document(source, ANNEX1)).problems]


def _from_limits() -> list[Problem]:
    record = load_record(read_example("annex1.json")).record
    record["platform"]["summary"] = "长" * 1001
    record["platform"]["cooperation"] = record["platform"]["cooperation"][:1] * 3
    return over_limits(record, ANNEX1, RecordLimits(max_rows=2))


def _from_readers() -> list[Problem]:
    pdf = read_pdf(pdf_pages(["text:A", "cid:AB", "image", "text:B"]), "p.pdf", Limits(max_pages=3))
    wb = openpyxl.Workbook()
    for i in range(5):
        wb.active.append([f"a{i}", i])
    wb.active["C1"] = "=B1*2"
    out = io.BytesIO()
    wb.save(out)
    xlsx = read_xlsx(out.getvalue(), "s.xlsx", Limits(max_rows=3))
    annex1 = load_record(read_example("annex1.json"))
    chosen_wrongly = parse_bytes(fill(annex1.form, annex1.record, "docx"), "申报书.docx", form="annex2")
    return [*pdf.problems, *xlsx.problems, *chosen_wrongly.problems]


@pytest.mark.soffice  # annex1 printed to PDF, for the attachments after its last page
def test_every_message_template_is_filled_by_its_producers():
    problems = [
        *_from_normalisers(),
        *_from_records(),
        *_from_mapper(),
        *_from_limits(),
        *_from_readers(),
        *_from_recognition(),
    ]
    for problem in problems:
        assert not problem.missing_params(), (problem.code, problem.missing_params())
        assert not re.search(r"\{\w*\}", problem.message), problem.message
    seen = {p.code for p in problems}
    assert seen | UNPRODUCED == set(MESSAGES), set(MESSAGES) - seen - UNPRODUCED


def test_a_parameter_its_producer_forgot_reads_as_empty_never_as_a_placeholder():
    problem = Problem("wrong_type", field="applicant", raw="[1]")
    assert problem.missing_params() == {"expected"}
    assert problem.message == "applicant：应为，实际为 [1]"
