"""A real fault of our own, for the tests of how the two faces report one: a template built for a form
with one field more than the form it is rendered with (what ``templates/`` would ship after a field was
removed from ``forms/`` without ``python -m templates.build``)."""

from __future__ import annotations

import dataclasses

from forms import ANNEX1
from forms.model import Field, FieldType
from forms.records import empty_record
from templates.build import build_docx
from templates.render import TemplateMismatch, render_docx

#: The field only the stale template knows.
STALE_KEY = "budget"


def template_mismatch() -> TemplateMismatch:
    """The ``TemplateMismatch`` rendering raises for a template out of step with its form."""
    plan = ANNEX1.section("plan")
    extra = dataclasses.replace(
        plan, fields=(*plan.fields, Field(STALE_KEY, "建设经费（万元）", FieldType.WAN))
    )
    stale = dataclasses.replace(
        ANNEX1, sections=tuple(extra if s.key == "plan" else s for s in ANNEX1.sections)
    )
    try:
        render_docx(ANNEX1, empty_record(ANNEX1), template=build_docx(stale))
    except TemplateMismatch as exc:
        return exc
    raise AssertionError("a template with an extra field rendered without error")
