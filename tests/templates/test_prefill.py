"""Pre-filling this year's annual report: carry over what is known, leave the year's figures blank."""

from __future__ import annotations

import copy

import pytest

from forms import ANNEX2
from forms.errors import FormsError
from forms.model import FieldType
from forms.records import Record, empty_record
from templates.prefill import prefill_annex2
from templates.render import render_docx
from tests.templates.docx_helpers import cells_after, open_docx, value_after

METRICS = [f.key for f in ANNEX2.section("capacity").fields if f.type is FieldType.METRIC]


def test_from_last_year_header_carried_metrics_rolled_rest_blank(annex2_record: Record) -> None:
    last_year = annex2_record["header"]["report_year"]
    record = prefill_annex2(last_year + 1, last_annex2=annex2_record)
    header = record["header"]
    assert header["report_year"] == last_year + 1
    assert header["fill_date"] is None
    for key in (
        "platform_name",
        "operator",
        "uscc",
        "batch",
        "listed_year",
        "service_fields",
        "contact_email",
    ):
        assert header[key] == annex2_record["header"][key], key
    for key in METRICS:
        assert record["capacity"][key] == {
            "previous": annex2_record["capacity"][key]["current"],
            "current": None,
        }
    empty = empty_record("annex2")
    for section in ("operations", "plan", "changes", "signoff"):
        assert record[section] == empty[section], section
    assert record["capacity"]["investment"] is None and record["capacity"]["narrative"] is None


def test_prefill_does_not_share_lists_with_its_source(annex2_record: Record) -> None:
    source = copy.deepcopy(annex2_record)
    record = prefill_annex2(source["header"]["report_year"] + 1, last_annex2=source)
    record["header"]["service_fields"].append("新型储能")
    assert "新型储能" not in source["header"]["service_fields"]


def test_last_year_must_be_the_year_before(annex2_record: Record) -> None:
    year = annex2_record["header"]["report_year"]
    with pytest.raises(FormsError, match=f"只能从 {year + 1} 年度"):
        prefill_annex2(year + 2, last_annex2=annex2_record)
    with pytest.raises(FormsError):
        prefill_annex2(year, last_annex2=annex2_record)


@pytest.mark.parametrize("year", [1899, 2101, "2026", True])
def test_implausible_year_is_refused(year: object) -> None:
    with pytest.raises(FormsError, match="填报年度"):
        prefill_annex2(year)  # type: ignore[arg-type]


def test_from_the_application_header_fields(annex1_record: Record) -> None:
    record = prefill_annex2(2026, annex1=annex1_record)
    header, applicant = record["header"], annex1_record["applicant"]
    assert header["platform_name"] == annex1_record["cover"]["platform_name"]
    assert header["operator"] == applicant["name"]
    assert header["uscc"] == applicant["uscc"]
    assert header["region"] == applicant["region"]
    assert header["service_fields"] == annex1_record["platform"]["service_fields"]
    assert header["service_scopes"] == annex1_record["platform"]["service_scopes"]
    assert header["competent_authority"] == annex1_record["cover"]["recommender"]
    assert (header["contact_name"], header["contact_mobile"], header["contact_email"]) == (
        applicant["contact_name"],
        applicant["contact_mobile"],
        applicant["contact_email"],
    )
    assert header["batch"] is None and header["listed_year"] is None  # not known from an application


def test_application_figures_are_last_year_end_only_for_the_year_applied(annex1_record: Record) -> None:
    applied = annex1_record["cover"]["date"].year
    same_year = prefill_annex2(applied, annex1=annex1_record)
    assert same_year["capacity"]["staff_total"] == {
        "previous": annex1_record["applicant"]["staff_total"],
        "current": None,
    }
    assert (
        same_year["capacity"]["equipment_value"]["previous"] == annex1_record["applicant"]["equipment_value"]
    )
    assert same_year["capacity"]["leaders"]["previous"] is None  # no such count in the application
    later = prefill_annex2(applied + 2, annex1=annex1_record)
    assert all(later["capacity"][k]["previous"] is None for k in METRICS)


def test_last_year_wins_and_the_application_fills_its_gaps(
    annex1_record: Record, annex2_record: Record
) -> None:
    last = copy.deepcopy(annex2_record)
    last["header"]["contact_phone"] = None
    last["header"]["service_scopes"] = ["计量检测"]
    last["header"]["service_scopes_other"] = None
    application = copy.deepcopy(annex1_record)
    application["platform"]["service_scopes"] = ["计量检测", "其他"]
    application["platform"]["service_scopes_other"] = "检测数据服务"
    record = prefill_annex2(last["header"]["report_year"] + 1, last_annex2=last, annex1=application)
    assert record["header"]["operator"] == last["header"]["operator"]
    assert record["header"]["contact_phone"] == application["applicant"]["contact_phone"]
    assert record["header"]["service_scopes"] == ["计量检测"]
    assert record["header"]["service_scopes_other"] is None  # 其他's text stays with its own list


def test_operator_falls_back_to_the_cover(annex1_record: Record) -> None:
    application = copy.deepcopy(annex1_record)
    application["applicant"]["name"] = None
    assert prefill_annex2(2030, annex1=application)["header"]["operator"] == application["cover"]["applicant"]


def test_prefilled_report_renders_previous_figures_and_blank_current(annex2_record: Record) -> None:
    record = prefill_annex2(annex2_record["header"]["report_year"] + 1, last_annex2=annex2_record)
    doc = open_docx(render_docx("annex2", record))
    unit, previous, current = cells_after(doc, "从业人员总数", count=3)
    assert previous == str(annex2_record["capacity"]["staff_total"]["current"]) and current == ""
    assert value_after(doc, "填报年度") == str(annex2_record["header"]["report_year"] + 1)
    assert value_after(doc, "填报日期") == ""
