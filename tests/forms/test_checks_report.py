"""The rule table, the verdict logic, the report's JSON and text renderings, and run_checks' options."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal

import pytest

from forms import ANNEX1
from forms.checks import RULES, CheckReport, CheckResult, run_checks, verdict
from forms.checks.base import REGISTRY
from forms.errors import FormsError
from forms.problems import Severity
from forms.records import load_record

#: rules.md, transcribed: id → (article, severity). V- rules have no article ("—").
SPEC = {
    "V-REQ": ("—", "error"),
    "V-TYPE": ("—", "error"),
    "V-USCC": ("—", "error"),
    "V-MOBILE": ("—", "error"),
    "V-EMAIL": ("—", "error"),
    "V-POSTCODE": ("—", "error"),
    "V-PART": ("—", "error"),
    "V-SHARE": ("—", "warn"),
    "V-SINCE": ("—", "warn"),
    "V-YEARS": ("—", "error"),
    "V-LEN": ("—", "warn"),
    "V-NAME": ("—", "error"),
    "V-DATE": ("—", "error"),
    "E-LEGAL": ("第六条（一）", "fail"),
    "E-SHARE": ("第六条（二）", "fail"),
    "E-MECH": ("第六条（三）", "fail"),
    "E-YEARS": ("第六条（四）", "fail"),
    "E-CASES": ("第六条（四）", "fail"),
    "E-COOP": ("第六条（四）", "fail"),
    "E-STAFF": ("第六条（五）", "fail"),
    "E-SENIOR": ("第六条（五）", "fail"),
    "E-QUALIFIED": ("第六条（五）", "fail"),
    "E-LEADER": ("第六条（五）", "fail"),
    "E-ASSETS": ("第六条（六）", "fail"),
    "E-SITE": ("第六条（六）", "fail"),
    "E-PROJECTS": ("第六条（七）", "fail"),
    "E-FIELDS": ("第五条", "fail"),
    "E-BARRED": ("第十九条", "fail"),
    "E-BRANCH": ("第二十条", "warn"),
    "A-DEADLINE": ("第十六条", "warn"),
    "A-KEEP": ("第六条", "warn"),
    "A-YEAR": ("第十六条", "warn"),
    "A-SERVICE": ("第十九条（三）", "warn"),
    "A-CHANGE": ("第十七条", "error"),
    "A-REENTITLE": ("第十七条", "fail"),
    "A-INCIDENT": ("第十九条（四）", "fail"),
    "A-CARRY": ("第十七条", "warn"),
}


def test_the_rule_table_matches_rules_md_and_every_rule_has_a_check():
    assert list(RULES) == list(SPEC)
    for rule_id, (article, severity) in SPEC.items():
        rule = RULES[rule_id]
        assert (rule.article, str(rule.severity)) == (article, severity), rule_id
        assert rule_id in REGISTRY
        assert rule.template("passed") and rule.template("missing")


def test_every_path_a_rule_reads_exists_in_its_form():
    from forms import get_form

    for rule in RULES.values():
        for form_id, paths in rule.reads.items():
            form = get_form(form_id)
            for spec in paths:
                for path in spec.split("<="):
                    parts = [p for p in path.split(".") if p not in ("previous", "current")]
                    if len(parts) == 1:
                        form.section(parts[0])
                    else:
                        form.field(".".join(parts))


def r(rule: str, passed: bool | None) -> CheckResult:
    severity = Severity(SPEC[rule][1])
    return CheckResult(rule, SPEC[rule][0], severity, passed, "说明")


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([r("E-STAFF", True), r("V-REQ", True)], "eligible"),
        ([r("E-STAFF", False), r("V-REQ", False), r("E-SHARE", None)], "ineligible"),
        ([r("E-STAFF", True), r("V-REQ", False)], "incomplete"),
        ([r("E-STAFF", None), r("V-REQ", True)], "incomplete"),
        ([r("E-STAFF", True), r("V-USCC", None)], "incomplete"),
        ([r("E-STAFF", True), r("E-BRANCH", False), r("V-SHARE", False), r("V-LEN", False)], "eligible"),
        ([r("E-STAFF", True), r("E-BRANCH", None), r("V-SHARE", None)], "eligible"),
        ([], "eligible"),
    ],
)
def test_verdict_annex1(results, expected):
    assert verdict(results, "annex1") == expected
    assert verdict(results, ANNEX1) == expected


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ([r("A-INCIDENT", True), r("V-REQ", True)], "ok"),
        ([r("A-INCIDENT", False), r("V-REQ", False)], "fail"),
        ([r("A-CHANGE", False)], "incomplete"),  # a change without its description: 待补充 (decision 8)
        ([r("A-REENTITLE", None), r("V-REQ", True)], "incomplete"),
        ([r("V-USCC", False), r("A-INCIDENT", True)], "incomplete"),
        ([r("A-DEADLINE", False), r("A-KEEP", False), r("A-CARRY", False), r("A-DEADLINE", None)], "ok"),
    ],
)
def test_verdict_annex2(results, expected):
    assert verdict(results, "annex2") == expected


def test_to_dict_is_json_safe_with_numbers_and_iso_dates(annex1_json):
    annex1_json["applicant"].update(staff_total=49, staff_senior=30, staff_qualified=40)
    record = load_record(annex1_json).record
    report = run_checks(record, "annex1", today=date(2026, 11, 1))
    data = report.to_dict()
    json.dumps(data, allow_nan=False)
    assert (
        data["form"] == "annex1"
        and data["verdict"] == "ineligible"
        and data["verdict_label"] == "不符合申报条件"
    )
    results = {x["rule"]: x for x in data["results"]}
    assert results["E-STAFF"] == {
        "rule": "E-STAFF",
        "title": "从业人员",
        "clause": "第六条（五） E-STAFF 从业人员",
        "state": "fail",
        "article": "第六条（五）",
        "severity": "fail",
        "passed": False,
        "message": "从业人员总数为 49 人，少于 50 人",
        "fields": ["applicant.staff_total"],
        "value": 49,
        "threshold": 50,
    }
    assert results["E-SHARE"]["value"] == 74.07 and isinstance(results["E-SHARE"]["value"], float)
    assert results["E-YEARS"]["value"] == "1985-01-01" and results["E-YEARS"]["threshold"] == "2025-03-10"
    assert results["E-ASSETS"]["value"] == {"equipment_value": 15632.8, "service_revenue": 6248.75}
    assert data["summary"] == {
        "total": len(report.results),
        "passed": len(report.results) - 1,
        "failed": 1,
        "unknown": 0,
        "by_state": {"pass": len(report.results) - 1, "fail": 1, "warn": 0, "error": 0, "unknown": 0},
        "failed_by_severity": {"error": 0, "warn": 0, "fail": 1},
    }
    assert (
        data["counts_text"]
        == f"通过 {len(report.results) - 1} 项，不符合或提示 1 项，待补充 0 项，共 {len(report.results)} 项"
    )


def test_to_text_names_verdict_articles_and_counts(annex1_json):
    annex1_json["applicant"].update(itb_share=59.9, staff_total=None, is_branch=True, parent_is_platform=True)
    record = load_record(annex1_json).record
    text = run_checks(record, "annex1", today=date(2026, 11, 1)).to_text()
    lines = text.splitlines()
    assert lines[0] == "申报书核查结论：不符合申报条件"
    assert (
        "  第六条（二） E-SHARE 产业技术基础服务收入占比：产业技术基础服务业务占比为 59.9%，低于 60% 的要求"
        in lines
    )
    assert any(line.startswith("  第六条（五） E-STAFF 从业人员：") and "未填写" in line for line in lines)
    assert any(line.startswith("  第二十条 E-BRANCH 分支机构：") for line in lines)
    assert any(line.startswith("  V-REQ 必填项：") for line in lines)  # a rule without article
    assert not any(line.startswith("  V-PART") for line in lines)  # the empty staff_total is V-REQ's alone
    headings = [line for line in lines if not line.startswith("  ")]
    assert headings[1:4] == ["不符合：", "有误或无法判断（待补充）：", "提示（请人工核实）："]
    assert lines[-1].startswith("通过 ") and lines[-1].endswith("项。")


def test_to_text_of_a_clean_report_is_short():
    report = CheckReport("annex2", [r("A-INCIDENT", True)], "ok")
    assert (
        report.to_text()
        == "年度运行情况表核查结论：符合要求\n通过 1 项，不符合或提示 0 项，待补充 0 项，共 1 项。"
    )


def test_kinds_select_the_checks(annex1_json):
    record = load_record(annex1_json).record
    only_v = run_checks(record, "annex1", kinds=["V"], today=date(2026, 11, 1))
    assert {x.rule[0] for x in only_v.results} == {"V"}
    assert only_v.verdict == "eligible"
    with_a = run_checks(record, "annex1", kinds={"V", "E", "A"}, today=date(2026, 11, 1))
    assert not any(x.rule.startswith("A-") for x in with_a.results)  # A- rules are annex2's
    with pytest.raises(FormsError, match="X"):
        run_checks(record, "annex1", kinds=["X"])


def test_today_defaults_to_the_real_date(annex1_json):
    annex1_json["cover"]["date"] = "2999-01-01"
    annex1_json["declaration"]["signed_date"] = None
    record = load_record(annex1_json).record
    assert run_checks(record, "annex1").result("V-DATE").passed is False


def test_a_typed_record_with_absent_sections_is_checked_not_crashed():
    report = run_checks({}, "annex1", today=date(2026, 11, 1))
    assert report.verdict == "incomplete"
    assert report.result("V-REQ").passed is False and report.result("E-STAFF").passed is None
    report2 = run_checks({"capacity": None, "header": {"report_year": "2025"}}, "annex2")
    assert report2.result("V-TYPE").fields == ["header.report_year"]
    assert report2.verdict == "incomplete"


def test_labels_in_messages_come_from_the_definition(annex1_json):
    applicant = ANNEX1.section("applicant")
    relabelled = dataclasses.replace(
        applicant,
        fields=tuple(
            dataclasses.replace(f, label="职工总人数（人）") if f.key == "staff_total" else f
            for f in applicant.fields
        ),
    )
    form = dataclasses.replace(
        ANNEX1, sections=tuple(relabelled if s.key == "applicant" else s for s in ANNEX1.sections)
    )
    annex1_json["applicant"].update(staff_total=49, staff_senior=30, staff_qualified=40)
    record = load_record(annex1_json).record
    message = run_checks(record, form, today=date(2026, 11, 1)).result("E-STAFF").message
    assert message == "职工总人数为 49 人，少于 50 人"


def test_report_result_lookup():
    report = CheckReport("annex1", [r("E-STAFF", True)], "eligible")
    assert report.result("E-STAFF").passed is True
    with pytest.raises(KeyError):
        report.result("E-SHARE")


def test_check_result_to_dict_converts_nested_values():
    result = CheckResult(
        "A-KEEP",
        "第六条",
        Severity.WARN,
        True,
        "说明",
        ["x"],
        {"a": Decimal("1.50"), "b": [date(2025, 1, 2)], "c": Decimal("3.00")},
        (Decimal("60"),),
    )
    assert result.to_dict()["value"] == {"a": 1.5, "b": ["2025-01-02"], "c": 3}
    assert result.to_dict()["threshold"] == [60]
