"""``forms.limits``: the form's length limits and the caps on any text and any table, found in one pass."""

from __future__ import annotations

import pytest

from forms import ANNEX1, ANNEX2
from forms.errors import RecordError
from forms.limits import RecordLimits, RecordOverLimits, enforce_limits, over_limits
from forms.records import load_record
from tests.conftest import read_example


def annex1():
    return load_record(read_example("annex1.json")).record


def test_the_examples_are_within_the_limits() -> None:
    assert over_limits(annex1(), ANNEX1, RecordLimits()) == []
    assert over_limits(load_record(read_example("annex2.json")).record, ANNEX2, RecordLimits()) == []


def test_a_field_with_its_own_max_length_is_held_to_it_line_breaks_not_counted() -> None:
    record = annex1()
    record["platform"]["summary"] = "平" * 999 + "\n\n"
    assert over_limits(record, ANNEX1, RecordLimits()) == []
    record["platform"]["summary"] = "平" * 1001
    (problem,) = over_limits(record, ANNEX1, RecordLimits(max_chars=5000))
    assert problem.field == "platform.summary" and problem.code == "too_long"
    assert problem.message.startswith("平台简介") and "1001 字，超过 1000 字的限制" in problem.message


def test_a_300000_character_value_and_a_10000_row_table_are_named_with_their_limits() -> None:
    record = annex1()
    record["plan"]["goals"] = "建设" * 150_000
    row = record["capability"]["equipment"][0]
    record["capability"]["equipment"] = [dict(row) for _ in range(10_000)]
    record["capability"]["equipment"][7]["use"] = "用" * 20
    problems = over_limits(record, ANNEX1, RecordLimits(max_chars=10, max_rows=1_000))
    found = {p.field: p.message for p in problems}
    assert "未来三年建设目标：长度 300000 字，超过 10 字的限制" in found["plan.goals"]
    assert "10000 行，超过 1000 行的限制" in found["capability.equipment"]
    assert found["capability.equipment.7.use"].startswith("主要仪器设备（含软件）第8行“主要用途”：长度 20 字")


def test_the_other_text_of_a_choice_is_bounded_too() -> None:
    record = annex1()
    record["platform"]["service_fields_other"] = "其" * 10_001
    (problem,) = over_limits(record, ANNEX1, RecordLimits())
    assert problem.field == "platform.service_fields_other" and "（其他）：长度 10001 字" in problem.message


def test_enforce_raises_a_record_error_naming_the_source_and_every_problem() -> None:
    record = annex1()
    record["plan"]["goals"] = "建" * 10_001
    record["plan"]["measures"] = "措" * 10_002
    with pytest.raises(RecordOverLimits) as raised:
        enforce_limits(record, ANNEX1, RecordLimits(), source="r.json")
    assert isinstance(raised.value, RecordError)
    assert str(raised.value).startswith("r.json: 记录超出限制：未来三年建设目标：长度 10001 字")
    assert "另有 1 处" in str(raised.value)
    assert [e["field"] for e in raised.value.errors] == ["plan.goals", "plan.measures"]
    enforce_limits(record, ANNEX1, RecordLimits(max_chars=10_002))  # within: nothing
