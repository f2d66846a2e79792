"""The regulation's checks (``docs/spec/rules.md``) on a typed record: V- (well-formed data, both
forms), E- (eligibility of an application, 第五、六、十九、二十条) and A- (annual report, 第六、十六、十七、
十九条).

``run_checks`` gives a ``CheckReport``: one ``CheckResult`` per rule in the order of rules.md and a
verdict — ``eligible`` / ``ineligible`` / ``incomplete`` for annex1, ``ok`` / ``fail`` / ``incomplete``
for annex2 (the logic is in ``forms.checks.report``). Checks never raise on bad values: what cannot be
read is ``passed=None`` and says which field is missing. The rules themselves (articles, severities,
messages, thresholds) are data in ``forms.checks.rules``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from forms.checks import annual, eligibility, validity  # noqa: F401  (register the checks)
from forms.checks.base import REGISTRY, Context
from forms.checks.report import VERDICT_LABELS, CheckReport, CheckResult, jsonable, verdict
from forms.checks.rules import DEFAULT_KINDS, KINDS, RULES, UNREADABLE, Rule
from forms.errors import FormsError
from forms.model import FormDef
from forms.problems import Problem
from forms.records import resolve_form


def run_checks(
    record: Mapping[str, Any],
    form: FormDef | str,
    *,
    kinds: Iterable[str] | None = None,
    received: date | None = None,
    previous: Mapping[str, Any] | None = None,
    today: date | None = None,
    load_problems: Sequence[Problem] = (),
) -> CheckReport:
    """Run the checks of ``kinds`` (default: V+E for annex1, V+A for annex2) on a typed record.

    ``received``: the date the annual report was received (A-DEADLINE uses it instead of fill_date).
    ``previous``: last year's typed annex2 record (A-CARRY runs only when it is given).
    ``today``: the day dates must not be after (V-DATE; default ``date.today()``).
    ``load_problems``: the problems ``load_record`` found; its errors are reported under V-TYPE (the
    values concerned are already null in the record).
    """
    fd = resolve_form(form)
    wanted = DEFAULT_KINDS.get(fd.id, KINDS) if kinds is None else frozenset(kinds)
    if unknown := wanted - KINDS:
        raise FormsError(f"未知的核查类别：{'、'.join(sorted(unknown))}（应为 V、E、A）")
    ctx = Context(
        form=fd,
        record=record,
        today=today or date.today(),
        received=received,
        previous=previous,
        load_problems=tuple(load_problems),
    )
    results = []
    for rule in RULES.values():
        if rule.kind in wanted and fd.id in rule.forms:
            result = REGISTRY[rule.id](ctx, rule)
            if result is not None:
                results.append(result)
    results = settle(ctx, results)
    return CheckReport(fd.id, results, verdict(results, fd))


def settle(ctx: Context, results: list[CheckResult]) -> list[CheckResult]:
    """The first half of the verdict rule: a V- error (other than V-REQ's "not filled", which the checks
    see as empty anyway) makes the fields it names unreadable, and an E-/A- result that needs one of them
    becomes undecided, naming the V- rule — a condition is neither failed nor met on a malformed value, and
    one fault is reported once, as that value."""
    unreadable = {
        path: r.rule
        for r in results
        if r.kind == "V" and r.rule != "V-REQ" and r.state == "error"
        for path in r.fields
    }
    if not unreadable:
        return results
    settled = []
    for r in results:
        needs = (*RULES[r.rule].reads.get(ctx.form.id, ()), *r.fields)
        hit = [p for p in unreadable if any(_related(p, n) for n in needs)]
        if r.kind == "V" or not hit:
            settled.append(r)
            continue
        because = "、".join(dict.fromkeys(unreadable[p] for p in hit))
        message = UNREADABLE.format(labels=ctx.labels(hit), rules=because)
        settled.append(replace(r, passed=None, message=message, fields=hit, value=None))
    return settled


def _related(path: str, other: str) -> bool:
    """Whether two dotted paths name the same value or one lies inside the other."""
    return path == other or path.startswith(other + ".") or other.startswith(path + ".")


__all__ = [
    "RULES",
    "VERDICT_LABELS",
    "CheckReport",
    "CheckResult",
    "Rule",
    "jsonable",
    "settle",
    "run_checks",
    "verdict",
]
