"""Random JSON in random places of a record through ``/check`` and ``/forms/{form}/fill``, and damaged
documents through ``/parse``: the service answers 2xx or a 4xx problem+json, never a 5xx."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.app import create_app
from tests.conftest import read_example
from tests.fuzz.mutations import byte_edits, member_edits, record_edits
from tests.hostile.corpus import good_docx, good_xlsx
from tests.service.api_calls import PROBLEM, multipart

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
CLIENT = create_app({"TESTING": True}).test_client()
RECORDS = {form: read_example(f"{form}.json") for form in ("annex1", "annex2")}
FORMATS = {"annex1": ["docx"], "annex2": ["docx", "xlsx"]}


def assert_answered(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert response.mimetype == PROBLEM


def post_json(url: str, value) -> None:
    body = json.dumps(value, ensure_ascii=False)  # NaN / Infinity written as such: not strict JSON
    assert_answered(CLIENT.post(url, data=body.encode(), content_type="application/json"))


@st.composite
def form_and_record(draw: st.DrawFn):
    form = draw(st.sampled_from(sorted(RECORDS)))
    return form, draw(record_edits(RECORDS[form]))


@BOUNDED
@given(case=form_and_record())
def test_check_with_random_values(case) -> None:
    _, record = case
    post_json("/api/v1/check", record)


@BOUNDED
@given(case=form_and_record(), data=st.data())
def test_fill_with_random_values(case, data) -> None:
    form, record = case
    fmt = data.draw(st.sampled_from(FORMATS[form]))
    post_json(f"/api/v1/forms/{form}/fill?format={fmt}", record)


@settings(BOUNDED, max_examples=40)
@given(
    upload=st.sampled_from([("fuzz.docx", good_docx()), ("fuzz.xlsx", good_xlsx())]).flatmap(
        lambda named: st.tuples(st.just(named[0]), member_edits(named[1]) | byte_edits(named[1]))
    )
)
def test_parse_damaged_documents(upload) -> None:
    name, data = upload
    body, content_type = multipart({}, data, name)
    assert_answered(CLIENT.post("/api/v1/parse", data=body, content_type=content_type))
