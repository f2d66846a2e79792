"""Filling and pre-filling through the application layer, and the one list of missing required fields."""

from __future__ import annotations

import json

import pytest

from forms import ANNEX2
from forms.checks import run_checks
from forms.errors import FormsError
from forms.records import empty_record, load_record
from service.workflows import fill, missing_required, prefill
from tests.conftest import read_example
from tests.templates.docx_helpers import all_text, open_docx


def partial_annex2() -> dict:
    record = empty_record("annex2")
    record["header"]["report_year"] = 2025
    record["capacity"]["staff_total"] = {"previous": 300, "current": None}
    record["changes"]["changed"] = True
    return record


def test_missing_fields_are_exactly_those_v_req_reports_in_printed_order() -> None:
    record = partial_annex2()
    problems = missing_required("annex2", record)
    fields = [p.field for p in problems]
    (v_req,) = [r for r in run_checks(record, "annex2", kinds=["V"]).results if r.rule == "V-REQ"]
    assert fields == v_req.fields
    assert "header.report_year" not in fields and fields[0] == "header.platform_name"
    assert "capacity.staff_total.current" in fields  # half a metric is not a metric
    assert "capacity.staff_total.previous" not in fields
    assert "changes.change_details" in fields  # a 是 calls for its explanation
    assert "capacity.investment" not in fields  # optional
    assert problems[0].message == f"必填项未填写：{ANNEX2.field('header.platform_name').label}"


def test_complete_examples_miss_nothing() -> None:
    for name in ("annex1", "annex2"):
        loaded = load_record(read_example(f"{name}.json"))
        assert missing_required(loaded.form, loaded.record) == []


def test_fill_gives_the_document_and_what_it_still_misses() -> None:
    record = partial_annex2()
    record["header"]["platform_name"] = "江苏省先进制造计量测试公共服务平台"
    filled = fill("annex2", record, "docx")
    assert "江苏省先进制造计量测试公共服务平台" in all_text(open_docx(filled.content))
    assert [p.field for p in filled.missing] == [p.field for p in missing_required("annex2", record)]
    assert "header.platform_name" not in {p.field for p in filled.missing}


def test_fill_as_json_is_the_record_itself() -> None:
    loaded = load_record(read_example("annex1.json"))
    filled = fill(loaded.form, loaded.record, "json")
    assert json.loads(filled.content) == read_example("annex1.json") and filled.missing == []


def test_prefill_takes_each_source_by_its_own_form() -> None:
    last = load_record(read_example("annex2.json"))
    application = load_record(read_example("annex1.json"))
    year = last.record["header"]["report_year"] + 1
    record = prefill(year, last)
    assert record["header"]["report_year"] == year
    assert record["header"]["platform_name"] == last.record["header"]["platform_name"]
    previous = last.record["capacity"]["staff_total"]["current"]
    assert record["capacity"]["staff_total"] == {"previous": previous, "current": None}
    from_application = prefill(year, application)
    assert from_application["header"]["operator"] == application.record["applicant"]["name"]
    with pytest.raises(FormsError, match="两份"):
        prefill(year, last, last)
    with pytest.raises(FormsError, match="预填"):
        prefill(year)
