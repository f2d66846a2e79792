"""Records → documents: fill a form, pre-fill this year's annual report, and the one list of the required
fields a record still leaves empty (the fields V-REQ finds, so the CLI's list and the API's
``X-Missing-Fields`` are the same)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from forms.checks import run_checks
from forms.errors import FormsError
from forms.limits import DEFAULT_RECORD_LIMITS, RecordLimits, enforce_limits
from forms.model import FormDef
from forms.problems import Problem, Severity
from forms.records import LoadedRecord, Record, dump_record, resolve_form
from templates import render
from templates.prefill import prefill_annex2

#: What ``fill`` produces: the documents of ``templates.render`` and the record itself as JSON.
OUTPUT_FORMATS = (*render.FORMATS, "json")


@dataclass(frozen=True)
class Filled:
    """A filled form: its bytes in ``fmt`` and the required fields it still leaves empty."""

    content: bytes
    fmt: str
    missing: list[Problem]


def fill(
    form: FormDef | str,
    record: Mapping[str, Any],
    fmt: str,
    *,
    timeout: float | None = None,
    limits: RecordLimits = DEFAULT_RECORD_LIMITS,
    source: str | None = None,
) -> Filled:
    """The form filled from ``record`` as ``fmt`` (``docx``, ``pdf``, ``xlsx`` for annex2, or ``json``: the
    record itself); a partial record fills what it has. ``timeout`` bounds LibreOffice for a PDF. A record
    beyond ``limits`` or its form's lengths is refused first (``RecordOverLimits`` naming ``source``)."""
    fd = resolve_form(form)
    enforce_limits(record, fd, limits, source=source)
    if fmt == "json":
        text = json.dumps(dump_record(record, fd), ensure_ascii=False, indent=2) + "\n"
        content = text.encode("utf-8")
    else:
        content = render.fill(fd, record, fmt, timeout=timeout)
    return Filled(content, fmt, missing_required(fd, record))


def prefill(year: int, *sources: LoadedRecord) -> Record:
    """This year's annual report (annex2) pre-filled from last year's report and/or the application: each
    source's own form says which it is. ``FormsError`` when there is none, or two of one form."""
    by_form: dict[str, Record] = {}
    for source in sources:
        if source.form.id in by_form:
            raise FormsError(f"给出了两份{source.form.short_title}，预填只需一份")
        by_form[source.form.id] = source.record
    if not by_form:
        raise FormsError("请给出上一年度的年度运行情况表或申报书，用于预填")
    return prefill_annex2(year, last_annex2=by_form.get("annex2"), annex1=by_form.get("annex1"))


def missing_required(form: FormDef | str, record: Mapping[str, Any]) -> list[Problem]:
    """The required fields ``record`` leaves empty, in printed order: those V-REQ reports (a table without
    rows, half a metric, an explanation a ``是`` calls for, ``其他`` without its text)."""
    fd = resolve_form(form)
    report = run_checks(record, fd, kinds=["V"])
    paths = next((r.fields or [] for r in report.results if r.rule == "V-REQ" and r.passed is False), [])
    return [Problem("required", Severity.ERROR, path, params={"label": _label(fd, path)}) for path in paths]


def _label(form: FormDef, path: str) -> str:
    """The printed label of the field at ``path`` (``capacity.staff_total.current`` → its metric's)."""
    section, key = path.split(".")[:2]
    try:
        return form.section(section).field(key).label
    except KeyError:
        return path
