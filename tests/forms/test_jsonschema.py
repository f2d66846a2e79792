"""The exported JSON Schema (forms.jsonschema): valid, agrees with the examples, follows the definitions."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from forms import ANNEX1, ANNEX2, FieldType
from forms.jsonschema import form_json_schema
from forms.model import Field
from tests.forms.test_records import _with_extra_field


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=["annex1", "annex2"])
def test_schema_is_valid_draft_2020_12(form):
    jsonschema.Draft202012Validator.check_schema(form_json_schema(form))


@pytest.mark.parametrize(("form", "name"), [(ANNEX1, "annex1_json"), (ANNEX2, "annex2_json")])
def test_examples_validate(form, name, request):
    jsonschema.validate(request.getfixturevalue(name), form_json_schema(form))


def _errors(data, form):
    validator = jsonschema.Draft202012Validator(
        form_json_schema(form), format_checker=jsonschema.FormatChecker()
    )
    return sorted(".".join(str(p) for p in e.absolute_path) for e in validator.iter_errors(data))


def test_invalid_records_are_rejected_where_they_are_wrong(annex1_json):
    bad = copy.deepcopy(annex1_json)
    bad["applicant"]["itb_share"] = 101
    bad["applicant"]["staff_total"] = 12.5
    bad["applicant"]["nature"] = "公司"
    bad["platform"]["service_fields"] = ["航天"]
    bad["cover"]["date"] = "2026/03/10"
    del bad["applicant"]["uscc"]
    assert _errors(bad, ANNEX1) == [
        "applicant",
        "applicant.itb_share",
        "applicant.nature",
        "applicant.staff_total",
        "cover.date",
        "platform.service_fields.0",
    ]


def test_optional_fields_may_be_null_required_may_not(annex2_json):
    data = copy.deepcopy(annex2_json)
    data["signoff"]["head_name"] = None
    assert _errors(data, ANNEX2) == []
    data["header"]["platform_name"] = None
    assert _errors(data, ANNEX2) == ["header.platform_name"]


def test_labels_and_units_are_carried():
    schema = form_json_schema(ANNEX1)
    prop = schema["properties"]["applicant"]["properties"]["equipment_value"]
    assert prop["title"] == "技术服务仪器设备（含软件）原值（万元）" and prop["x-unit"] == "万元"
    cases = schema["properties"]["performance"]["properties"]["cases"]
    assert cases["items"]["properties"]["title"]["title"] == "案例名称"


def test_a_field_added_to_a_definition_appears_in_the_json_schema():
    form = _with_extra_field(
        ANNEX1, Field("patent_count", "有效发明专利数（件）", FieldType.INT, required=True)
    )
    applicant = form_json_schema(form)["properties"]["applicant"]
    assert applicant["properties"]["patent_count"] == {
        "type": "integer",
        "minimum": 0,
        "title": "有效发明专利数（件）",
    }
    assert "patent_count" in applicant["required"]
