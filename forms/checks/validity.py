"""V- checks: is the record well-formed data (both forms)?

Convention: a required field left empty is V-REQ's finding alone — the other error rules pass it
unchecked (``Context.missing``), so one fault is reported once; the warnings (V-SHARE, V-SINCE) are
undecided instead. An optional field left empty is simply not checked. Each rule gives one result listing
every offending path in ``fields``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from forms.checks.base import Context, as_date, as_int, as_number, check, show, show_percent
from forms.checks.report import CheckResult
from forms.checks.rules import DATE_ROLES, PROJECT_WINDOW_YEARS, SHARE_TOLERANCE, Rule
from forms.limits import text_length
from forms.model import OTHER_OPTION, Field, FieldType
from forms.normalize import is_valid_email, is_valid_mobile, is_valid_postcode, more_than_cents
from forms.problems import Severity
from forms.records import TYPE_NAMES
from forms.uscc import uscc_error
from forms.vocabulary import YEAR_MAX, YEAR_MIN, is_blank, is_empty

# --- V-REQ --------------------------------------------------------------------------------------------


@check("V-REQ")
def required(ctx: Context, rule: Rule) -> CheckResult:
    """Every required field filled: a table has ≥ 1 row (or its min_rows), a metric both halves, a
    ``required_if`` field when its bool is true, and ``<key>_other`` when 其他 is chosen."""
    missing: list[str] = []
    unusable = set(_unusable(ctx))  # given but not of its type: V-TYPE reports it, once
    for section in ctx.form.sections:
        values = ctx.get(section.key)
        values = values if isinstance(values, Mapping) else {}
        for f in section.fields:
            path = f"{section.key}.{f.key}"
            value = values.get(f.key)
            needed = f.required or (f.required_if is not None and values.get(f.required_if) is True)
            if needed:
                missing.extend(p for p in _missing_parts(f, path, value) if p not in unusable)
            if f.other_key and _chose_other(f, value) and is_blank(values.get(f.other_key)):
                missing.append(f"{section.key}.{f.other_key}")
    return ctx.result(rule, not missing, fields=missing)


def _missing_parts(f: Field, path: str, value: Any) -> list[str]:
    if f.type is FieldType.TABLE:  # rows that only say 无 are no rows
        rows = [row for row in value if not is_empty(row)] if isinstance(value, list) else []
        return [path] if len(rows) < max(1, f.min_rows) else []
    if f.type is FieldType.METRIC:
        pair = value if isinstance(value, Mapping) else {}
        return [f"{path}.{half}" for half in ("previous", "current") if pair.get(half) is None]
    return [path] if is_blank(value) else []


def _chose_other(f: Field, value: Any) -> bool:
    if f.type is FieldType.MULTI:
        return isinstance(value, list) and OTHER_OPTION in value
    return value == OTHER_OPTION


# --- V-TYPE -------------------------------------------------------------------------------------------


#: Loader problems another V- rule reports on the value kept in the record (one fault, reported once).
_REPORTED_ELSEWHERE = frozenset({"invalid_uscc", "invalid_mobile", "invalid_email", "invalid_postcode"})


def _unusable(ctx: Context) -> dict[str, str]:
    """Fields the loader could not use (its error problems; the value is null in the record) → message."""
    found: dict[str, str] = {}
    for problem in ctx.load_problems:
        if problem.severity is Severity.ERROR and problem.field and problem.code not in _REPORTED_ELSEWHERE:
            found.setdefault(problem.field, problem.message)
    return found


@check("V-TYPE")
def types(ctx: Context, rule: Rule) -> CheckResult:
    """Each value of its declared type and range (amounts ≥ 0, pct 0–100, counts and years whole numbers,
    years within YEAR_MIN–YEAR_MAX), plus the values the loader could not use. Money with more than two
    decimals is kept and compared as entered: alone, it makes this result a warning."""
    details = _unusable(ctx)
    cents: dict[str, str] = {}
    for section in ctx.form.sections:
        values = ctx.get(section.key)
        if values is not None and not isinstance(values, Mapping) and section.key not in details:
            details[section.key] = ctx.item(rule, _key="section", label=section.title, found=_found(values))
    for path, f, value in _values(ctx):
        if path in details or value is None:
            continue
        expected = _type_error(f, value)
        if expected is not None:
            details[path] = ctx.item(rule, label=ctx.label(path), expected=expected, found=_found(value))
        elif f.type is FieldType.WAN and more_than_cents(as_number(value) or Decimal(0)):
            cents[path] = ctx.item(rule, _key="cents", label=ctx.label(path), found=_found(value))
    if not details and cents:
        warned = ctx.result(rule, False, "warned", list(cents), details="；".join(cents.values()))
        return ctx.graded(warned, Severity.WARN)
    found = {**details, **cents}
    return ctx.result(rule, not details, fields=list(found), details="；".join(found.values()))


def _values(ctx: Context) -> Iterator[tuple[str, Field, Any]]:
    """Every scalar value of the record with its path and the definition it must match."""
    for section in ctx.form.sections:
        values = ctx.get(section.key)
        if not isinstance(values, Mapping):
            continue  # an absent section is empty; one that is not an object is reported by types()
        for f in section.fields:
            path = f"{section.key}.{f.key}"
            yield from _field_values(path, f, values.get(f.key))
            if f.other_key:
                other = values.get(f.other_key)
                if other is not None and not isinstance(other, str):
                    yield f"{section.key}.{f.other_key}", _OTHER_TEXT, other


_OTHER_TEXT = Field("_other", "", FieldType.TEXT)


def _field_values(path: str, f: Field, value: Any) -> Iterator[tuple[str, Field, Any]]:
    if f.type is FieldType.TABLE:
        if not isinstance(value, list):
            yield path, f, value
            return
        for i, row in enumerate(value):
            if not isinstance(row, Mapping):
                yield f"{path}.{i}", f, row
                continue
            for col in f.columns:
                yield f"{path}.{i}.{col.key}", col, row.get(col.key)
    elif f.type is FieldType.METRIC:
        if not isinstance(value, Mapping):
            yield path, f, value
            return
        assert f.item_type is not None
        item = Field(f.key, f.label, f.item_type, unit=f.unit)
        for half in ("previous", "current"):
            yield f"{path}.{half}", item, value.get(half)
    elif f.type is FieldType.MULTI:
        if not isinstance(value, list):
            yield path, f, value
            return
        for i, option in enumerate(value):
            yield f"{path}.{i}", Field(f.key, f.label, FieldType.CHOICE, options=f.options), option
        if len(set(map(str, value))) != len(value):
            yield path, f, value
    else:
        yield path, f, value


def _type_error(f: Field, value: Any) -> str | None:
    """None when ``value`` fits ``f``; else what was expected (in Chinese)."""
    expected = TYPE_NAMES[f.type]
    match f.type:
        case FieldType.TEXT | FieldType.PROSE:
            ok = isinstance(value, str)
        case FieldType.INT:
            ok = as_int(value) is not None and value >= 0
        case FieldType.YEAR:
            ok = as_int(value) is not None and YEAR_MIN <= value <= YEAR_MAX
        case FieldType.WAN | FieldType.M2:
            number = as_number(value)
            ok = number is not None and number >= 0
        case FieldType.PCT:
            number = as_number(value)
            ok = number is not None and 0 <= number <= 100
        case FieldType.DATE:
            ok = as_date(value) is not None
        case FieldType.BOOL:
            ok = isinstance(value, bool)
        case FieldType.CHOICE:
            ok = isinstance(value, str) and value in f.options
            expected = f"{TYPE_NAMES[f.type]}（{'、'.join(f.options)}）"
        case FieldType.MULTI:  # reached only for a non-list or a list with a repeated option
            ok = False
            expected = f"{TYPE_NAMES[f.type]}（每项不重复）" if isinstance(value, list) else expected
        case _:
            ok = False
    return None if ok else expected


def _found(value: Any) -> str:
    text = show(value) if not isinstance(value, dict | list) else repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


# --- format checks: V-USCC, V-MOBILE, V-EMAIL, V-POSTCODE ---------------------------------------------


def _format_check(ctx: Context, rule: Rule, reason: Callable[[str], str | None]) -> CheckResult:
    """The fields ``rule.reads`` lists for this form, each validated by ``reason`` (None = fine)."""
    paths = rule.reads.get(ctx.form.id, ())
    bad: list[str] = []
    details: list[str] = []
    absent_required: list[str] = []
    checked: list[str] = []
    for path in paths:
        text = ctx.text(path)
        if text is None:
            if ctx.required(path):
                absent_required.append(path)
            continue
        checked.append(path)
        why = reason(text)
        if why is not None:
            bad.append(path)
            details.append(ctx.item(rule, label=ctx.label(path), value=text, reason=why))
    values = {p: ctx.text(p) for p in checked}
    value = next(iter(values.values())) if len(values) == 1 else values or None
    if bad:
        return ctx.result(rule, False, fields=bad, value=value, details="；".join(details))
    if absent_required:
        return ctx.missing(rule, absent_required)
    if not checked:
        return ctx.result(rule, True, "not_given", fields=list(paths))
    return ctx.result(rule, True, fields=checked, value=value)


@check("V-USCC")
def uscc(ctx: Context, rule: Rule) -> CheckResult:
    return _format_check(ctx, rule, uscc_error)


@check("V-MOBILE")
def mobile(ctx: Context, rule: Rule) -> CheckResult:
    return _format_check(ctx, rule, lambda s: None if is_valid_mobile(s) else "format")


@check("V-EMAIL")
def email(ctx: Context, rule: Rule) -> CheckResult:
    return _format_check(ctx, rule, lambda s: None if is_valid_email(s) else "format")


@check("V-POSTCODE")
def postcode(ctx: Context, rule: Rule) -> CheckResult:
    return _format_check(ctx, rule, lambda s: None if is_valid_postcode(s) else "format")


# --- V-PART -------------------------------------------------------------------------------------------


@check("V-PART")
def parts(ctx: Context, rule: Rule) -> CheckResult:
    """``part<=whole`` pairs of ``rule.reads``; table columns are compared row by row, metrics by half."""
    bad: list[str] = []
    details: list[str] = []
    absent_required: list[str] = []
    for pair in rule.reads.get(ctx.form.id, ()):
        part_path, whole_path = pair.split("<=")
        for part_at, whole_at in _instances(ctx, part_path, whole_path):
            part, whole = ctx.number(part_at), ctx.number(whole_at)
            if part is None or whole is None:
                absent_required += [
                    p for p in (part_at, whole_at) if ctx.number(p) is None and ctx.required(p)
                ]
                continue
            if part > whole:
                bad += [part_at, whole_at]
                details.append(
                    ctx.item(
                        rule,
                        part_label=ctx.label(part_at),
                        part=show(part),
                        whole_label=ctx.label(whole_at),
                        whole=show(whole),
                    )
                )
    if bad:
        return ctx.result(rule, False, fields=list(dict.fromkeys(bad)), details="；".join(details))
    if absent_required:
        return ctx.missing(rule, list(dict.fromkeys(absent_required)))
    return ctx.result(rule, True)


def _instances(ctx: Context, part: str, whole: str) -> Iterator[tuple[str, str]]:
    """The concrete paths of a pair: one per table row, one per metric half, or the pair itself."""
    f = ctx.field(whole)
    table_path = ".".join(whole.split(".")[:2])
    if ctx.field(table_path).type is FieldType.TABLE:
        part_col, whole_col = part.split(".")[-1], whole.split(".")[-1]
        for i, _ in enumerate(ctx.rows(table_path)):
            yield f"{table_path}.{i}.{part_col}", f"{table_path}.{i}.{whole_col}"
    elif f.type is FieldType.METRIC:
        for half in ("previous", "current"):
            yield f"{part}.{half}", f"{whole}.{half}"
    else:
        yield part, whole


# --- V-SHARE ------------------------------------------------------------------------------------------


@check("V-SHARE")
def share(ctx: Context, rule: Rule) -> CheckResult:
    """The stated share agrees with revenue_itb / revenue_total × 100 within ±1 point (inclusive)."""
    share_path, itb_path, total_path = rule.reads[ctx.form.id]
    labels = {
        "share_label": ctx.label(share_path),
        "itb_label": ctx.label(itb_path),
        "total_label": ctx.label(total_path),
    }
    stated, itb, total = ctx.number(share_path), ctx.number(itb_path), ctx.number(total_path)
    absent = [p for p, v in ((share_path, stated), (itb_path, itb), (total_path, total)) if v is None]
    if absent:
        return ctx.missing(rule, absent)
    assert stated is not None and itb is not None and total is not None
    fields = [share_path, itb_path, total_path]
    if total == 0:
        return ctx.result(rule, None, "zero", fields, value=stated, **labels)
    computed = Fraction(itb) * 100 / Fraction(total)
    shown = show_percent(computed)
    passed = abs(Fraction(stated) - computed) <= Fraction(SHARE_TOLERANCE)
    return ctx.result(
        rule,
        passed,
        fields=fields,
        value=stated,
        threshold={"computed": shown, "tolerance": SHARE_TOLERANCE},
        computed=show(shown),
        tolerance=show(SHARE_TOLERANCE),
        **labels,
    )


# --- V-SINCE ------------------------------------------------------------------------------------------


@check("V-SINCE")
def since_established(ctx: Context, rule: Rule) -> CheckResult:
    """开始从事服务时间 not before 成立时间: a warning, as a unit may carry on a predecessor's service."""
    since_path, established_path = rule.reads[ctx.form.id]
    since, established = ctx.date(since_path), ctx.date(established_path)
    absent = [p for p, v in ((since_path, since), (established_path, established)) if v is None]
    if absent:
        return ctx.missing(rule, absent)
    assert since is not None and established is not None
    return ctx.result(
        rule,
        since >= established,
        fields=[since_path, established_path],
        value=since,
        threshold=established,
        since_label=ctx.label(since_path),
        established_label=ctx.label(established_path),
        established=show(established),
    )


