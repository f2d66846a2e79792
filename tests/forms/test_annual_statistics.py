"""年度核查 from check results, and the statistics of a bundle of annual reports (totals, changes,
counts by 年度核查, ranking), from the ten generated platforms checked against last year's reports."""

from __future__ import annotations

import pytest

from forms.annual_statistics import annual_statistics, change_pct, show_change
from forms.annual_summary import annual_status
from forms.checks.report import CheckResult
from forms.problems import Severity
from tests.extractor.annual_bundles import CARRY_MISMATCH, LAST_YEAR_STAFF, last_year, screened, this_year


def result(passed, severity="fail", rule="A-X"):
    """A check result as reports carry it (``CheckResult.to_dict()``, its state included)."""
    return CheckResult(rule, "第十六条", Severity(severity), passed, "…").to_dict()


@pytest.mark.parametrize(
    ("checks", "status"),
    [
        ([result(True), result(True, "warn")], "正常"),
        ([result(True), result(False, "warn")], "需关注"),
        ([result(None, "warn")], "需关注"),
        ([result(False, "error"), result(False, "warn")], "待补充"),
        ([result(None, "fail")], "待补充"),
        ([result(False, "fail"), result(False, "error")], "不符合"),
        ([], "正常"),
    ],
)
def test_annual_status_by_state(checks, status):
    assert annual_status(checks) == status


def test_a_rule_not_known_today_still_counts():
    assert annual_status([result(False, "warn", rule="A-NEW-2027")]) == "需关注"


@pytest.mark.parametrize(
    ("now", "then", "pct", "shown"),
    [(125, 100, 25.0, "+25.0%"), (96, 100, -4.0, "−4.0%"), (1, 3, -66.67, "−66.7%"), (5, 0, None, None)],
)
def test_change_and_its_display(now, then, pct, shown):
    from decimal import Decimal  # noqa: PLC0415

    value = change_pct(Decimal(now), Decimal(then))
    assert value == pct and show_change(value) == shown


def test_statistics_of_ten_platforms_against_last_year():
    annual = screened()
    stats = annual["statistics"]
    assert stats["report_year"] == 2025 and stats["platform_count"] == 10 and stats["with_previous"] == 10
    assert stats["by_status"] == {"正常": 6, "需关注": 2, "不符合": 1, "待补充": 1}
    now, last = this_year(), last_year(this_year())
    totals = {t["key"]: t for t in stats["totals"]}
    itb_now = sum(float(r["operations"]["revenue_itb"]) for r in now.values())
    itb_then = sum(float(r["operations"]["revenue_itb"]) for r in last.values())
    assert totals["revenue_itb"]["current"] == pytest.approx(itb_now)
    assert totals["revenue_itb"]["previous"] == pytest.approx(itb_then)
    assert totals["revenue_itb"]["change_pct"] == round((itb_now - itb_then) / itb_then * 100, 2)
    staff_then = sum(r["capacity"]["staff_total"]["current"] for r in last.values())
    assert totals["staff_total"]["previous"] == staff_then  # last year's 本年末, 120 for the mismatch
    mismatch = stats["platforms"][CARRY_MISMATCH - 1]
    assert mismatch["metrics"]["staff_total"]["previous"] == LAST_YEAR_STAFF
    revenues = [r["revenue_itb"] for r in stats["ranking"]]
    assert revenues == sorted(revenues, reverse=True) and len(revenues) == 10


def test_without_last_year_capacity_falls_back_to_the_reports_own_previous_column():
    stats = screened(with_previous=False)["statistics"]
    totals = {t["key"]: t for t in stats["totals"]}
    assert totals["revenue_itb"]["previous"] is None and totals["revenue_itb"]["compared"] == 0
    assert totals["staff_total"]["compared"] == 10
    first = stats["platforms"][0]["metrics"]["staff_total"]
    assert (first["previous"], first["current"]) == (128, 142)


def test_like_for_like_totals_when_only_some_platforms_have_last_year():
    units = [
        {"seq": 1, "record": {"header": {"uscc": "A"}, "operations": {"revenue_itb": 200}}, "checks": []},
        {"seq": 2, "record": {"header": {"uscc": "B"}, "operations": {"revenue_itb": 300}}, "checks": []},
    ]
    stats = annual_statistics(units, {"A": {"operations": {"revenue_itb": 100}}})
    itb = next(t for t in stats["totals"] if t["key"] == "revenue_itb")
    assert (itb["current"], itb["previous"], itb["compared"], itb["change_pct"]) == (500.0, 100.0, 1, 100.0)
