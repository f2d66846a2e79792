"""Check results, the report that gathers them, its verdict and its renderings (JSON-ready dict, text).

The one verdict rule (``docs/spec/rules.md``), the same on every face — CLI text, JSON, pages, workbooks:

- a V- error makes the fields it names unreadable, and the E-/A- checks that need them are undecided
  (``run_checks`` settles that before the verdict is taken);
- ``ineligible`` (annex1) / ``fail`` (annex2) when an E-/A- result of severity ``fail`` failed: a condition of
  the regulation is not met whatever else is wrong;
- otherwise ``incomplete`` when a result of severity ``error`` failed (malformed data, a missing
  description) or a result that is not a warning is undecided;
- otherwise ``eligible`` / ``ok``. A ``warn`` result never changes a verdict: it asks a person to look.

Every result has one ``state`` (``pass``, ``fail``, ``warn``, ``error``, ``unknown``) from ``result_state``;
the faces show its label from ``forms.vocabulary.RESULT_LABELS`` and count states, never ``passed`` alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from forms.checks.rules import RULES
from forms.model import FormDef
from forms.problems import Severity
from forms.vocabulary import VERDICT_LABELS

FORM_NAMES: Mapping[str, str] = {"annex1": "申报书", "annex2": "年度运行情况表"}


def jsonable(value: Any) -> Any:
    """A value as JSON can carry it: Decimal → int/float, date → ISO string, containers recursively."""
    if isinstance(value, bool) or value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


@dataclass
class CheckResult:
    """The outcome of one rule on one record (the result object of rules.md)."""

    rule: str
    article: str
    severity: Severity
    passed: bool | None
    message: str
    fields: list[str] = field(default_factory=list)
    value: Any = None
    threshold: Any = None

    @property
    def kind(self) -> str:
        return self.rule.split("-", 1)[0]

    @property
    def title(self) -> str:
        """The rule's short Chinese name (``E-SHARE`` → ``产业技术基础服务收入占比``)."""
        rule = RULES.get(self.rule)
        return rule.title if rule else ""

    @property
    def state(self) -> str:
        return result_state(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "clause": clause(self),
            "state": self.state,
            "article": self.article,
            "severity": str(self.severity),
            "passed": self.passed,
            "message": self.message,
            "fields": list(self.fields),
            "value": jsonable(self.value),
            "threshold": jsonable(self.threshold),
        }


def result_state(result: CheckResult) -> str:
    """``pass``; ``fail`` (a condition not met); ``warn`` (a person should look, whether the warning failed
    or could not be decided); ``error`` (the data is malformed or incomplete: 待补充); ``unknown`` (a
    condition could not be decided: 待补充)."""
    if result.passed is True:
        return "pass"
    if result.passed is None:  # a warning that cannot be decided still asks a person to look
        return "warn" if result.severity is Severity.WARN else "unknown"
    return {Severity.WARN: "warn", Severity.ERROR: "error"}.get(result.severity, "fail")


#: The states a person must act on before a verdict can be given (counted as 待补充 on every face).
TO_COMPLETE = frozenset({"error", "unknown"})


def verdict(results: Sequence[CheckResult], form: FormDef | str) -> str:
    """The overall verdict of settled results for ``form`` (see the module docstring)."""
    form_id = form.id if isinstance(form, FormDef) else form
    annual = form_id == "annex2"
    decisive_kind = "A" if annual else "E"
    if any(r.kind == decisive_kind and r.state == "fail" for r in results):
        return "fail" if annual else "ineligible"
    if any(r.state in TO_COMPLETE for r in results):
        return "incomplete"
    return "ok" if annual else "eligible"


@dataclass
class CheckReport:
    """Every result of one run, in the order of rules.md, with the verdict."""

    form: str
    results: list[CheckResult]
    verdict: str

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def result(self, rule: str) -> CheckResult:
        """The result of one rule id (``KeyError`` if that rule did not run)."""
        for r in self.results:
            if r.rule == rule:
                return r
        raise KeyError(rule)

    def summary(self) -> dict[str, Any]:
        """Counts by state: ``failed`` = 不符合或提示 (fail, warn), ``unknown`` = 待补充 (error, unknown)."""
        states = [r.state for r in self.results]
        failed = [r for r in self.results if r.passed is False]
        return {
            "total": len(states),
            "passed": states.count("pass"),
            "failed": states.count("fail") + states.count("warn"),
            "unknown": sum(s in TO_COMPLETE for s in states),
            "by_state": {s: states.count(s) for s in ("pass", "fail", "warn", "error", "unknown")},
            "failed_by_severity": {str(s): sum(r.severity is s for r in failed) for s in Severity},
        }

    def counts_text(self) -> str:
        """``通过 20 项，不符合或提示 2 项，待补充 1 项，共 23 项`` — the one wording of the counts."""
        c = self.summary()
        return (
            f"通过 {c['passed']} 项，不符合或提示 {c['failed']} 项，"
            f"待补充 {c['unknown']} 项，共 {c['total']} 项"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "results": [r.to_dict() for r in self.results],
            "summary": self.summary(),
            "counts_text": self.counts_text(),
        }

    def to_text(self) -> str:
        """A Chinese summary for people: the verdict, then what failed, what is undecided, what to look at."""
        lines = [f"{FORM_NAMES.get(self.form, self.form)}核查结论：{self.verdict_label}"]
        groups = (
            ("不符合：", {"fail"}),
            ("有误或无法判断（待补充）：", TO_COMPLETE),
            ("提示（请人工核实）：", {"warn"}),
        )
        for heading, states in groups:
            results = [r for r in self.results if r.state in states]
            if results:
                lines.append(heading)
                lines.extend(f"  {clause(r)}：{r.message}" for r in results)
        lines.append(f"{self.counts_text()}。")
        return "\n".join(lines)


def clause(result: CheckResult | Mapping[str, Any]) -> str:
    """``第六条（二） E-SHARE 产业技术基础服务收入占比``; a V- rule has no article: ``V-REQ 必填项``."""
    if isinstance(result, CheckResult):
        rule, article, title = result.rule, result.article, result.title
    else:
        rule, article = str(result.get("rule", "")), str(result.get("article") or "")
        title = result.get("title") or (RULES[rule].title if rule in RULES else "")
    named = f"{rule} {title}".strip()
    return f"{article} {named}" if article and article != "—" else named