# --- V-YEARS ------------------------------------------------------------------------------------------


@check("V-YEARS")
def years(ctx: Context, rule: Rule) -> CheckResult:
    """performance.yearly holds exactly the three calendar years before cover.date's year, once each."""
    year_path, date_path = rule.reads[ctx.form.id]
    table = ".".join(year_path.split(".")[:2])
    own = ctx.date(date_path)
    params = {"label": ctx.label(table), "date_label": ctx.label(date_path), "date": show(own)}
    if own is None:
        return ctx.missing(rule, [date_path])
    expected = [own.year - n for n in range(PROJECT_WINDOW_YEARS, 0, -1)]
    params["expected"] = "、".join(map(str, expected))
    found = [as_int(row.get(year_path.split(".")[-1])) for row in ctx.rows(table)]
    given = [y for y in found if y is not None]
    problems = []
    if absent := [y for y in expected if y not in given]:
        problems.append(ctx.item(rule, _key="absent", years="、".join(map(str, absent))))
    if extra := sorted({y for y in given if y not in expected}):
        problems.append(ctx.item(rule, _key="extra", years="、".join(map(str, extra))))
    if dup := sorted({y for y in given if given.count(y) > 1}):
        problems.append(ctx.item(rule, _key="duplicate", years="、".join(map(str, dup))))
    if blank := [str(i + 1) for i, y in enumerate(found) if y is None]:
        problems.append(ctx.item(rule, _key="no_year", rows="、".join(blank)))
    return ctx.result(
        rule,
        not problems,
        fields=[table],
        value=given,
        threshold=expected,
        details="；".join(problems),
        **params,
    )


