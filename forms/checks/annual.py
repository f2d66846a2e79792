"""A- checks: the annual report against 第六、十六、十七、十九条 (annex2), and against last year's report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from forms.checks.base import Context, check, percent, show, show_percent
from forms.checks.report import CheckResult
from forms.checks.rules import (
    ANNUAL_DEADLINE,
    EQUIPMENT_VALUE_MIN,
    LEADERS_MIN,
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
from forms.problems import Severity
from forms.uscc import fold_uscc
from forms.vocabulary import says_none


@dataclass(frozen=True)
class _Filing:
    """The report year and the day the report was filed: the receipt date when given, else fill_date."""

    year: int
    when: date
    fields: list[str]  # what the result names: the year, and fill_date unless a receipt date was given
    date_label: str


def _filing(ctx: Context, year_path: str, fill_path: str) -> _Filing | list[str]:
    """The filing of the report, or the paths that are empty."""
    year = ctx.integer(year_path)
    when = ctx.received if ctx.received is not None else ctx.date(fill_path)
    if year is None or when is None:
        return ([year_path] if year is None else []) + ([fill_path] if when is None else [])
    if ctx.received is not None:
        return _Filing(year, when, [year_path], RECEIVED_LABEL)
    return _Filing(year, when, [year_path, fill_path], ctx.label(fill_path))


@check("A-DEADLINE")
def deadline(ctx: Context, rule: Rule) -> CheckResult:
    """The receipt date (when given) or fill_date is on or before 31 March of report_year + 1."""
    fill_path, year_path = rule.reads[ctx.form.id]
    filed = _filing(ctx, year_path, fill_path)
    if isinstance(filed, list):
        return ctx.missing(rule, filed)
    due = date(filed.year + 1, *ANNUAL_DEADLINE)
    return ctx.result(
        rule,
        filed.when <= due,
        fields=filed.fields,
        value=filed.when,
        threshold=due,
        date_label=filed.date_label,
    )


@check("A-KEEP")
def keeps_conditions(ctx: Context, rule: Rule) -> CheckResult:
    """End-of-year values against the thresholds of E-STAFF, E-SENIOR, E-QUALIFIED, E-SHARE, E-ASSETS, and
    at least one academic or technical leader (第六条（五）)."""
    paths = rule.reads[ctx.form.id]
    staff_path, senior_path, qualified_path, equipment_path, share_path, itb_path, leaders_path = paths
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

    leaders = ctx.integer(leaders_path)
    value["leaders"] = leaders
    if leaders is None:
        absent.append(leaders_path)
    elif leaders < LEADERS_MIN:
        bad.append(leaders_path)
        failures.append(
            ctx.item(
                rule, _key="leaders", label=ctx.label(leaders_path), value=leaders, threshold=LEADERS_MIN
            )
        )

    threshold = {
        "leaders": LEADERS_MIN,
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


@check("A-YEAR")
def reports_last_year(ctx: Context, rule: Rule) -> CheckResult:
    """第十六条 "根据上一年度": the report year is the year before the receipt (or fill) date."""
    year_path, fill_path = rule.reads[ctx.form.id]
    filed = _filing(ctx, year_path, fill_path)
    if isinstance(filed, list):
        return ctx.missing(rule, filed)
    return ctx.result(
        rule,
        filed.year == filed.when.year - 1,
        fields=filed.fields,
        value=filed.year,
        threshold=filed.when.year - 1,
        year_label=ctx.label(year_path),
        date_label=filed.date_label,
        date=show(filed.when),
    )


@check("A-SERVICE")
def provides_service(ctx: Context, rule: Rule) -> CheckResult:
    """第十九条（三） "无法正常运行或提供服务": no client, no service item and no revenue in the year (a
    warning: a person judges)."""
    paths = rule.reads[ctx.form.id]
    values = {p: ctx.number(p) for p in paths}
    if any(v is not None and v > 0 for v in values.values()):
        return ctx.result(rule, True, fields=list(paths), value=values, labels=ctx.labels(paths))
    if absent := [p for p, v in values.items() if v is None]:
        return ctx.missing(rule, absent)
    return ctx.result(rule, False, fields=list(paths), value=values, labels=ctx.labels(paths))


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


@check("A-REENTITLE")
def legal_entity(ctx: Context, rule: Rule) -> CheckResult:
    """第十七条: a merger or split, or a USCC other than last year's (another legal person, even when the
    change is declared), needs a new recognition."""
    flag_path, uscc_path = rule.reads[ctx.form.id]
    if ctx.previous is not None:
        now, then = ctx.text(uscc_path), ctx.text(uscc_path, ctx.previous)
        if now is not None and then is not None and fold_uscc(now) != fold_uscc(then):
            params = {"uscc_label": ctx.label(uscc_path), "previous": then}
            return ctx.result(rule, False, "uscc", [uscc_path], value=now, **params)
    value = ctx.flag(flag_path)
    if value is None:
        return ctx.missing(rule, [flag_path])
    return ctx.result(rule, value is False, fields=[flag_path], value=value, label=ctx.label(flag_path))


@check("A-INCIDENT")
def incidents(ctx: Context, rule: Rule) -> CheckResult:
    """第十九条（四）: an incident or violation is for a person to verify (warn); only one that caused
    serious social impact fails; an incident without its description leaves the report incomplete."""
    flag_path, impact_path, details_path = rule.reads[ctx.form.id]
    happened = ctx.flag(flag_path)
    if happened is None:
        return ctx.missing(rule, [flag_path])
    params = {
        "label": ctx.label(flag_path),
        "impact_label": ctx.label(impact_path),
        "details_label": ctx.label(details_path),
    }
    if not happened:
        return ctx.result(rule, True, fields=[flag_path], value=False, **params)
    impact = ctx.flag(impact_path)
    fields = [flag_path, impact_path]
    if impact:
        return ctx.result(rule, False, fields=fields, value=True, **params)
    details = ctx.text(details_path)
    if details is None or says_none(details):
        missing = ctx.result(rule, False, "no_details", [flag_path, details_path], True, **params)
        return ctx.graded(missing, Severity.ERROR)
    verify = ctx.result(rule, False, "verify", fields, True, impact=show(impact), **params)
    return ctx.graded(verify, Severity.WARN)


@check("A-CARRY")
def carried_over(ctx: Context, rule: Rule) -> CheckResult | None:
    """Against last year's report (only when given): this year's 上年末 equal last year's 本年末 and last
    year's report is for N−1 (warn); 服务行业领域, 服务范围, 依托单位 and 平台负责人 are unchanged unless a
    change is declared (第十七条: fail). Values empty on either side are not compared (V-REQ reports them);
    a changed USCC is A-REENTITLE's."""
    if ctx.previous is None:
        return None
    capacity, year_path, changed_path, *identity = rule.reads[ctx.form.id]
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

    undeclared = False
    if ctx.flag(changed_path) is not True:
        for path in identity:
            this, that = _identity(ctx, path), _identity(ctx, path, last)
            if this is not None and that is not None and this != that:
                undeclared = True
                bad.append(path)
                problems.append(
                    ctx.item(
                        rule,
                        _key="identity",
                        label=ctx.label(path),
                        value=show(ctx.get(path)),
                        previous=show(ctx.get(path, last)),
                    )
                )

    result = ctx.result(
        rule,
        not problems,
        fields=bad,
        value={"previous_report_year": last_year},
        details="；".join(problems),
        previous_year=show(last_year),
    )
    return ctx.graded(result, Severity.FAIL) if undeclared else result


def _identity(ctx: Context, path: str, record: Any = None) -> str | tuple[str, ...] | None:
    """A value A-CARRY compares, folded: a name without spaces or width differences, a list as a set."""
    value = ctx.get(path, record)
    if isinstance(value, list):
        chosen = tuple(sorted(v for v in value if isinstance(v, str)))
        return chosen or None
    text = ctx.text(path, record)
    return fold_name(text) if text is not None else None
