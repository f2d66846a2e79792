"""A- checks (annual report, 第六、十六、十七、十九条) on typed records made from examples/annex2.json."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from forms.checks import run_checks
from forms.records import load_record

TODAY = date(2026, 11, 1)


@pytest.fixture
def rec(annex2_json) -> dict[str, Any]:
    loaded = load_record(annex2_json)
    assert loaded.problems == []
    return loaded.record


def run(record: dict[str, Any], **kwargs: Any):
    kwargs.setdefault("today", TODAY)
    return run_checks(record, "annex2", **kwargs)


def test_the_example_is_ok(rec):
    report = run(rec)
    assert report.verdict == "ok"
    assert [r.rule for r in report.results if r.rule.startswith("A-")] == [
        "A-DEADLINE",
        "A-KEEP",
        "A-YEAR",
        "A-SERVICE",
        "A-CHANGE",
        "A-REENTITLE",
        "A-INCIDENT",
    ]
    assert all(r.passed is True for r in report.results)
    assert not any(r.rule.startswith("E-") for r in report.results)


# --- A-DEADLINE --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fill", "passed"),
    [("2026-03-30", True), ("2026-03-31", True), ("2026-04-01", False), ("2025-12-31", True)],
)
def test_a_deadline_on_fill_date(rec, fill, passed):
    rec["header"]["fill_date"] = date.fromisoformat(fill)
    rec["signoff"]["signed_date"] = None
    report = run(rec)
    result = report.result("A-DEADLINE")
    assert result.passed is passed and result.threshold == date(2026, 3, 31)
    assert str(result.severity) == "warn" and result.article == "第十六条"
    assert report.verdict == "ok"
    if not passed:
        assert "2026年3月31日" in result.message and "填报日期" in result.message


def test_a_deadline_prefers_the_receipt_date(rec):
    result = run(rec, received=date(2026, 4, 1)).result("A-DEADLINE")
    assert result.passed is False and "收到日期" in result.message and result.value == date(2026, 4, 1)
    rec["header"]["fill_date"] = None
    assert run(rec, received=date(2026, 3, 31)).result("A-DEADLINE").passed is True
    assert run(rec).result("A-DEADLINE").passed is None
    rec["header"]["fill_date"] = date(2026, 3, 1)
    rec["header"]["report_year"] = None
    assert run(rec).result("A-DEADLINE").fields == ["header.report_year"]


# --- A-KEEP ------------------------------------------------------------------------------------------------


def _set_current(rec: dict[str, Any], **values: Any) -> None:
    for key, value in values.items():
        rec["capacity"][key]["current"] = value


@pytest.mark.parametrize(("staff", "passed"), [(49, False), (50, True), (51, True)])
def test_a_keep_staff(rec, staff, passed):
    _set_current(rec, staff_total=staff, staff_senior=staff // 2 + 1, staff_qualified=staff)
    report = run(rec)
    result = report.result("A-KEEP")
    assert result.passed is passed and str(result.severity) == "warn"
    assert report.verdict == "ok"
    if not passed:
        assert (
            result.fields == ["capacity.staff_total.current"] and "从业人员总数（本年末）" in result.message
        )


@pytest.mark.parametrize(
    ("senior", "qualified", "passed"), [(25, 30, True), (24, 30, False), (25, 29, False), (50, 50, True)]
)
def test_a_keep_ratios_are_exact(rec, senior, qualified, passed):
    _set_current(rec, staff_total=50, staff_senior=senior, staff_qualified=qualified)
    assert run(rec).result("A-KEEP").passed is passed


@pytest.mark.parametrize(("share", "passed"), [("59.99", False), ("60", True), ("60.01", True)])
def test_a_keep_share(rec, share, passed):
    rec["operations"]["itb_share"] = Decimal(share)
    assert run(rec).result("A-KEEP").passed is passed


@pytest.mark.parametrize(
    ("equipment", "revenue", "passed"),
    [
        ("999.99", "1000.00", False),
        ("1000.00", "10.00", True),
        ("999.99", "1000.01", True),
        (None, "1000.01", True),
        (None, "1000.00", None),
    ],
)
def test_a_keep_assets(rec, equipment, revenue, passed):
    _set_current(rec, equipment_value=None if equipment is None else Decimal(equipment))
    rec["operations"].update(revenue_itb=Decimal(revenue), revenue_total=Decimal(revenue))
    rec["operations"]["itb_share"] = Decimal(100)
    result = run(rec).result("A-KEEP")
    assert result.passed is passed
    if passed is False:
        assert set(result.fields) == {"capacity.equipment_value.current", "operations.revenue_itb"}


def test_a_keep_lists_every_failure(rec):
    _set_current(rec, staff_total=40, staff_senior=10, staff_qualified=20)
    rec["operations"]["itb_share"] = Decimal("55.5")
    result = run(rec).result("A-KEEP")
    assert result.passed is False
    assert "低于 50人" in result.message and "55.5" in result.message
    assert "capacity.staff_senior.current" in result.fields and "operations.itb_share" in result.fields


# --- A-CHANGE, A-REENTITLE, A-INCIDENT ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changed", "details", "passed", "verdict"),
    [
        (False, None, True, "ok"),
        (True, "2025年6月平台负责人由张某变更为李某，已于2025年7月报省工信厅备案。", True, "ok"),
        (True, None, False, "incomplete"),  # a declared change without its description: 待补充, not 不符合
        (True, "无。", False, "incomplete"),
        (None, None, None, "incomplete"),
    ],
)
def test_a_change(rec, changed, details, passed, verdict):
    rec["changes"].update(changed=changed, change_details=details)
    report = run(rec)
    result = report.result("A-CHANGE")
    assert result.passed is passed and str(result.severity) == "error" and result.article == "第十七条"
    assert report.verdict == verdict


@pytest.mark.parametrize(
    ("rule", "key", "article"),
    [("A-REENTITLE", "legal_entity_changed", "第十七条"), ("A-INCIDENT", "incidents", "第十九条（四）")],
)
def test_flags_that_fail_the_report(rec, rule, key, article):
    rec["changes"][key] = True
    rec["changes"].update(incident_details="情况说明。", serious_impact=True)
    report = run(rec)
    result = report.result(rule)
    assert result.passed is False and result.article == article and str(result.severity) == "fail"
    assert report.verdict == "fail"
    assert "不符合要求" in report.to_text() and article in report.to_text()
    rec["changes"][key] = None
    report = run(rec)
    assert report.result(rule).passed is None and report.verdict == "incomplete"


# --- A-CARRY -----------------------------------------------------------------------------------------------


@pytest.fixture
def last_year(rec) -> dict[str, Any]:
    """Last year's report of the same platform, consistent with this year's."""
    last = copy.deepcopy(rec)
    last["header"]["report_year"] = rec["header"]["report_year"] - 1
    for metric in last["capacity"].values():
        if isinstance(metric, dict):
            metric["current"] = metric["previous"]
    return last


def test_a_carry_runs_only_with_last_years_report(rec, last_year):
    assert "A-CARRY" not in {r.rule for r in run(rec).results}
    result = run(rec, previous=last_year).result("A-CARRY")
    assert result.passed is True and result.article == "第十七条" and "2024" in result.message


def test_a_carry_previous_must_equal_last_current(rec, last_year):
    last_year["capacity"]["equipment_value"]["current"] = Decimal("9680.49")
    report = run(rec, previous=last_year)
    result = report.result("A-CARRY")
    assert result.passed is False and result.fields == ["capacity.equipment_value.previous"]
    assert "9680.49" in result.message and "技术服务仪器设备（含软件）原值（上年末）" in result.message
    assert report.verdict == "ok"  # a warning


def test_a_carry_identity_unless_changed(rec, last_year):
    last_year["header"]["operator"] = "另一依托单位"
    last_year["header"]["uscc"] = rec["header"]["uscc"].lower()  # same code, folded
    result = run(rec, previous=last_year).result("A-CARRY")
    assert result.passed is False and result.fields == ["header.operator"]
    rec["changes"].update(changed=True, change_details="平台名称变更，已报备。")
    assert run(rec, previous=last_year).result("A-CARRY").passed is True


def test_a_carry_report_year(rec, last_year):
    last_year["header"]["report_year"] = rec["header"]["report_year"] - 2
    result = run(rec, previous=last_year).result("A-CARRY")
    assert result.passed is False and result.fields == ["header.report_year"]


def test_a_carry_ignores_values_empty_on_either_side(rec, last_year):
    last_year["capacity"]["site_area"]["current"] = None
    rec["capacity"]["leaders"]["previous"] = None
    assert run(rec, previous=last_year).result("A-CARRY").passed is True


@pytest.mark.parametrize("path", ["operations.itb_share", "capacity.staff_total.current"])
def test_a_keep_missing_is_undecided_but_only_a_warning(rec, path):
    parts = path.split(".")
    target = rec[parts[0]] if len(parts) == 2 else rec[parts[0]][parts[1]]
    target[parts[-1]] = None
    report = run(rec)
    result = report.result("A-KEEP")
    assert result.passed is None and path in result.fields
    assert report.result("V-REQ").passed is False and report.verdict == "incomplete"
