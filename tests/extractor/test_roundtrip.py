"""fill → document → parse gives the record back: exactly through Word and Excel (the example records and
hypothesis-generated ones), every field through PDF and through the 97–2003 formats."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from extractor import parse_bytes
from forms import ANNEX1, ANNEX2
from forms.model import Field, FieldType, FormDef
from forms.problems import Severity
from forms.records import dump_record
from forms.spacing import fold_spacing
from templates.render import fill
from tests.extractor import strategies
from tests.extractor.conftest import expected_json

FEW = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parsed_json(data: bytes, name: str, form: str | None = None) -> tuple[dict[str, Any], list]:
    result = parse_bytes(data, name, form=form)
    return dump_record(result.record, result.form), result.problems


@pytest.mark.parametrize("name", ["annex1", "annex2"])
def test_examples_come_back_exactly_through_word(name, examples, documents):
    got, problems = parsed_json(documents[f"{name}.docx"], f"{name}.docx")
    assert got == expected_json(examples[name])
    assert problems == []


def test_annex2_example_comes_back_exactly_through_excel(examples, documents):
    got, problems = parsed_json(documents["annex2.xlsx"], "annex2.xlsx")
    assert got == expected_json(examples["annex2"])
    assert problems == []


def _errors(problems: list) -> list:
    return [p.to_dict() for p in problems if p.severity is Severity.ERROR]


def _word_round_trip(form: FormDef, record: dict[str, dict[str, Any]]) -> None:
    expected = dump_record(record, form)
    got, problems = parsed_json(fill(form, record, "docx"), "generated.docx", form=form.id)
    assert got == expected
    assert _errors(problems) == []


@FEW
@given(record=strategies.record("annex1"))
def test_generated_applications_come_back_exactly_through_word(record):
    _word_round_trip(ANNEX1, record)


@FEW
@given(record=strategies.record("annex2"))
def test_generated_annual_reports_come_back_exactly_through_word(record):
    _word_round_trip(ANNEX2, record)


@FEW
@given(record=strategies.record("annex2"))
def test_generated_annual_reports_come_back_exactly_through_excel(record):
    expected = dump_record(record, ANNEX2)
    got, _ = parsed_json(fill(ANNEX2, record, "xlsx"), "generated.xlsx", form="annex2")
    assert got == expected


# --- through LibreOffice ----------------------------------------------------------------------------------


def _loose(column: Field, value: Any) -> Any:
    if isinstance(value, str) and column.type in (FieldType.TEXT, FieldType.PROSE):
        return fold_spacing(value)
    return value


def loosely(form: FormDef, data: dict[str, Any]) -> dict[str, Any]:
    """A record JSON as a PDF keeps it: text and prose up to spacing that means nothing (``forms.spacing``:
    a gap between CJK and a Latin letter or digit is a font metric in print, a line break between two CJK
    characters may be a wrap)."""
    out: dict[str, Any] = {}
    for section in form.sections:
        values = dict(data[section.key])
        for f in section.fields:
            if f.type is FieldType.TABLE:
                values[f.key] = [{c.key: _loose(c, row[c.key]) for c in f.columns} for row in values[f.key]]
            else:
                values[f.key] = _loose(f, values[f.key])
        out[section.key] = values
    return out


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
@pytest.mark.parametrize(("name", "form"), [("annex1", ANNEX1), ("annex2", ANNEX2)])
def test_every_field_comes_back_through_pdf(name, form, examples, office):
    result = parse_bytes(office[f"{name}.pdf"], f"{name}.pdf")
    assert result.form == name and result.kind == "pdf"
    got = dump_record(result.record, form)
    assert loosely(form, got) == loosely(form, expected_json(examples[name]))
    assert result.problems == []
    # numbers, dates, choices and identifiers come back exactly, not just loosely
    assert (
        got["cover" if name == "annex1" else "header"]
        == expected_json(examples[name])["cover" if name == "annex1" else "header"]
    )


@pytest.mark.soffice
@pytest.mark.xdist_group("extractor-office")
def test_annex2_comes_back_exactly_through_xls(examples, office):
    result = parse_bytes(office["annex2.xls"], "annex2.xls")
    assert result.kind == "xls"
    assert dump_record(result.record, ANNEX2) == expected_json(examples["annex2"])
    assert result.problems == []
