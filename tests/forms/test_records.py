"""Loading JSON records into typed records and dumping them back (forms.records, forms.schema)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from forms import ANNEX1, ANNEX2, FieldType
from forms.errors import RecordError, UnknownForm
from forms.model import Field, FormDef, Section
from forms.records import dump_record, empty_record, load_record
from forms.schema import record_schema


@pytest.mark.parametrize("name", ["annex1_json", "annex2_json"])
def test_examples_load_clean_and_dump_back_exactly(name, request):
    data = request.getfixturevalue(name)
    loaded = load_record(data)
    assert loaded.problems == []
    assert dump_record(loaded.record, loaded.form) == data


def test_typed_values(annex1_json):
    record = load_record(annex1_json).record
    applicant = record["applicant"]
    assert isinstance(applicant["revenue_total"], Decimal)
    assert applicant["revenue_total"] == Decimal(str(annex1_json["applicant"]["revenue_total"]))
    assert isinstance(applicant["established"], date)
    assert isinstance(applicant["staff_total"], int) and isinstance(applicant["is_branch"], bool)
    assert isinstance(record["capability"]["equipment"][0]["value"], Decimal)
    assert record["platform"]["service_fields"] == [
        o
        for o in ANNEX1.field("platform.service_fields").options
        if o in record["platform"]["service_fields"]
    ]


def test_partial_record_loads_with_every_key_present():
    loaded = load_record({"form": "annex1", "applicant": {"name": "某检测中心"}})
    assert loaded.problems == []
    assert loaded.record["applicant"]["name"] == "某检测中心"
    assert loaded.record["applicant"]["uscc"] is None
    assert loaded.record["performance"]["cases"] == []
    assert set(loaded.record) == {s.key for s in ANNEX1.sections}
    for section in ANNEX1.sections:
        for field in section.fields:
            assert field.key in loaded.record[section.key]
    annex2 = load_record({"form": "annex2"}).record
    assert annex2["capacity"]["staff_total"] == {"previous": None, "current": None}


def test_bad_values_become_null_with_a_placed_problem_and_the_rest_is_kept():
    loaded = load_record(
        {
            "form": "annex1",
            "applicant": {"name": "甲", "staff_total": "五十", "itb_share": 120, "revenue_total": -3},
            "platform": {"service_fields": ["装备", "航天", "钢铁"]},
            "capability": {"equipment": [{"name": "三坐标测量机", "quantity": "两台", "value": 120.5}]},
        }
    )
    by_field = {p.field: p for p in loaded.problems}
    assert by_field["applicant.staff_total"].code == "wrong_type"
    assert by_field["applicant.staff_total"].raw == "五十"
    assert "从业人员总数" in by_field["applicant.staff_total"].message
    assert by_field["applicant.itb_share"].code == "out_of_range"
    assert by_field["applicant.revenue_total"].code == "out_of_range"
    assert by_field["platform.service_fields.1"].code == "unknown_option"
    assert "航天" in by_field["platform.service_fields.1"].message
    assert by_field["capability.equipment.0.quantity"].raw == "两台"
    record = loaded.record
    assert record["applicant"]["name"] == "甲" and record["applicant"]["staff_total"] is None
    assert record["platform"]["service_fields"] == ["装备", "钢铁"]
    assert record["capability"]["equipment"] == [
        {
            "name": "三坐标测量机",
            "model": None,
            "quantity": None,
            "value": Decimal("120.50"),
            "year": None,
            "use": None,
        }
    ]


def test_money_is_kept_exactly_as_entered_and_dumps_as_a_number():
    """Decision 1: money is compared as entered; 999.995 万元 is not 1000 (第六条（六） 不低于1000万元)."""
    loaded = load_record({"form": "annex1", "applicant": {"revenue_total": 999.995, "revenue_itb": "800"}})
    assert loaded.record["applicant"]["revenue_total"] == Decimal("999.995")
    dumped = dump_record(loaded.record, ANNEX1)["applicant"]
    assert dumped["revenue_total"] == 999.995 and dumped["revenue_itb"] == 800
    assert isinstance(dumped["revenue_itb"], int)


def test_empty_strings_are_null_and_text_is_stripped():
    record = load_record({"form": "annex2", "header": {"platform_name": "  平台  ", "batch": "   "}}).record
    assert record["header"]["platform_name"] == "平台" and record["header"]["batch"] is None


def test_unknown_keys_are_reported_not_fatal():
    loaded = load_record({"form": "annex1", "applicant": {"nmae": "x"}, "extra": {}})
    assert {(p.field, p.code, str(p.severity)) for p in loaded.problems} == {
        ("applicant.nmae", "unknown_field", "warn"),
        ("extra", "unknown_field", "warn"),
    }


def test_table_rows_that_are_all_blank_are_dropped():
    record = load_record(
        {"form": "annex1", "performance": {"cases": [{"title": "案例一"}, {"title": "", "client": None}]}}
    ).record
    assert [c["title"] for c in record["performance"]["cases"]] == ["案例一"]


@pytest.mark.parametrize(
    ("data", "form", "match"),
    [
        ([1, 2], None, "JSON 对象"),
        ({"applicant": {}}, None, "缺少"),
        ({"form": 3}, None, "annex1 或 annex2"),
        ({"form": "annex9"}, None, "annex9"),
        ({"form": "annex2"}, "annex1", "不一致"),
    ],
)
def test_unusable_input_raises_a_clear_record_error(data, form, match):
    with pytest.raises(RecordError, match=match):
        load_record(data, form, source="x.json")


def test_unknown_form_id_passed_by_the_caller():
    with pytest.raises(UnknownForm, match="annex9"):
        load_record({}, "annex9")


def test_a_wrongly_shaped_section_table_or_metric_is_refused_naming_it_with_an_example():
    """A whole part of the record would be lost: refused (API 422, CLI exit 2), never filled blank."""
    cases = [
        (
            "annex1",
            {"applicant": "某单位"},
            "“applicant”（一、申报单位基本情况）应为对象",
            '{"applicant": {"name":',
        ),
        (
            "annex1",
            {"attachments": [{"title": "x"}]},
            "“attachments”（附件目录）应为对象",
            '"attachments": {',
        ),
        ("annex1", {"attachments": {"attachments": {"title": "x"}}}, "应为表格行（对象）的数组", '[{"seq":'),
        ("annex1", {"attachments": {"attachments": ["营业执照"]}}, "每一行应为对象", '[{"seq":'),
        ("annex2", {"capacity": {"staff_total": 186}}, "应为 {previous, current} 对象", '"previous": 10'),
    ]
    for form, parts, expected, example in cases:
        with pytest.raises(RecordError) as caught:
            load_record({"form": form, **parts}, source="记录.json")
        message = str(caught.value)
        assert message.startswith("记录.json: ") and expected in message and example in message, message
        assert "实际为" in message or "其中有" in message
    # a value of the wrong type inside a well-shaped part stays a problem on its field
    loaded = load_record({"form": "annex1", "applicant": {"staff_total": "很多"}})
    assert [p.field for p in loaded.problems] == ["applicant.staff_total"]


def test_metric_halves_are_typed_and_checked():
    loaded = load_record(
        {"form": "annex2", "capacity": {"equipment_value": {"previous": "1500.5", "current": "多"}}}
    )
    assert loaded.record["capacity"]["equipment_value"] == {"previous": Decimal("1500.50"), "current": None}
    assert [p.field for p in loaded.problems] == ["capacity.equipment_value.current"]


def test_empty_record_dumps_to_nulls():
    dumped = dump_record(empty_record("annex2"), "annex2")
    assert dumped["form"] == "annex2" and dumped["schema_version"] == ANNEX2.schema_version
    assert dumped["header"]["report_year"] is None and dumped["operations"]["cases"] == []


def _with_extra_field(form: FormDef, field: Field) -> FormDef:
    first = form.sections[1]
    changed = dataclasses.replace(first, fields=(*first.fields, field))
    return dataclasses.replace(form, id="throwaway", sections=(form.sections[0], changed, *form.sections[2:]))


def test_a_field_added_to_a_definition_appears_in_the_schema_with_no_other_change():
    extra = Field("patent_count", "有效发明专利数（件）", FieldType.INT, required=True, unit="件")
    form = _with_extra_field(ANNEX1, extra)
    schema = record_schema(form)()
    assert "patent_count" in schema.fields["applicant"].schema.fields
    loaded = load_record({"form": "throwaway", "applicant": {"patent_count": "12"}}, form)
    assert loaded.record["applicant"]["patent_count"] == 12
    assert dump_record(loaded.record, form)["applicant"]["patent_count"] == 12
    bad = load_record({"applicant": {"patent_count": "十二"}}, form)
    assert bad.problems[0].field == "applicant.patent_count" and "有效发明专利数" in bad.problems[0].message


def test_a_new_section_is_picked_up_too():
    section = Section("finance", "七、财务情况", (Field("profit", "利润总额（万元）", FieldType.WAN),))
    form = dataclasses.replace(ANNEX2, id="throwaway2", sections=(*ANNEX2.sections, section))
    record = load_record({"finance": {"profit": 12.345}}, form).record
    assert record["finance"]["profit"] == Decimal("12.345")


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("applicant.staff_total", 50.5),
        ("applicant.staff_senior", "30.2"),
        ("applicant.equipment_count", True),
    ],
)
def test_a_fractional_count_is_refused_with_its_raw_value_never_truncated(annex1_json, path, raw):
    """Decision 1: 50.5 people is no count; the value is null and the problem keeps what was written."""
    section, key = path.split(".")
    annex1_json[section][key] = raw
    loaded = load_record(annex1_json)
    assert loaded.record[section][key] is None
    (problem,) = loaded.problems
    assert problem.field == path and problem.code == "wrong_type" and problem.raw == str(raw)


@pytest.mark.parametrize(
    ("raw", "loaded"), [(2025.9, None), ("2025.5", None), (2025.0, 2025), ("2025", 2025)]
)
def test_a_fractional_year_is_refused_and_a_whole_one_kept(annex2_json, raw, loaded):
    annex2_json["header"]["report_year"] = raw
    result = load_record(annex2_json)
    assert result.record["header"]["report_year"] == loaded
    assert [p.raw for p in result.problems] == ([] if loaded else [str(raw)])
