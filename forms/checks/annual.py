"""A- checks: the annual report against 第六、十六、十七、十九条 (annex2), and against last year's report."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from forms.checks.base import Context, check, percent, show, show_percent
from forms.checks.report import CheckResult
from forms.checks.rules import (
    ANNUAL_DEADLINE,
    EQUIPMENT_VALUE_MIN,
    QUALIFIED_PCT_MIN,
    RECEIVED_LABEL,
    SENIOR_PCT_MIN,
    SERVICE_REVENUE_OVER,
    SHARE_MIN,
    STAFF_MIN,
    Rule,
)
from forms.checks.validity import fold_name
from forms.model import FieldType
from forms.uscc import fold_uscc
from forms.vocabulary import says_none


@check("A-DEADLINE")
def deadline(ctx: Context, rule: Rule) -> CheckResult:
    """The receipt date (when given) or fill_date is on or before 31 March of report_year + 1."""
    fill_path, year_path = rule.reads[ctx.form.id]
    year = ctx.integer(year_path)
    when = ctx.received if ctx.received is not None else ctx.date(fill_path)
    absent = ([year_path] if year is None else []) + ([fill_path] if when is None else [])
    if absent:
        return ctx.missing(rule, absent)
    assert year is not None and when is not None
    due = date(year + 1, *ANNUAL_DEADLINE)
    date_label = RECEIVED_LABEL if ctx.received is not None else ctx.label(fill_path)
    fields = [year_path] if ctx.received is not None else [fill_path, year_path]
    return ctx.result(rule, when <= due, fields=fields, value=when, threshold=due, date_label=date_label)


@check("A-KEEP")
def keeps_conditions(ctx: Context, rule: Rule) -> CheckResult:
    """End-of-year values against the thresholds of E-STAFF, E-SENIOR, E-QUALIFIED, E-SHARE, E-ASSETS."""
    staff_path, senior_path, qualified_path, equipment_path, share_path, itb_path = rule.reads[ctx.form.id]
    failures: list[str] = []
    bad: list[str] = []
    absent: list[str] = []
    value: dict[str, Any] = {}

    staff = ctx.integer(staff_path)
    value["staff_total"] = staff
    if staff is None:
        absent.append(staff_path)
    elif staff < STAFF_MIN:
        bad.append(staff_path)
        failures.append(_below(ctx, rule, staff_path, staff, STAFF_MIN))

    for key, part_path, minimum in (
        ("staff_senior_pct", senior_path, SENIOR_PCT_MIN),
        ("staff_qualified_pct", qualified_path, QUALIFIED_PCT_MIN),
    ):
        part = ctx.integer(part_path)
        if part is None:
            absent.append(part_path)
            continue
        if staff is None:
            continue
        ratio = percent(part, staff) if staff > 0 else None
        value[key] = show_percent(ratio) if ratio is not None else None
        if ratio is None or ratio < Fraction(minimum):
            bad += [part_path, staff_path]
            failures.append(
                ctx.item(
                    rule,
                    _key="ratio",
                    part_label=ctx.label(part_path),
                    whole_label=ctx.label(staff_path),
                    value=show(value[key]),
                    threshold=show(minimum),
                )
            )

    share = ctx.number(share_path)
    value["itb_share"] = share
    if share is None:
        absent.append(share_path)
    elif share < SHARE_MIN:
        bad.append(share_path)
        failures.append(_below(ctx, rule, share_path, share, SHARE_MIN))

    equipment, itb = ctx.number(equipment_path), ctx.number(itb_path)
    value["equipment_value"], value["revenue_itb"] = equipment, itb
    assets_ok = (equipment is not None and equipment >= EQUIPMENT_VALUE_MIN) or (
        itb is not None and itb > SERVICE_REVENUE_OVER
    )
    if not assets_ok:
        if equipment is None or itb is None:
            absent += [p for p, v in ((equipment_path, equipment), (itb_path, itb)) if v is None]
        else:
            bad += [equipment_path, itb_path]
            failures.append(
                ctx.item(
                    rule,
                    _key="assets",
                    equipment_label=ctx.label(equipment_path),
                    equipment=show(equipment),
                    equipment_min=show(EQUIPMENT_VALUE_MIN),
                    revenue_label=ctx.label(itb_path),
                    revenue=show(itb),
                    revenue_over=show(SERVICE_REVENUE_OVER),
                )
            )

    threshold = {
        "staff_total": STAFF_MIN,
        "staff_senior_pct": SENIOR_PCT_MIN,
        "staff_qualified_pct": QUALIFIED_PCT_MIN,
        "itb_share": SHARE_MIN,
        "equipment_value_min": EQUIPMENT_VALUE_MIN,
        "revenue_itb_over": SERVICE_REVENUE_OVER,
    }
    if failures:
        fields = list(dict.fromkeys(bad))
        return ctx.result(
            rule, False, fields=fields, value=value, threshold=threshold, details="；".join(failures)
        )
    if absent:
        return ctx.missing(rule, list(dict.fromkeys(absent)))
    return ctx.result(rule, True, fields=list(rule.reads[ctx.form.id]), value=value, threshold=threshold)


def _below(ctx: Context, rule: Rule, path: str, value: Any, minimum: Any) -> str:
    unit = ctx.field(path).unit or ""
    return ctx.item(
        rule, _key="below", label=ctx.label(path), value=show(value), threshold=show(minimum), unit=unit
    )


@check("A-CHANGE")
def change_reported(ctx: Context, rule: Rule) -> CheckResult:
    """When a change is declared, its details are filled (第十七条: changes are reported)."""
    changed_path, details_path = rule.reads[ctx.form.id]
    changed = ctx.flag(changed_path)
    params = {"changed_label": ctx.label(changed_path), "details_label": ctx.label(details_path)}
    if changed is None:
        return ctx.missing(rule, [changed_path])
    details = ctx.text(details_path)
    passed = not changed or (details is not None and not says_none(details))
    fields = [changed_path] if not changed else [changed_path, details_path]
    return ctx.result(rule, passed, fields=fields, value=changed, answer=show(changed), **params)


def _flag_must_be_false(ctx: Context, rule: Rule) -> CheckResult:
    (path,) = rule.reads[ctx.form.id]
    value = ctx.flag(path)
    if value is None:
        return ctx.missing(rule, [path])
    return ctx.result(rule, value is False, fields=[path], value=value, label=ctx.label(path))


@check("A-REENTITLE")
def legal_entity(ctx: Context, rule: Rule) -> CheckResult:
    return _flag_must_be_false(ctx, rule)


@check("A-INCIDENT")
def incidents(ctx: Context, rule: Rule) -> CheckResult:
    return _flag_must_be_false(ctx, rule)


@check("A-CARRY")
def carried_over(ctx: Context, rule: Rule) -> CheckResult | None:
    """Against last year's report (only when given): this year's 上年末 equal last year's 本年末; the
    code and platform name are unchanged unless a change is declared; last year's report is for N−1.
    Values empty on either side are not compared (V-REQ reports them)."""
    if ctx.previous is None:
        return None
    capacity, uscc_path, name_path, year_path, changed_path = rule.reads[ctx.form.id]
    last = ctx.previous
    problems: list[str] = []
    bad: list[str] = []

    year, last_year = ctx.integer(year_path), ctx.integer(year_path, last)
    if year is not None and last_year is not None and last_year != year - 1:
        bad.append(year_path)
        problems.append(
            ctx.item(rule, _key="year", label=ctx.label(year_path), previous=last_year, expected=year - 1)
        )

    for f in ctx.form.section(capacity).fields:
        if f.type is not FieldType.METRIC:
            continue
        now = ctx.number(f"{capacity}.{f.key}.previous")
        then = ctx.number(f"{capacity}.{f.key}.current", last)
        if now is not None and then is not None and now != then:
            path = f"{capacity}.{f.key}.previous"
            bad.append(path)
            problems.append(
                ctx.item(rule, _key="metric", label=ctx.label(path), value=show(now), previous=show(then))
            )

    if ctx.flag(changed_path) is not True:
        for path, fold in ((uscc_path, fold_uscc), (name_path, fold_name)):
            now_text, then_text = ctx.text(path), ctx.text(path, last)
            if now_text is not None and then_text is not None and fold(now_text) != fold(then_text):
                bad.append(path)
                problems.append(
                    ctx.item(rule, _key="identity", label=ctx.label(path), value=now_text, previous=then_text)
                )

    return ctx.result(
        rule,
        not problems,
        fields=bad,
        value={"previous_report_year": last_year},
        details="；".join(problems),
        previous_year=show(last_year),
    )
