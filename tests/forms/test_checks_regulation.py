"""The 14 decisions of issue 15, each at its boundary and written from the regulation's wording
(工信部科〔2025〕261号): what a rule says, the value just inside and just outside it, and what every face
then shows (state, verdict, counts)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from forms import ANNEX1
from forms.checks import RULES, run_checks
from forms.checks.base import show_percent
from forms.labels import LabelIndex
from forms.records import load_record

TODAY = date(2026, 11, 1)


@pytest.fixture
def a1(annex1_json) -> dict[str, Any]:
    return load_record(annex1_json).record


@pytest.fixture
def a2(annex2_json) -> dict[str, Any]:
    return load_record(annex2_json).record


def check1(record: dict[str, Any], **kwargs: Any):
    return run_checks(record, "annex1", today=TODAY, **kwargs)


def check2(record: dict[str, Any], **kwargs: Any):
    return run_checks(record, "annex2", today=TODAY, **kwargs)


# --- 1. money compared exactly as entered ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("equipment", "revenue", "passed"),
    [
        ("999.995", "500", False),  # 不低于1000万元: 999.995 is below, however it would round
        ("1000", "500", True),
        ("500", "1000", False),  # 超过1000万元: 1000 is not over
        ("500", "1000.004", True),  # …and 1000.004 is
    ],
)
def test_e_assets_compares_the_entered_amounts_exactly(a1, equipment, revenue, passed):
    a1["applicant"].update(equipment_value=Decimal(equipment), service_revenue=Decimal(revenue))
    report = check1(a1)
    assert report.result("E-ASSETS").passed is passed
    v_type = report.result("V-TYPE")
    if any(len(amount.partition(".")[2]) > 2 for amount in (equipment, revenue)):
        # more than two decimals: a warning about the value, never a rounding and never a verdict change
        assert v_type.state == "warn" and v_type.fields and "未四舍五入" in v_type.message
    assert report.verdict == ("eligible" if passed else "ineligible")


# --- 2. one none-vocabulary -------------------------------------------------------------------------------


@pytest.mark.parametrize("mechanism", ["无。", "暂无。", "无 ", "没有。", "——"])
def test_e_mech_a_none_answer_with_punctuation_is_no_mechanism(a1, mechanism):
    """第六条（三） 有健全的运行机制: writing 无。 declares none."""
    a1["platform"]["mechanism"] = mechanism
    result = check1(a1).result("E-MECH")
    assert result.passed is False and result.state == "fail"


def _case(title: str) -> dict[str, Any]:
    return {"title": title, "client": "某企业", "content": "检测", "period": "2024年", "impact": "提升"}


NONE_ROW = {"title": "无", "client": "—", "content": "暂无。", "period": "/", "impact": None}


@pytest.mark.parametrize(
    ("rows", "passed"),
    [
        ([_case("甲"), _case("乙"), _case("丙"), NONE_ROW, NONE_ROW], True),  # real rows counted: 3
        ([_case("甲"), _case("乙"), NONE_ROW, NONE_ROW], False),  # none rows do not make up the 3
        ([NONE_ROW, NONE_ROW, NONE_ROW], None),  # an all-none table is not filled: 待补充
    ],
)
def test_e_cases_counts_real_rows_only(a1, rows, passed):
    """第六条（四） 典型服务案例不少于3个."""
    a1["performance"]["cases"] = rows
    report = check1(a1)
    assert report.result("E-CASES").passed is passed
    if passed is None:
        assert report.verdict == "incomplete"


def test_cooperation_and_leaders_rows_that_say_none_are_no_rows(a1):
    a1["platform"]["cooperation"] = [{"partner": "无", "partner_type": None, "form": "—"}]
    a1["capability"]["leaders"] = [{"name": "暂无。"}]
    report = check1(a1)
    assert report.result("E-COOP").passed is None and report.result("E-LEADER").passed is None
    assert {"platform.cooperation", "capability.leaders"} <= set(report.result("V-REQ").fields)


# --- 4. V-PART: every "of which" ------------------------------------------------------------------------


@pytest.mark.parametrize(("service_revenue", "passed"), [("8436.20", True), ("8436.21", False)])
def test_v_part_related_service_revenue_within_total_revenue(a1, service_revenue, passed):
    a1["applicant"]["service_revenue"] = Decimal(service_revenue)  # revenue_total is 8436.2
    result = check1(a1).result("V-PART")
    assert result.passed is passed
    if not passed:
        assert "applicant.service_revenue" in result.fields


# --- 5. new rules: E-SITE, A-YEAR, A-SERVICE ------------------------------------------------------------


@pytest.mark.parametrize(("area", "passed"), [(Decimal(0), False), (Decimal("0.01"), True), (None, None)])
def test_e_site_needs_a_fixed_site(a1, area, passed):
    """第六条（六） 有固定的服务场所: an area of 0 is no site."""
    a1["applicant"]["site_area"] = area
    result = check1(a1).result("E-SITE")
    assert result.passed is passed and result.article == "第六条（六）"


@pytest.mark.parametrize(
    ("year", "filed", "received", "passed"),
    [
        (2025, date(2026, 3, 20), None, True),  # 根据上一年度: filed in 2026 about 2025
        (2026, date(2026, 3, 20), None, False),  # about the current year
        (2025, date(2025, 12, 31), None, False),  # filed before the year ended
        (2025, date(2025, 12, 31), date(2026, 1, 2), True),  # the receipt date decides when given
    ],
)
def test_a_year_the_report_is_about_the_year_before(a2, year, filed, received, passed):
    a2["header"].update(report_year=year, fill_date=filed, listed_year=2020)
    report = check2(a2, received=received)
    result = report.result("A-YEAR")
    assert result.passed is passed and result.article == "第十六条"
    assert result.state == ("pass" if passed else "warn")


@pytest.mark.parametrize(
    ("clients", "items", "revenue", "passed"),
    [
        (0, 0, Decimal(0), False),
        (1, 0, Decimal(0), True),
        (0, 1, Decimal(0), True),
        (0, 0, Decimal("0.01"), True),
    ],
)
def test_a_service_zero_clients_services_and_revenue_is_for_a_person(a2, clients, items, revenue, passed):
    """第十九条（三） 无法正常运行或提供服务: a warning, never the verdict by itself."""
    a2["operations"].update(clients=clients, sme_clients=0, service_items=items, revenue_itb=revenue)
    result = check2(a2).result("A-SERVICE")
    assert result.passed is passed and result.state == ("pass" if passed else "warn")


# --- 6. A-KEEP: a leader at year end --------------------------------------------------------------------


@pytest.mark.parametrize(("leaders", "passed"), [(0, False), (1, True)])
def test_a_keep_needs_an_academic_or_technical_leader_at_year_end(a2, leaders, passed):
    """第六条（五） 有学术带头人或技术带头人, kept at the end of the year reported on."""
    a2["capacity"]["leaders"]["current"] = leaders
    result = check2(a2).result("A-KEEP")
    assert result.passed is passed
    if not passed:
        assert result.fields == ["capacity.leaders.current"] and "学术带头人或技术带头人" in result.message


# --- 7. A-CARRY and A-REENTITLE against last year's report -----------------------------------------------


@pytest.fixture
def last(a2) -> dict[str, Any]:
    previous = copy.deepcopy(a2)
    previous["header"]["report_year"] -= 1
    for metric in previous["capacity"].values():
        if isinstance(metric, dict):
            metric["current"] = metric["previous"]
    return previous


@pytest.mark.parametrize(
    ("path", "then"),
    [
        ("service_fields", ["装备"]),
        ("service_scopes", ["计量检测"]),
        ("operator", "另一家依托单位"),
        ("platform_head", "李四"),
    ],
)
def test_a_carry_an_undeclared_change_fails(a2, last, path, then):
    """第十七条: 负责人、服务行业领域或服务范围 changes must be reported."""
    last["header"][path] = then
    report = check2(a2, previous=last)
    result = report.result("A-CARRY")
    assert result.passed is False and result.state == "fail" and result.fields == [f"header.{path}"]
    assert report.verdict == "fail"
    a2["changes"].update(changed=True, change_details="已于2025年6月报省工信厅备案。")
    assert check2(a2, previous=last).result("A-CARRY").passed is True


def test_a_carry_a_metric_mismatch_only_warns(a2, last):
    last["capacity"]["site_area"]["current"] = Decimal(1)
    report = check2(a2, previous=last)
    assert report.result("A-CARRY").state == "warn" and report.verdict == "ok"


def test_a_changed_uscc_needs_re_recognition_even_when_declared(a2, last):
    """第十七条: a different legal person 须重新认定, whatever the change box says."""
    last["header"]["uscc"] = "91320100MA1XXXXX0A"
    a2["changes"].update(changed=True, change_details="依托单位更名。")
    report = check2(a2, previous=last)
    result = report.result("A-REENTITLE")
    assert result.passed is False and result.fields == ["header.uscc"] and "重新认定" in result.message
    assert report.verdict == "fail"
    last["header"]["uscc"] = a2["header"]["uscc"].lower()  # the same code, written in lower case
    assert check2(a2, previous=last).result("A-REENTITLE").passed is True


# --- 8. A-INCIDENT: 造成社会严重不良影响 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serious", "details", "state", "verdict"),
    [
        (True, "发生一起泄漏事故，造成周边企业停产。", "fail", "fail"),
        (False, "发生一起设备过热事件，已整改。", "warn", "ok"),  # 需核实
        (None, "发生一起设备过热事件，已整改。", "warn", "ok"),
        (False, None, "error", "incomplete"),  # an incident without its description
        (False, "无。", "error", "incomplete"),
    ],
)
def test_a_incident_fails_only_on_serious_social_impact(a2, serious, details, state, verdict):
    """第十九条（四）: 发生安全责任事故或违法违规行为，造成社会严重不良影响的 → removal."""
    a2["changes"].update(incidents=True, serious_impact=serious, incident_details=details)
    report = check2(a2)
    assert report.result("A-INCIDENT").state == state and report.verdict == verdict


def test_serious_impact_question_is_in_annex2_section_four():
    from forms import ANNEX2  # noqa: PLC0415

    field = ANNEX2.field("changes.serious_impact")
    assert field.label == "是否造成社会严重不良影响" and not field.required


# --- 9. E-BARRED: only 第十九条 bars ----------------------------------------------------------------------


def test_e_barred_question_names_article_19_and_the_old_label_still_parses(a1):
    field = ANNEX1.field("applicant.removed_within_3y")
    assert field.label == "近3年是否因《办法》第十九条所列情形被移出名录"
    index = LabelIndex.of(ANNEX1)
    for label in (field.label, "近3年是否被移出服务平台名录"):
        assert [m.path for m in index.lookup(label)] == ["applicant.removed_within_3y"]
    a1["applicant"]["removed_within_3y"] = True
    result = check1(a1).result("E-BARRED")
    assert result.passed is False and "第十九条" in result.message and result.article == "第十九条"


# --- 10. consistency warnings -----------------------------------------------------------------------------


@pytest.mark.parametrize(("since", "passed"), [("1983-06-17", False), ("1983-06-18", True)])
def test_v_since_service_before_the_unit_existed_is_a_warning(a1, since, passed):
    a1["platform"]["service_since"] = date.fromisoformat(since)  # established 1983-06-18
    report = check1(a1)
    assert report.result("V-SINCE").passed is passed and report.verdict == "eligible"


# --- 11. 推荐单位 is required -----------------------------------------------------------------------------


def test_recommender_is_required(a1):
    """第八、九条: applications come through a provincial department or a central SOE only."""
    a1["cover"]["recommender"] = None
    report = check1(a1)
    assert "cover.recommender" in report.result("V-REQ").fields and report.verdict == "incomplete"


# --- 12. one verdict rule; one fault reported once --------------------------------------------------------


def test_a_wrong_uscc_check_character_alone_is_to_complete_on_every_face(annex1_json):
    good = annex1_json["applicant"]["uscc"]
    annex1_json["applicant"]["uscc"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    loaded = load_record(annex1_json)
    report = run_checks(loaded.record, "annex1", today=TODAY, load_problems=loaded.problems)
    not_passed = [r for r in report.results if r.state != "pass"]
    assert [(r.rule, r.state) for r in not_passed] == [("V-USCC", "error")]  # once, not under V-TYPE too
    assert report.verdict == "incomplete"
    assert report.summary()["unknown"] == 1 and "待补充 1 项" in report.counts_text()
    assert "待补充" in report.to_text().splitlines()[0]


def test_an_e_rule_on_an_unreadable_field_is_undecided(a1):
    """A service revenue above the total revenue is no figure E-ASSETS may pass (or fail) on."""
    a1["applicant"].update(equipment_value=Decimal(500), service_revenue=Decimal("9000"))  # > revenue_total
    report = check1(a1)
    assert report.result("V-PART").state == "error"
    assets = report.result("E-ASSETS")
    assert assets.passed is None and "有误（见 V-PART）" in assets.message
    assert report.verdict == "incomplete"


def test_an_independent_e_failure_makes_the_unit_ineligible_despite_a_v_error(a1):
    a1["applicant"].update(service_revenue=Decimal("9000"), independent_legal_person=False)
    report = check1(a1)
    assert report.result("E-LEGAL").state == "fail" and report.verdict == "ineligible"


def test_every_rule_has_a_chinese_title_carried_to_its_result(a1):
    report = check1(a1)
    for result in report.results:
        data = result.to_dict()
        assert data["title"] == RULES[result.rule].title and data["state"] == result.state
        assert all("\u4e00" <= ch <= "\u9fff" or ch in "或与及、" for ch in data["title"][:1])
    assert RULES["V-REQ"].title == "必填项" and RULES["E-SHARE"].title == "产业技术基础服务收入占比"


# --- 13. one display rounding --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exact", "shown"),
    [
        (Fraction(70965, 1000), "70.97"),
        (Fraction(70964, 1000), "70.96"),
        (Fraction(200, 3), "66.67"),
        (50, "50"),
    ],
)
def test_percentages_are_shown_half_up_to_two_places(exact, shown):
    assert show_percent(Fraction(exact)) == Decimal(shown)


def test_v_share_shows_the_computed_share_with_the_same_rounding(a1):
    a1["applicant"].update(
        revenue_total=Decimal(2000), revenue_itb=Decimal("1419.3"), service_revenue=Decimal(1)
    )
    a1["applicant"]["itb_share"] = Decimal("70.97")  # 1419.3 / 2000 = 70.965 %
    result = check1(a1).result("V-SHARE")
    assert result.threshold["computed"] == Decimal("70.97") and "70.97%" in result.message
