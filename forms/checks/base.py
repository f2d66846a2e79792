"""What every check needs: the record and its definition, typed look-ups, labels, message formatting and
the registry that maps a rule id to the function that checks it.

Look-ups are defensive: a value that is not of the declared type reads as ``None`` (V-TYPE reports it),
so an E- or A- check never raises on a malformed typed record; it reports "cannot decide" instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from forms.checks.report import CheckResult
from forms.checks.rules import METRIC_HALVES, RULES, Rule
from forms.model import Field, FieldType, FormDef
from forms.problems import Problem, Severity
from forms.vocabulary import is_empty

#: A check: the result of its rule on the context's record, or None when it does not apply to this run.
CheckFn = Callable[["Context", Rule], CheckResult | None]

#: rule id → the function that runs it (filled by ``@check`` in validity, eligibility, annual).
REGISTRY: dict[str, CheckFn] = {}


def check(rule_id: str) -> Callable[[CheckFn], CheckFn]:
    """Register the function that runs ``rule_id`` (which must be a row of ``rules.RULES``)."""
    if rule_id not in RULES:
        raise KeyError(f"{rule_id} is not in forms.checks.rules.RULES")

    def register(fn: CheckFn) -> CheckFn:
        REGISTRY[rule_id] = fn
        return fn

    return register


@dataclass
class Context:
    """One run: the typed record, its form and the run's parameters."""

    form: FormDef
    record: Mapping[str, Any]
    today: date
    received: date | None = None
    previous: Mapping[str, Any] | None = None
    load_problems: Sequence[Problem] = field(default_factory=tuple)

    # --- look-ups -----------------------------------------------------------------------------------

    def get(self, path: str, record: Mapping[str, Any] | None = None) -> Any:
        """The raw value at a dotted path (``section.field``, ``section.field.previous``); None if absent."""
        value: Any = self.record if record is None else record
        for part in path.split("."):
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
        return value

    def number(self, path: str, record: Mapping[str, Any] | None = None) -> Decimal | None:
        return as_number(self.get(path, record))

    def integer(self, path: str, record: Mapping[str, Any] | None = None) -> int | None:
        return as_int(self.get(path, record))

    def date(self, path: str, record: Mapping[str, Any] | None = None) -> date | None:
        return as_date(self.get(path, record))

    def flag(self, path: str, record: Mapping[str, Any] | None = None) -> bool | None:
        value = self.get(path, record)
        return value if isinstance(value, bool) else None

    def text(self, path: str, record: Mapping[str, Any] | None = None) -> str | None:
        value = self.get(path, record)
        return (value.strip() or None) if isinstance(value, str) else None

    def rows(self, path: str) -> list[Mapping[str, Any]]:
        """The rows of a table that say something (a row whose every cell is a none-word is no row)."""
        value = self.get(path)
        if not isinstance(value, list):
            return []
        return [row for row in value if isinstance(row, Mapping) and not is_empty(row)]

    def choices(self, path: str) -> list[str]:
        value = self.get(path)
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

    # --- definitions and labels ---------------------------------------------------------------------

    def field(self, path: str) -> Field:
        """The definition of a path; list indices and metric halves are skipped."""
        names = [p for p in path.split(".") if not p.isdigit() and p not in METRIC_HALVES]
        return self.form.field(".".join(names))

    def required(self, path: str) -> bool:
        try:
            return self.field(path).required
        except KeyError:
            return False

    def label(self, path: str) -> str:
        """A path as a person reads it: ``近三年服务情况第2行“年度”``, ``从业人员总数（本年末）``."""
        parts = path.split(".")
        try:
            f = self.form.section(parts[0]).field(parts[1])
        except (KeyError, IndexError):
            return self._other_label(parts) or path
        text = short_label(f)
        for part in parts[2:]:
            if part.isdigit():
                text += f"第{int(part) + 1}{'项' if f.type is FieldType.MULTI else '行'}"
            elif part in METRIC_HALVES and f.type is FieldType.METRIC:
                text += f"（{METRIC_HALVES[part]}）"
            else:
                try:
                    f = f.column(part)
                except KeyError:
                    return path
                text += f"“{short_label(f)}”"
        return text

    def _other_label(self, parts: list[str]) -> str | None:
        """``applicant.nature_other`` → ``单位性质（其他）``."""
        if len(parts) != 2:
            return None
        try:
            section = self.form.section(parts[0])
        except KeyError:
            return None
        for f in section.fields:
            if f.other_key == parts[1]:
                return f"{short_label(f)}（其他）"
        return None

    def labels(self, paths: Iterable[str]) -> str:
        return "、".join(self.label(p) for p in paths)

    # --- results ------------------------------------------------------------------------------------

    def result(
        self,
        rule: Rule,
        passed: bool | None,
        key: str | None = None,
        fields: Sequence[str] = (),
        value: Any = None,
        threshold: Any = None,
        **params: Any,
    ) -> CheckResult:
        """A result with its message made from the rule's template ``key`` (default: by ``passed``)."""
        if key is None:
            key = {True: "passed", False: "failed", None: "missing"}[passed]
        params.setdefault("labels", self.labels(fields))
        params.setdefault("value", show(value))
        params.setdefault("threshold", show(threshold))
        message = rule.template(key).format(**params)
        return CheckResult(
            rule.id, rule.article, rule.severity, passed, message, list(fields), value, threshold
        )

    @staticmethod
    def graded(result: CheckResult, severity: Severity) -> CheckResult:
        """``result`` at another severity than its rule's: A-INCIDENT warns on an incident and fails only
        on a serious one; V-TYPE only warns when its one finding is money with more than two decimals."""
        return replace(result, severity=severity)

    def missing(self, rule: Rule, paths: Sequence[str], **params: Any) -> CheckResult:
        """Undecided: ``paths`` are empty but needed. A V- error rule whose missing fields are all required
        passes unchecked instead: V-REQ reports them, and one fault is reported once."""
        if rule.kind == "V" and rule.severity is Severity.ERROR and all(self.required(p) for p in paths):
            return self.result(rule, True, "not_checked", paths, **params)
        return self.result(rule, None, "missing", paths, **params)

    def item(self, rule: Rule, **params: Any) -> str:
        """One detail line of a rule's message (its ``item`` template or a named one via ``_key``)."""
        key = params.pop("_key", "item")
        return rule.template(key).format(**params)


