"""E- checks (annex1 eligibility, 第五、六、十九、二十条): each condition at, just below and just above its
boundary, and each check's missing-field case (undecided → verdict incomplete)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from forms.checks import run_checks
from forms.checks.eligibility import add_years, latest_start
from forms.records import load_record

TODAY = date(2026, 11, 1)


@pytest.fixture
def rec(annex1_json) -> dict[str, Any]:
    """A fresh typed copy of examples/annex1.json."""
    loaded = load_record(annex1_json)
    assert loaded.problems == []
    return loaded.record


def run(record: dict[str, Any], **kwargs: Any):
    return run_checks(record, "annex1", today=TODAY, **kwargs)


def outcome(record: dict[str, Any], rule: str):
    report = run(record)
    return report.result(rule).passed, report.verdict


def test_the_example_is_eligible_and_every_e_check_passes(rec):
    report = run(rec)
    assert report.verdict == "eligible"
    e_results = [r for r in report.results if r.rule.startswith("E-")]
    assert [r.rule for r in e_results] == [
        "E-LEGAL",
        "E-SHARE",
        "E-MECH",
        "E-YEARS",
        "E-CASES",
        "E-COOP",
        "E-STAFF",
        "E-SENIOR",
        "E-QUALIFIED",
        "E-LEADER",
        "E-ASSETS",
        "E-SITE",
        "E-PROJECTS",
        "E-FIELDS",
        "E-BARRED",
        "E-BRANCH",
    ]
    assert all(r.passed is True for r in e_results), [r.message for r in e_results if not r.passed]
    assert not any(r.rule.startswith("A-") for r in report.results)


@pytest.mark.parametrize(
    ("share", "passed"),
    [("59.99", False), ("59.999", False), ("60", True), ("60.00", True), ("60.01", True), ("0", False)],
)
def test_e_share_boundary(rec, share, passed):
    rec["applicant"]["itb_share"] = Decimal(share)
    result = run(rec).result("E-SHARE")
    assert result.passed is passed
    assert result.article == "第六条（二）" and result.threshold == 60
    assert result.value == Decimal(share)
    if not passed:
        assert "低于 60%" in result.message and "产业技术基础服务业务占比" in result.message


@pytest.mark.parametrize(("staff", "passed"), [(49, False), (50, True), (51, True)])
def test_e_staff_boundary(rec, staff, passed):
    rec["applicant"].update(staff_total=staff, staff_senior=staff // 2 + 1, staff_qualified=staff)
    result = run(rec).result("E-STAFF")
    assert result.passed is passed and result.value == staff and result.threshold == 50
    assert run(rec).verdict == ("eligible" if passed else "ineligible")


@pytest.mark.parametrize(
    ("senior", "total", "passed"),
    [
        (24, 50, False),
        (25, 50, True),
        (26, 50, True),
        (92, 186, False),
        (93, 186, True),
        (49, 99, False),
        (50, 99, True),
    ],
)
def test_e_senior_ratio_is_exact_and_inclusive(rec, senior, total, passed):
    rec["applicant"].update(staff_total=total, staff_senior=senior, staff_qualified=total)
    result = run(rec).result("E-SENIOR")
    assert result.passed is passed
    assert result.fields == ["applicant.staff_senior", "applicant.staff_total"]


@pytest.mark.parametrize(
    ("qualified", "total", "passed"),
    [(29, 50, False), (30, 50, True), (31, 50, True), (111, 186, False), (112, 186, True), (3, 5, True)],
)
def test_e_qualified_sixty_percent_inclusive_without_float_error(rec, qualified, total, passed):
    rec["applicant"].update(staff_total=total, staff_senior=total, staff_qualified=qualified)
    result = run(rec).result("E-QUALIFIED")
    assert result.passed is passed
    if (qualified, total) == (30, 50):
        assert result.value == Decimal(60) and "不低于 60%" in result.message


def test_ratio_is_compared_exactly_and_shown_rounded_half_up(rec):
    """Decision 13: 5000/10001 = 49.995…% is below 50% (compared exactly) and shows as 50% (half up),
    with the counts beside it so that a person sees why it fails."""
    rec["applicant"].update(staff_total=10001, staff_senior=5000, staff_qualified=10001)
    result = run(rec).result("E-SENIOR")
    assert result.passed is False
    assert result.value == Decimal("50") and "（5000/10001），低于 50%" in result.message
    rec["applicant"].update(staff_total=10000, staff_senior=4999, staff_qualified=10000)  # 49.99% exactly
    assert run(rec).result("E-SENIOR").value == Decimal("49.99")


def test_ratios_with_no_staff_fail_and_missing_staff_is_undecided(rec):
    rec["applicant"].update(staff_total=0, staff_senior=0, staff_qualified=0)
    report = run(rec)
    assert report.result("E-SENIOR").passed is False and report.result("E-QUALIFIED").passed is False
    rec["applicant"]["staff_total"] = None
    report = run(rec)
    for rule in ("E-STAFF", "E-SENIOR", "E-QUALIFIED"):
        result = report.result(rule)
        assert result.passed is None and "applicant.staff_total" in result.fields
        assert "从业人员总数" in result.message and "未填写" in result.message
    assert report.verdict == "incomplete"


@pytest.mark.parametrize(
    ("equipment", "revenue", "passed", "message"),
    [
        ("999.99", "1000.00", False, "未超过 1000"),  # 不低于 vs 超过: 1000 revenue is not enough
        ("1000.00", "0", True, "不低于 1000"),
        ("1000.01", "0", True, "不低于 1000"),
        ("999.99", "1000.01", True, "超过 1000"),
        ("0", "999.99", False, "低于 1000"),
        (None, "1000.01", True, "超过 1000"),
        ("1000", None, True, "不低于 1000"),
        (None, "1000.00", None, "未填写"),
        ("999.99", None, None, "年产业技术基础相关服务收入"),
        (None, None, None, "技术服务仪器设备（含软件）原值"),
    ],
)
def test_e_assets_either_condition_with_the_right_boundary(rec, equipment, revenue, passed, message):
    rec["applicant"]["equipment_value"] = None if equipment is None else Decimal(equipment)
    rec["applicant"]["service_revenue"] = None if revenue is None else Decimal(revenue)
    result = run(rec).result("E-ASSETS")
    assert result.passed is passed
    assert message in result.message
    assert result.article == "第六条（六）"


@pytest.mark.parametrize(
    ("since", "cover", "passed"),
    [
        ("2025-03-10", "2026-03-10", True),  # same day one year earlier
        ("2025-03-11", "2026-03-10", False),
        ("2025-03-09", "2026-03-10", True),
        ("2024-02-29", "2025-02-28", True),  # a year from 29 Feb ends on 28 Feb (民法典第二百零二条)
        ("2024-02-29", "2025-02-27", False),
        ("2024-02-28", "2025-02-27", False),
        ("2027-02-28", "2028-02-29", True),
        ("2027-03-01", "2028-02-29", False),
        ("2026-03-10", "2026-03-10", False),
    ],
)
def test_e_years_one_full_year_before_the_application(rec, since, cover, passed):
    rec["platform"]["service_since"] = date.fromisoformat(since)
    rec["cover"]["date"] = date.fromisoformat(cover)
    result = run_checks(rec, "annex1", today=max(TODAY, date.fromisoformat(cover))).result("E-YEARS")
    assert result.passed is passed
    assert result.value == date.fromisoformat(since)
    assert (
        date.fromisoformat(since) <= result.threshold
        if passed
        else date.fromisoformat(since) > result.threshold
    )


def test_add_years_and_latest_start():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2026, 3, 10), -1) == date(2025, 3, 10)
    assert latest_start(date(2025, 2, 28), 1) == date(2024, 2, 29)
    assert latest_start(date(2028, 2, 29), 1) == date(2027, 2, 28)
    assert latest_start(date(2026, 3, 10), 1) == date(2025, 3, 10)


@pytest.mark.parametrize("missing", ["platform.service_since", "cover.date"])
def test_e_years_missing_date(rec, missing):
    section, key = missing.split(".")
    rec[section][key] = None
    result = run(rec).result("E-YEARS")
    assert result.passed is None and result.fields == [missing]


@pytest.mark.parametrize(("rows", "passed"), [(0, None), (1, False), (2, False), (3, True), (4, True)])
def test_e_cases_at_least_three(rec, rows, passed):
    case = rec["performance"]["cases"][0]
    rec["performance"]["cases"] = [dict(case) for _ in range(rows)]
    report = run(rec)
    result = report.result("E-CASES")
    assert result.passed is passed
    if passed is False:
        assert report.verdict == "ineligible" and f"仅 {rows} 个" in result.message
    if passed is None:
        assert report.verdict == "incomplete"


@pytest.mark.parametrize(
    ("rule", "path"), [("E-COOP", "platform.cooperation"), ("E-LEADER", "capability.leaders")]
)
def test_at_least_one_row(rec, rule, path):
    section, key = path.split(".")
    rec[section][key] = rec[section][key][:1]
    assert run(rec).result(rule).passed is True
    rec[section][key] = []
    report = run(rec)
    assert report.result(rule).passed is None and report.result(rule).fields == [path]
    assert report.verdict == "incomplete"


def _project(level: str | None, start: str | None, end: str | None) -> dict[str, Any]:
    return {
        "name": "测试项目",
        "level": level,
        "category": "其他",
        "role": "牵头",
        "start": None if start is None else date.fromisoformat(start),
        "end": None if end is None else date.fromisoformat(end),
        "funding": Decimal("10.00"),
    }


@pytest.mark.parametrize(
    ("level", "start", "end", "passed"),
    [
        ("国家级", "2020-01-01", "2022-12-31", False),  # ended just before the window 2023–2025
        ("国家级", "2020-01-01", "2023-01-01", True),  # ends on the window's first day
        ("省部级", "2025-12-31", "2027-06-30", True),  # starts on its last day
        ("省部级", "2026-01-01", "2027-06-30", False),  # starts just after
        ("国家级", "2019-05-01", None, True),  # still running
        ("国家级", "2024-01-01", "2024-12-31", True),
        (None, "2024-01-01", "2024-12-31", None),  # level unknown
        ("国家级", None, "2024-12-31", True),  # no start, but it ended inside the window
        ("国家级", None, "2023-01-01", True),
        ("国家级", None, "2026-01-01", None),  # no start, ended after the window: may have begun after it
        ("国家级", None, None, None),  # neither date
        (None, None, "2022-06-30", False),  # whatever its level, it ended before the window
    ],
)
def test_e_projects_window_overlap(rec, level, start, end, passed):
    rec["performance"]["projects"] = [_project(level, start, end)]
    result = run(rec).result("E-PROJECTS")
    assert result.passed is passed
    assert result.threshold["start"] == date(2023, 1, 1) and result.threshold["end"] == date(2025, 12, 31)
    if passed is False:
        assert "2023–2025" in result.message


def test_e_projects_one_matching_row_is_enough_and_empty_is_undecided(rec):
    rec["performance"]["projects"] = [
        _project("国家级", "2010-01-01", "2012-12-31"),
        _project("省部级", "2024-03-01", "2025-02-28"),
    ]
    result = run(rec).result("E-PROJECTS")
    assert result.passed is True and result.value == 1 and result.fields == ["performance.projects.1"]
    rec["performance"]["projects"] = []
    assert run(rec).result("E-PROJECTS").passed is None
    rec["performance"]["projects"] = [_project("国家级", "2024-01-01", None)]
    rec["cover"]["date"] = None
    assert run(rec).result("E-PROJECTS").passed is None


def test_e_projects_window_follows_the_application_year(rec):
    rec["performance"]["projects"] = [_project("国家级", "2021-01-01", "2022-06-30")]
    assert run(rec).result("E-PROJECTS").passed is False
    rec["cover"]["date"] = date(2025, 1, 15)
    rec["performance"]["yearly"] = [dict(r, year=r["year"] - 1) for r in rec["performance"]["yearly"]]
    assert run(rec).result("E-PROJECTS").passed is True


@pytest.mark.parametrize(
    ("text", "passed"), [("无", False), ("暂无", False), (None, None), ("设理事会。", True)]
)
def test_e_mech(rec, text, passed):
    rec["platform"]["mechanism"] = text
    report = run(rec)
    assert report.result("E-MECH").passed is passed
    assert report.result("E-MECH").article == "第六条（三）"


@pytest.mark.parametrize(
    ("rule", "path", "value", "passed", "verdict"),
    [
        ("E-LEGAL", "applicant.independent_legal_person", False, False, "ineligible"),
        ("E-LEGAL", "applicant.independent_legal_person", None, None, "incomplete"),
        ("E-BARRED", "applicant.removed_within_3y", True, False, "ineligible"),
        ("E-BARRED", "applicant.removed_within_3y", None, None, "incomplete"),
    ],
)
def test_yes_no_conditions(rec, rule, path, value, passed, verdict):
    section, key = path.split(".")
    rec[section][key] = value
    report = run(rec)
    assert report.result(rule).passed is passed
    assert report.verdict == verdict


@pytest.mark.parametrize(
    ("is_branch", "parent", "passed"),
    [(True, True, False), (True, False, True), (False, True, True), (False, None, True), (True, None, None)],
)
def test_e_branch_is_a_warning_that_never_changes_the_verdict(rec, is_branch, parent, passed):
    rec["applicant"].update(is_branch=is_branch, parent_is_platform=parent)
    report = run(rec)
    result = report.result("E-BRANCH")
    assert result.passed is passed and str(result.severity) == "warn" and result.article == "第二十条"
    if parent is not None:
        assert report.verdict == "eligible"


def test_e_fields_needs_a_field_and_a_scope(rec):
    assert "装备" in run(rec).result("E-FIELDS").message
    rec["platform"]["service_scopes"] = []
    result = run(rec).result("E-FIELDS")
    assert (
        result.passed is None
        and result.fields == ["platform.service_scopes"]
        and "服务范围" in result.message
    )
    assert result.article == "第五条"


def test_a_typed_value_of_the_wrong_type_reads_as_missing_not_a_crash(rec):
    rec["applicant"]["staff_total"] = "五十"
    rec["applicant"]["itb_share"] = 75.5  # a float is still a number
    rec["cover"]["date"] = "2026-03-10"
    report = run(rec)
    assert report.result("E-STAFF").passed is None
    assert report.result("E-SHARE").passed is True
    assert report.result("E-YEARS").passed is None
    assert report.result("V-TYPE").passed is False
    assert report.verdict == "incomplete"


def test_e_share_missing_is_undecided(rec):
    rec["applicant"]["itb_share"] = None
    report = run(rec)
    result = report.result("E-SHARE")
    assert result.passed is None and result.fields == ["applicant.itb_share"]
    assert "产业技术基础服务业务占比" in result.message and report.verdict == "incomplete"