# --- V-LEN --------------------------------------------------------------------------------------------


@check("V-LEN")
def lengths(ctx: Context, rule: Rule) -> CheckResult:
    """Texts within their field's max_length; line breaks are not counted."""
    bad: list[str] = []
    details: list[str] = []
    for path, f in ctx.form.iter_fields():
        text = ctx.get(path)
        if f.max_length is None or not isinstance(text, str):
            continue
        length = text_length(text)
        if length > f.max_length:
            bad.append(path)
            details.append(ctx.item(rule, label=ctx.label(path), length=length, max_length=f.max_length))
    return ctx.result(rule, not bad, fields=bad, details="；".join(details))


# --- V-NAME -------------------------------------------------------------------------------------------


@check("V-NAME")
def names(ctx: Context, rule: Rule) -> CheckResult:
    """cover.applicant equals applicant.name (spaces and full/half-width folded); main_field is chosen."""
    cover_path, name_path, main_path, fields_path = rule.reads[ctx.form.id]
    params = {
        "cover_label": ctx.label(cover_path),
        "name_label": ctx.label(name_path),
        "main_label": ctx.label(main_path),
        "fields_label": ctx.label(fields_path),
    }
    cover, name, main = ctx.text(cover_path), ctx.text(name_path), ctx.text(main_path)
    chosen = ctx.choices(fields_path)
    problems: list[str] = []
    bad: list[str] = []
    if cover is not None and name is not None and fold_name(cover) != fold_name(name):
        problems.append(ctx.item(rule, _key="name", cover=cover, name=name, **params))
        bad += [cover_path, name_path]
    if main is not None and chosen and main not in chosen:
        problems.append(ctx.item(rule, _key="main_field", main=main, chosen="、".join(chosen), **params))
        bad += [main_path, fields_path]
    if problems:
        return ctx.result(rule, False, fields=bad, details="；".join(problems), **params)
    absent = [p for p, v in ((cover_path, cover), (name_path, name), (main_path, main)) if v is None]
    if not chosen:
        absent.append(fields_path)
    if absent:
        return ctx.missing(rule, absent)
    return ctx.result(rule, True, fields=[cover_path, name_path, main_path], **params)