# --- typed values --------------------------------------------------------------------------------------


def as_number(value: Any) -> Decimal | None:
    """A number of the record as a Decimal; None for anything else (booleans, text, NaN)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    return None


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_date(value: Any) -> date | None:
    return value if isinstance(value, date) else None


def percent(part: int, whole: int) -> Fraction:
    """``part / whole × 100`` exactly (no float error at 30/50 = 60 %)."""
    return Fraction(part, whole) * 100


def show_percent(value: Fraction | Decimal) -> Decimal:
    """A percentage for display: rounded half up to two places (70.965 → 70.97), the one rounding every face
    uses. Only for showing: the checks compare the exact value (49.999 % shows as 50 % and still fails)."""
    exact = value if isinstance(value, Decimal) else Decimal(value.numerator) / Decimal(value.denominator)
    shown = exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return shown.normalize() if shown == shown.to_integral_value() else shown


def show(value: Any) -> str:
    """A value in a Chinese message: dates as 2025年3月1日, booleans as 是/否, numbers as written."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, list | tuple):
        return "、".join(show(v) for v in value)
    return str(value)


def short_label(f: Field) -> str:
    """The printed label without a trailing unit in brackets: ``从业人员总数（人）`` → ``从业人员总数``."""
    if f.unit and f.label.endswith(f"（{f.unit}）"):
        return f.label[: -len(f.unit) - 2]
    return f.label
