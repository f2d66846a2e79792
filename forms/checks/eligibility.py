"""E- checks: does the applicant meet the conditions of 第五、六、十九、二十条 (annex1)?

A check is undecided (``passed=None``) when a field it needs is empty. For the "at least N rows" checks an
empty table counts as not filled (a printed table left blank or marked 无 reads as no rows, which cannot
be told apart from "not yet filled"); a table with too few rows fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from forms.checks.base import Context, as_date, check, percent, show, show_percent
from forms.checks.report import CheckResult
from forms.checks.rules import (
    CASES_MIN,
    EQUIPMENT_VALUE_MIN,
    PROJECT_WINDOW_YEARS,
    QUALIFIED_PCT_MIN,
    SENIOR_PCT_MIN,
    SERVICE_REVENUE_OVER,
    SERVICE_YEARS_MIN,
    SHARE_MIN,
    SITE_AREA_OVER,
    STAFF_MIN,
    Rule,
)
from forms.vocabulary import says_none


def _flag_check(ctx: Context, rule: Rule, want: bool) -> CheckResult:
    """A yes/no field that must have the answer ``want``."""
    (path,) = rule.reads[ctx.form.id]
    value = ctx.flag(path)
    if value is None:
        return ctx.missing(rule, [path])
    return ctx.result(rule, value is want, fields=[path], value=value, label=ctx.label(path))


@check("E-LEGAL")
def legal_person(ctx: Context, rule: Rule) -> CheckResult:
    return _flag_check(ctx, rule, True)


@check("E-BARRED")
def not_removed(ctx: Context, rule: Rule) -> CheckResult:
    return _flag_check(ctx, rule, False)


def _threshold_check(ctx: Context, rule: Rule, threshold: Decimal, *, over: bool = False) -> CheckResult:
    """The one number ``rule`` reads is at least ``threshold`` (以上, 不低于, 不少于), or more than it when
    ``over`` (超过, 大于); the comparison is exact."""
    (path,) = rule.reads[ctx.form.id]
    value = ctx.number(path)
    if value is None:
        return ctx.missing(rule, [path])
    passed = value > threshold if over else value >= threshold
    return ctx.result(rule, passed, fields=[path], value=value, threshold=threshold, label=ctx.label(path))


@check("E-SHARE")
def itb_share(ctx: Context, rule: Rule) -> CheckResult:
    return _threshold_check(ctx, rule, SHARE_MIN)


@check("E-MECH")
def mechanism(ctx: Context, rule: Rule) -> CheckResult:
    (path,) = rule.reads[ctx.form.id]
    text = ctx.text(path)
    if text is None:
        return ctx.missing(rule, [path])
    filled = not says_none(text)
    return ctx.result(rule, filled, fields=[path], value=None if filled else text, label=ctx.label(path))


@check("E-YEARS")
def service_years(ctx: Context, rule: Rule) -> CheckResult:
    """service_since at least a year before cover.date. A year ends on the same day of the next year, or
    on the last day of that month when it has no such day (民法典第二百零二条): from 29 Feb 2024 a year is
    complete on 28 Feb 2025."""
    since_path, date_path = rule.reads[ctx.form.id]
    since, own = ctx.date(since_path), ctx.date(date_path)
    absent = [p for p, v in ((since_path, since), (date_path, own)) if v is None]
    if absent:
        return ctx.missing(rule, absent)
    assert since is not None and own is not None
    latest = latest_start(own, SERVICE_YEARS_MIN)
    return ctx.result(
        rule,
        since <= latest,
        fields=[since_path, date_path],
        value=since,
        threshold=latest,
        label=ctx.label(since_path),
        date_label=ctx.label(date_path),
        date=show(own),
        years=SERVICE_YEARS_MIN,
    )


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def latest_start(end: date, years: int) -> date:
    """The latest start date from which ``years`` full years are complete by ``end``."""
    start = add_years(end, -years)
    following = start + timedelta(days=1)
    return following if add_years(following, years) <= end else start


def _rows_check(ctx: Context, rule: Rule, minimum: int) -> CheckResult:
    (path,) = rule.reads[ctx.form.id]
    count = len(ctx.rows(path))
    if count == 0:
        return ctx.missing(rule, [path])
    return ctx.result(
        rule, count >= minimum, fields=[path], value=count, threshold=minimum, label=ctx.label(path)
    )


@check("E-CASES")
def cases(ctx: Context, rule: Rule) -> CheckResult:
    return _rows_check(ctx, rule, CASES_MIN)


@check("E-COOP")
def cooperation(ctx: Context, rule: Rule) -> CheckResult:
    return _rows_check(ctx, rule, 1)


@check("E-LEADER")
def leaders(ctx: Context, rule: Rule) -> CheckResult:
    return _rows_check(ctx, rule, 1)


@check("E-STAFF")
def staff(ctx: Context, rule: Rule) -> CheckResult:
    return _threshold_check(ctx, rule, Decimal(STAFF_MIN))


def _ratio_check(ctx: Context, rule: Rule, minimum_pct: Decimal) -> CheckResult:
    """part / whole ≥ minimum_pct %, computed exactly; a whole of 0 fails (no ratio can be met)."""
    part_path, whole_path = rule.reads[ctx.form.id]
    part, whole = ctx.integer(part_path), ctx.integer(whole_path)
    absent = [p for p, v in ((part_path, part), (whole_path, whole)) if v is None]
    if absent:
        return ctx.missing(rule, absent)
    assert part is not None and whole is not None
    ratio = percent(part, whole) if whole > 0 else None
    passed = ratio is not None and ratio >= Fraction(minimum_pct)
    return ctx.result(
        rule,
        passed,
        fields=[part_path, whole_path],
        value=show_percent(ratio) if ratio is not None else None,
        threshold=minimum_pct,
        part_label=ctx.label(part_path),
        whole_label=ctx.label(whole_path),
        part=part,
        whole=whole,
    )


@check("E-SENIOR")
def senior(ctx: Context, rule: Rule) -> CheckResult:
    return _ratio_check(ctx, rule, SENIOR_PCT_MIN)


@check("E-QUALIFIED")
def qualified(ctx: Context, rule: Rule) -> CheckResult:
    return _ratio_check(ctx, rule, QUALIFIED_PCT_MIN)


@check("E-ASSETS")
def assets(ctx: Context, rule: Rule) -> CheckResult:
    """equipment_value ≥ 1000 (不低于) or service_revenue > 1000 (超过): either one suffices."""
    equipment_path, revenue_path = rule.reads[ctx.form.id]
    equipment, revenue = ctx.number(equipment_path), ctx.number(revenue_path)
    params = {
        "equipment_label": ctx.label(equipment_path),
        "revenue_label": ctx.label(revenue_path),
        "equipment": show(equipment),
        "revenue": show(revenue),
        "equipment_min": show(EQUIPMENT_VALUE_MIN),
        "revenue_over": show(SERVICE_REVENUE_OVER),
    }
    fields = [equipment_path, revenue_path]
    value = {"equipment_value": equipment, "service_revenue": revenue}
    threshold = {"equipment_value_min": EQUIPMENT_VALUE_MIN, "service_revenue_over": SERVICE_REVENUE_OVER}
    if equipment is not None and equipment >= EQUIPMENT_VALUE_MIN:
        return ctx.result(rule, True, "passed", fields, value, threshold, **params)
    if revenue is not None and revenue > SERVICE_REVENUE_OVER:
        return ctx.result(rule, True, "passed_revenue", fields, value, threshold, **params)
    if equipment is None or revenue is None:
        absent = [p for p, v in ((equipment_path, equipment), (revenue_path, revenue)) if v is None]
        return ctx.missing(rule, absent)
    return ctx.result(rule, False, "failed", fields, value, threshold, **params)


@check("E-SITE")
def site(ctx: Context, rule: Rule) -> CheckResult:
    """第六条（六） 固定场所: a service site of more than 0 平方米."""
    return _threshold_check(ctx, rule, SITE_AREA_OVER, over=True)


@check("E-PROJECTS")
def projects(ctx: Context, rule: Rule) -> CheckResult:
    """A national or provincial project whose [start, end] overlaps the three calendar years before
    cover.date's year (the form's 填写说明); see ``_in_window`` for a project with a date missing."""
    table, date_path = rule.reads[ctx.form.id]
    own = ctx.date(date_path)
    rows = ctx.rows(table)
    absent = ([date_path] if own is None else []) + ([] if rows else [table])
    if absent:
        return ctx.missing(rule, absent)
    assert own is not None
    window = (date(own.year - PROJECT_WINDOW_YEARS, 1, 1), date(own.year - 1, 12, 31))
    levels = ctx.field(f"{table}.level").options
    params: dict[str, Any] = {
        "label": ctx.label(table),
        "start": window[0].year,
        "end": window[1].year,
        "levels": "或".join(levels),
    }
    matching, unknown = [], []
    for i, row in enumerate(rows):
        counts = _in_window(row, window, levels)
        if counts:
            matching.append(i)
        elif counts is None:
            unknown.append(i)
    threshold = {"start": window[0], "end": window[1], "levels": list(levels)}
    if matching:
        name = rows[matching[0]].get("name") or ""
        fields = [f"{table}.{i}" for i in matching]
        return ctx.result(
            rule, True, fields=fields, value=len(matching), threshold=threshold, name=name, **params
        )
    if unknown:
        fields = [f"{table}.{i}" for i in unknown]
        return ctx.result(rule, None, "unknown", fields, value=0, threshold=threshold, **params)
    return ctx.result(rule, False, fields=[table], value=0, threshold=threshold, **params)


def _in_window(row: Mapping[str, Any], window: tuple[date, date], levels: tuple[str, ...]) -> bool | None:
    """Whether one project row counts: True, False, or None when its level or dates leave it open.

    A running project has no end. A project with no start counts when its end lies inside the window (it
    was carried out then); with neither date, or no start and an end after the window, it is undecided."""
    start, end = as_date(row.get("start")), as_date(row.get("end"))
    if end is not None and end < window[0]:
        return False
    if start is not None and start > window[1]:
        return False
    level = row.get("level")
    if level is not None and level not in levels:
        return False
    if start is None and (end is None or end > window[1]):
        return None
    return None if level is None else True


@check("E-FIELDS")
def service_fields(ctx: Context, rule: Rule) -> CheckResult:
    fields_path, scopes_path = rule.reads[ctx.form.id]
    chosen, scopes = ctx.choices(fields_path), ctx.choices(scopes_path)
    absent = [p for p, v in ((fields_path, chosen), (scopes_path, scopes)) if not v]
    if absent:
        return ctx.missing(rule, absent)
    return ctx.result(
        rule,
        True,
        fields=[fields_path, scopes_path],
        value={"service_fields": chosen, "service_scopes": scopes},
        fields_label=ctx.label(fields_path),
        scopes_label=ctx.label(scopes_path),
        chosen="、".join(chosen),
        scopes="、".join(scopes),
    )


@check("E-BRANCH")
def branch(ctx: Context, rule: Rule) -> CheckResult:
    """原则上: a branch whose parent is already a platform is flagged for a person (warn)."""
    branch_path, parent_path = rule.reads[ctx.form.id]
    is_branch, parent = ctx.flag(branch_path), ctx.flag(parent_path)
    if is_branch is False or parent is False:
        return ctx.result(
            rule,
            True,
            fields=[branch_path, parent_path],
            value={"is_branch": is_branch, "parent_is_platform": parent},
        )
    if is_branch is None or parent is None:
        return ctx.missing(
            rule, [p for p, v in ((branch_path, is_branch), (parent_path, parent)) if v is None]
        )
    return ctx.result(
        rule, False, fields=[branch_path, parent_path], value={"is_branch": True, "parent_is_platform": True}
    )
