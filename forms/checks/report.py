"""Check results, the report that gathers them, its verdict and its renderings (JSON-ready dict, text).

Verdict (``verdict``):

- annex1 (application): ``ineligible`` when an E- check of severity ``fail`` failed; otherwise
  ``incomplete`` when a check that is not a warning could not be decided (``passed is None``) or a V- check
  of severity ``error`` failed (malformed data cannot be judged eligible); otherwise ``eligible``.
- annex2 (annual report): the same logic with the A- checks in place of the E- checks: ``fail`` when an
  A- check of severity ``fail`` or ``error`` failed (A-REENTITLE, A-INCIDENT, A-CHANGE); otherwise
  ``incomplete`` when a non-warning check is undecided or a V- error failed; otherwise ``ok``.
- A ``warn`` result (failed or undecided) never changes a verdict: it asks a person to look.
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "article": self.article,
            "severity": str(self.severity),
            "passed": self.passed,
            "message": self.message,
            "fields": list(self.fields),
            "value": jsonable(self.value),
            "threshold": jsonable(self.threshold),
        }


def verdict(results: Sequence[CheckResult], form: FormDef | str) -> str:
    """The overall verdict of a set of results for ``form`` (see the module docstring)."""
    form_id = form.id if isinstance(form, FormDef) else form
    annual = form_id == "annex2"
    blocking = {Severity.FAIL, Severity.ERROR} if annual else {Severity.FAIL}
    decisive_kind = "A" if annual else "E"
    if any(r.kind == decisive_kind and r.passed is False and r.severity in blocking for r in results):
        return "fail" if annual else "ineligible"
    undecided = any(r.passed is None and r.severity is not Severity.WARN for r in results)
    malformed = any(r.kind == "V" and r.passed is False and r.severity is Severity.ERROR for r in results)
    if undecided or malformed:
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
        failed = [r for r in self.results if r.passed is False]
        return {
            "total": len(self.results),
            "passed": sum(r.passed is True for r in self.results),
            "failed": len(failed),
            "unknown": sum(r.passed is None for r in self.results),
            "failed_by_severity": {str(s): sum(r.severity is s for r in failed) for s in Severity},
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "verdict": self.verdict,
            "verdict_label": self.verdict_label,
            "results": [r.to_dict() for r in self.results],
            "summary": self.summary(),
        }

    def to_text(self) -> str:
        """A Chinese summary for people: the verdict, then what failed, what is undecided, what to look at."""
        lines = [f"{FORM_NAMES.get(self.form, self.form)}核查结论：{self.verdict_label}"]
        groups = (
            ("不符合：", [r for r in self.results if r.passed is False and r.severity is not Severity.WARN]),
            ("无法判断（待补充）：", [r for r in self.results if r.passed is None]),
            (
                "提示（请人工核实）：",
                [r for r in self.results if r.passed is False and r.severity is Severity.WARN],
            ),
        )
        for heading, results in groups:
            if results:
                lines.append(heading)
                lines.extend(f"  {_clause(r)}：{r.message}" for r in results)
        passed = sum(r.passed is True for r in self.results)
        lines.append(f"通过 {passed} 项，共 {len(self.results)} 项。")
        return "\n".join(lines)


def _clause(result: CheckResult) -> str:
    """``第六条（二） E-SHARE``; a rule without an article is named by its title."""
    rule = RULES.get(result.rule)
    if result.article and result.article != "—":
        return f"{result.article} {result.rule}"
    return f"{rule.title if rule else ''} {result.rule}".strip()
