"""V- checks (well-formed data, both forms): each rule's failing, passing and missing cases, on typed records
made from the examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from forms.checks import run_checks
from forms.checks.validity import text_length
from forms.records import load_record

TODAY = date(2026, 11, 1)


@pytest.fixture
def rec(annex1_json) -> dict[str, Any]:
    return load_record(annex1_json).record


@pytest.fixture
def rec2(annex2_json) -> dict[str, Any]:
    return load_record(annex2_json).record


def run(record: dict[str, Any], form: str = "annex1", **kwargs: Any):
    kwargs.setdefault("today", TODAY)
    return run_checks(record, form, **kwargs)


@pytest.mark.parametrize(("fixture", "form"), [("rec", "annex1"), ("rec2", "annex2")])
def test_examples_pass_every_v_check(fixture, form, request):
    report = run(request.getfixturevalue(fixture), form, kinds=["V"])
    assert {r.rule for r in report.results} >= {"V-REQ", "V-TYPE", "V-USCC", "V-MOBILE", "V-EMAIL", "V-DATE"}
    assert all(r.passed is True for r in report.results), [r.message for r in report.results if not r.passed]
    assert all(r.rule.startswith("V-") for r in report.results)


def test_form_specific_v_rules_only_run_on_their_form(rec, rec2):
    annex1_rules = {r.rule for r in run(rec, kinds=["V"]).results}
    annex2_rules = {r.rule for r in run(rec2, "annex2", kinds=["V"]).results}
    assert {"V-YEARS", "V-NAME", "V-POSTCODE"} <= annex1_rules
    assert not {"V-YEARS", "V-NAME", "V-POSTCODE"} & annex2_rules


# --- V-REQ -------------------------------------------------------------------------------------------------


def test_v_req_lists_every_missing_field_with_its_label(rec):
    rec["applicant"]["uscc"] = None
    rec["applicant"]["main_business"] = "   "
    rec["performance"]["cases"] = []
    rec["applicant"]["registered_capital"] = None  # optional
    report = run(rec)
    result = report.result("V-REQ")
    assert result.passed is False and str(result.severity) == "error"
    assert result.fields == ["applicant.uscc", "applicant.main_business", "performance.cases"]
    assert "统一社会信用代码" in result.message and "主营业务" in result.message
    assert "具有行业影响力的典型服务案例" in result.message and "注册资本" not in result.message
    assert report.verdict == "incomplete"
    assert [r.rule for r in report.results].count("V-REQ") == 1


def test_v_req_other_option_needs_its_text(rec):
    rec["platform"]["service_fields_other"] = None
    result = run(rec).result("V-REQ")
    assert result.fields == ["platform.service_fields_other"] and "服务行业领域（其他）" in result.message
    rec["platform"]["service_fields"] = ["装备"]
    assert run(rec).result("V-REQ").passed is True
    rec["applicant"]["nature"] = "其他"
    assert run(rec).result("V-REQ").fields == ["applicant.nature_other"]


def test_v_req_metric_halves_and_required_if(rec2):
    rec2["capacity"]["staff_total"]["previous"] = None
    result = run(rec2, "annex2").result("V-REQ")
    assert result.fields == ["capacity.staff_total.previous"] and "从业人员总数（上年末）" in result.message
    rec2["capacity"]["staff_total"]["previous"] = 128
    rec2["changes"]["incidents"] = True
    assert run(rec2, "annex2").result("V-REQ").fields == ["changes.incident_details"]
    rec2["changes"]["incident_details"] = "已整改。"
    assert run(rec2, "annex2").result("V-REQ").passed is True


# --- V-TYPE ------------------------------------------------------------------------------------------------


def test_v_type_folds_the_loader_problems(annex1_json):
    annex1_json["applicant"]["staff_total"] = "五十"
    annex1_json["platform"]["service_fields"].append("航天")
    loaded = load_record(annex1_json)
    report = run(loaded.record, load_problems=loaded.problems)
    result = report.result("V-TYPE")
    assert result.passed is False
    assert set(result.fields) == {"applicant.staff_total", "platform.service_fields.5"}
    assert "五十" in result.message and "航天" in result.message
    assert report.result("E-STAFF").passed is None and report.verdict == "incomplete"
    assert run(loaded.record).result("V-TYPE").passed is True  # the value is already null


def test_unknown_keys_are_not_type_errors(annex1_json):
    annex1_json["applicant"]["nmae"] = "x"
    loaded = load_record(annex1_json)
    assert loaded.problems
    assert run(loaded.record, load_problems=loaded.problems).result("V-TYPE").passed is True


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("applicant.staff_total", -1),
        ("applicant.staff_total", True),
        ("applicant.staff_total", 50.5),
        ("applicant.revenue_total", Decimal("-0.01")),
        ("applicant.itb_share", Decimal("100.01")),
        ("applicant.itb_share", Decimal("-0.01")),
        ("applicant.itb_share", float("nan")),
        ("applicant.site_area", Decimal("-3")),
        ("cover.date", "2026-03-10"),
        ("applicant.is_branch", "否"),
        ("applicant.nature", "国企"),
        ("cover.platform_name", 42),
        ("platform.service_fields", ["装备", "装备"]),
        ("platform.service_fields", "装备"),
        ("platform.cooperation", {"partner": "x"}),
        ("performance.yearly.0.year", 1899),
        ("performance.yearly.0.year", 2101),
        ("capability.equipment.1.quantity", -2),
    ],
)
def test_v_type_rechecks_the_typed_record(rec, path, value):
    parts = path.split(".")
    target: Any = rec
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    target[parts[-1]] = value
    result = run(rec).result("V-TYPE")
    assert result.passed is False and path in result.fields, result.message


@pytest.mark.parametrize("share", ["0", "100", "0.00"])
def test_v_type_percentage_bounds_are_inclusive(rec, share):
    rec["applicant"]["itb_share"] = Decimal(share)
    assert run(rec).result("V-TYPE").passed is True


def test_v_type_a_section_that_is_not_an_object(rec):
    rec["plan"] = "见附件"
    result = run(rec).result("V-TYPE")
    assert result.passed is False and result.fields == ["plan"] and "五、建设目标与发展规划" in result.message


# --- formats -----------------------------------------------------------------------------------------------


def test_v_uscc(rec, rec2):
    good = rec["applicant"]["uscc"]
    rec["applicant"]["uscc"] = good.lower()
    assert run(rec).result("V-USCC").passed is True
    rec["applicant"]["uscc"] = "".join(chr(ord(c) + 0xFEE0) for c in good)  # full-width
    assert run(rec).result("V-USCC").passed is True
    rec["applicant"]["uscc"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = run(rec).result("V-USCC")
    assert result.passed is False and f"校验码应为“{good[-1]}”" in result.message
    assert result.fields == ["applicant.uscc"] and run(rec).verdict == "incomplete"
    rec["applicant"]["uscc"] = None
    assert run(rec).result("V-USCC").message.endswith("（见 V-REQ），未核对")
    rec2["header"]["uscc"] = "91320594MA1T6KQ85I"
    result = run(rec2, "annex2").result("V-USCC")
    assert result.passed is False and result.fields == ["header.uscc"] and "非法字符" in result.message


@pytest.mark.parametrize(
    ("mobile", "passed"),
    [("13851234567", True), ("+86 138-5123-4567", True), ("1385123456", False), ("23851234567", False)],
)
def test_v_mobile_on_both_forms(rec, rec2, mobile, passed):
    rec["applicant"]["contact_mobile"] = mobile
    rec2["header"]["contact_mobile"] = mobile
    assert run(rec).result("V-MOBILE").passed is passed
    result = run(rec2, "annex2").result("V-MOBILE")
    assert result.passed is passed
    if not passed:
        assert result.fields == ["header.contact_mobile"] and mobile in result.message


def test_v_email_and_missing_required(rec2):
    rec2["header"]["contact_email"] = "gujiayi#szjc.cn"
    result = run(rec2, "annex2").result("V-EMAIL")
    assert result.passed is False and "gujiayi#szjc.cn" in result.message
    rec2["header"]["contact_email"] = None
    result = run(rec2, "annex2").result("V-EMAIL")
    assert result.passed is True and "电子邮箱未填写（见 V-REQ）" in result.message
    assert run(rec2, "annex2").verdict == "incomplete"


def test_v_postcode_optional(rec):
    rec["applicant"]["postcode"] = "21110"
    assert run(rec).result("V-POSTCODE").passed is False
    rec["applicant"]["postcode"] = None
    result = run(rec).result("V-POSTCODE")
    assert result.passed is True and "非必填" in result.message
    assert run(rec).verdict == "eligible"


# --- V-PART ------------------------------------------------------------------------------------------------


def test_v_part_whole_and_equal(rec):
    rec["applicant"]["revenue_itb"] = rec["applicant"]["revenue_total"]
    rec["applicant"]["service_revenue"] = rec["applicant"]["revenue_total"]
    rec["applicant"]["itb_share"] = Decimal(100)
    assert run(rec).result("V-PART").passed is True
    rec["applicant"]["revenue_itb"] = rec["applicant"]["revenue_total"] + Decimal("0.01")
    rec["applicant"]["staff_senior"] = rec["applicant"]["staff_total"] + 1
    result = run(rec).result("V-PART")
    assert result.passed is False
    assert result.fields == [
        "applicant.revenue_itb",
        "applicant.revenue_total",
        "applicant.staff_senior",
        "applicant.staff_total",
    ]
    assert "大于" in result.message and "从业人员总数" in result.message


def test_v_part_table_rows(rec):
    row = rec["performance"]["yearly"][1]
    row["sme_clients"] = row["clients"] + 1
    result = run(rec).result("V-PART")
    assert result.passed is False
    assert result.fields == ["performance.yearly.1.sme_clients", "performance.yearly.1.clients"]
    assert "近三年服务情况第2行" in result.message


def test_v_part_annex2_metric_halves_and_investment(rec2):
    rec2["capacity"]["staff_qualified"]["current"] = rec2["capacity"]["staff_total"]["current"] + 1
    rec2["capacity"]["rd_investment"] = rec2["capacity"]["investment"] + Decimal(1)
    result = run(rec2, "annex2").result("V-PART")
    assert result.passed is False
    assert "capacity.staff_qualified.current" in result.fields and "capacity.rd_investment" in result.fields
    assert "（本年末）" in result.message
    assert run(rec2, "annex2").verdict == "incomplete"


def test_v_part_optional_part_missing_is_not_undecided(rec2):
    rec2["operations"]["sme_clients"] = None
    rec2["capacity"]["investment"] = None
    assert run(rec2, "annex2").result("V-PART").passed is True


# --- V-SHARE -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "passed"), [("75", True), ("76", True), ("74", True), ("76.01", False), ("73.99", False)]
)
def test_v_share_within_one_point_inclusive(rec, share, passed):
    rec["applicant"].update(revenue_total=Decimal("200.00"), revenue_itb=Decimal("150.00"))
    rec["applicant"].update(service_revenue=Decimal("150.00"), itb_share=Decimal(share))
    report = run(rec)
    result = report.result("V-SHARE")
    assert result.passed is passed and str(result.severity) == "warn"
    assert result.threshold["computed"] == Decimal("75.00")
    assert report.verdict == "eligible"  # a warning never changes the verdict


def test_v_share_zero_revenue_and_missing(rec):
    rec["applicant"].update(revenue_total=Decimal(0), revenue_itb=Decimal(0))
    result = run(rec).result("V-SHARE")
    assert result.passed is None and "为 0" in result.message
    rec["applicant"]["revenue_total"] = None
    assert run(rec).result("V-SHARE").fields == ["applicant.revenue_total"]


# --- V-YEARS -----------------------------------------------------------------------------------------------


def test_v_years(rec):
    yearly = rec["performance"]["yearly"]
    yearly[0]["year"] = 2022
    result = run(rec).result("V-YEARS")
    assert result.passed is False
    assert "缺少 2023 年" in result.message and "2022 年不在近三年范围内" in result.message
    yearly[0]["year"] = 2024
    assert "2024 年重复" in run(rec).result("V-YEARS").message
    yearly[0]["year"] = None
    assert "第 1 行未填年度" in run(rec).result("V-YEARS").message
    rec["performance"]["yearly"] = [*yearly[1:], {**yearly[1], "year": 2023}]
    assert run(rec).result("V-YEARS").passed is True  # order does not matter
    rec["cover"]["date"] = None
    assert run(rec).result("V-YEARS").message.endswith("（见 V-REQ），未核对")


# --- V-LEN -------------------------------------------------------------------------------------------------


def test_v_len_at_the_limit_and_line_breaks(rec):
    rec["platform"]["summary"] = "字" * 1000
    assert run(rec).result("V-LEN").passed is True
    rec["platform"]["summary"] = "字" * 500 + "\n" + "字" * 500
    assert run(rec).result("V-LEN").passed is True
    rec["platform"]["summary"] = "字" * 1001
    report = run(rec)
    result = report.result("V-LEN")
    assert result.passed is False and result.fields == ["platform.summary"] and "1001 字" in result.message
    assert report.verdict == "eligible"
    assert text_length("a\r\nb") == 2


def test_v_len_annex2_narrative(rec2):
    rec2["capacity"]["narrative"] = "说" * 801
    assert run(rec2, "annex2").result("V-LEN").fields == ["capacity.narrative"]


# --- V-NAME ------------------------------------------------------------------------------------------------


def test_v_name(rec):
    rec["applicant"]["name"] = "某某检测有限公司(南京)"
    rec["cover"]["applicant"] = "某某检测有限公司（南京） "
    assert run(rec).result("V-NAME").passed is True
    rec["cover"]["applicant"] = "某某检测有限公司"
    result = run(rec).result("V-NAME")
    assert result.passed is False and result.fields == ["cover.applicant", "applicant.name"]
    rec["cover"]["applicant"] = rec["applicant"]["name"]
    rec["platform"]["main_field"] = "钢铁"
    result = run(rec).result("V-NAME")
    assert result.passed is False and "钢铁" in result.message
    assert result.fields == ["platform.main_field", "platform.service_fields"]
    rec["platform"]["main_field"] = None
    assert run(rec).result("V-NAME").message.endswith("（见 V-REQ），未核对")


# --- V-DATE ------------------------------------------------------------------------------------------------


def test_v_date_relative_to_the_form_date_and_today(rec):
    assert run(rec).result("V-DATE").passed is True
    rec["platform"]["service_since"] = date(2026, 3, 11)  # a day after cover.date
    result = run(rec).result("V-DATE")
    assert (
        result.passed is False
        and result.fields == ["platform.service_since"]
        and "晚于申报日期" in result.message
    )
    rec["platform"]["service_since"] = date(2026, 3, 10)
    assert run(rec).result("V-DATE").passed is True
    result = run(rec, today=date(2026, 3, 9)).result("V-DATE")
    assert result.passed is False and "cover.date" in result.fields and "晚于今天" in result.message


def test_v_date_allows_future_validity_but_not_an_end_before_its_start(rec):
    rec["capability"]["qualifications"][0]["valid_until"] = date(2031, 1, 1)
    rec["performance"]["projects"][0]["end"] = date(2029, 12, 31)
    assert run(rec).result("V-DATE").passed is True
    rec["performance"]["projects"][1]["end"] = date(2023, 12, 31)
    result = run(rec).result("V-DATE")
    assert result.passed is False and result.fields == ["performance.projects.1.end"]
    assert "早于" in result.message


def test_v_date_missing_form_date(rec, rec2):
    rec["cover"]["date"] = None
    assert run(rec).result("V-DATE").message.endswith("（见 V-REQ），未核对")
    rec2["header"]["fill_date"] = None
    assert run(rec2, "annex2").result("V-DATE").message.endswith("（见 V-REQ），未核对")
    rec2["header"]["fill_date"] = date(2026, 3, 20)
    rec2["signoff"]["signed_date"] = date(2027, 1, 1)
    assert run(rec2, "annex2").result("V-DATE").fields == ["signoff.signed_date"]


def test_v_mobile_missing_is_left_to_v_req(rec):
    rec["applicant"]["contact_mobile"] = None
    result = run(rec).result("V-MOBILE")
    assert result.passed is True and result.fields == ["applicant.contact_mobile"]


def test_v_part_missing_required_whole_is_left_to_v_req(rec2):
    rec2["operations"]["clients"] = None
    result = run(rec2, "annex2").result("V-PART")
    assert result.passed is True and result.fields == ["operations.clients"]
    assert "服务企业数" in result.message