def fold_name(name: str) -> str:
    """A unit name as compared: NFKC (full-width brackets = half-width) without any spaces."""
    return "".join(unicodedata.normalize("NFKC", name).split())


# --- V-DATE -------------------------------------------------------------------------------------------


@check("V-DATE")
def dates(ctx: Context, rule: Rule) -> CheckResult:
    """Dates are dates, none after today; past facts not after the form's own date; ends not before starts."""
    roles = DATE_ROLES[ctx.form.id]
    own_path = roles["own"][0]
    own = ctx.date(own_path)
    base = {"own_label": ctx.label(own_path), "own": show(own), "today": show(ctx.today)}
    bad: list[str] = []
    problems: list[str] = []

    def flag(path: str, key: str, **params: Any) -> None:
        bad.append(path)
        problems.append(ctx.item(rule, _key=key, label=ctx.label(path), **base, **params))

    for path, value in _dates_at(ctx, own_path, *roles["not_after_own"], *roles["not_after_today"]):
        if value > ctx.today:
            flag(path, "future", value=show(value))
    for path, value in _dates_at(ctx, *roles["not_after_own"]):
        if own is not None and own < value <= ctx.today:
            flag(path, "after_own", value=show(value))
    for pair in roles["periods"]:
        start_path, end_path = pair.split("<=")
        table = ".".join(start_path.split(".")[:2])
        start_key, end_key = start_path.split(".")[-1], end_path.split(".")[-1]
        for i, row in enumerate(ctx.rows(table)):
            start, end = as_date(row.get(start_key)), as_date(row.get(end_key))
            if start is not None and end is not None and end < start:
                flag(
                    f"{table}.{i}.{end_key}",
                    "before_start",
                    value=show(end),
                    start_label=ctx.label(f"{table}.{i}.{start_key}"),
                    start=show(start),
                )
    if bad:
        return ctx.result(rule, False, fields=bad, details="；".join(problems), **base)
    if own is None:
        return ctx.missing(rule, [own_path])
    return ctx.result(rule, True, fields=[own_path], value=own, **base)


def _dates_at(ctx: Context, *paths: str) -> Iterator[tuple[str, date]]:
    """The date values at ``paths`` (``section.table.column`` paths expand to every row)."""
    for path in paths:
        parts = path.split(".")
        if len(parts) == 3:
            table = ".".join(parts[:2])
            for i, row in enumerate(ctx.rows(table)):
                if (value := as_date(row.get(parts[2]))) is not None:
                    yield f"{table}.{i}.{parts[2]}", value
        elif (value := ctx.date(path)) is not None:
            yield path, value
