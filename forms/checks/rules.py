"""The regulation's checks as data: one row per rule id of ``docs/spec/rules.md``.

Each ``Rule`` carries its article (exactly as rules.md prints it), severity, the forms it applies to, the
fields it reads and its Chinese message templates (``str.format`` templates keyed ``passed`` / ``failed``
/ ``missing`` plus a few rule-specific parts). Field labels are never written here: the checks read them
from the form definitions and pass them in as ``{label}``-style parameters. The numeric thresholds of
第六条 live here too, so that E- and A- checks share them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from forms.problems import Severity

# --- thresholds (第六条) ---------------------------------------------------------------------------------

#: 第六条（二）: 产业技术基础服务业务占比 ≥ 60 %.
SHARE_MIN = Decimal(60)
#: 第六条（四）: at least three typical cases.
CASES_MIN = 3
#: 第六条（四）: service for at least one year before the application.
SERVICE_YEARS_MIN = 1
#: 第六条（五）: at least 50 staff, ≥ 50 % senior, ≥ 60 % qualified ("60%以上" read as ≥ 60 %).
STAFF_MIN = 50
SENIOR_PCT_MIN = Decimal(50)
QUALIFIED_PCT_MIN = Decimal(60)
#: 第六条（六）: equipment value 不低于 1000 万元, or service revenue 超过 1000 万元 (≥ versus >).
EQUIPMENT_VALUE_MIN = Decimal(1000)
SERVICE_REVENUE_OVER = Decimal(1000)
#: 第六条（七）: projects count when their period overlaps this many calendar years before the application.
PROJECT_WINDOW_YEARS = 3
#: V-SHARE: the stated share may differ from revenue_itb / revenue_total × 100 by this many points.
SHARE_TOLERANCE = Decimal(1)
#: 第十六条: the annual report is due on this (month, day) of the year after the report year.
ANNUAL_DEADLINE = (3, 31)
#: 第六条（五） as A-KEEP reads it at year end: at least one academic or technical leader.
LEADERS_MIN = 1
#: 第六条（六）固定场所: a service site of more than this many 平方米.
SITE_AREA_OVER = Decimal(0)

#: The two columns of annex2's capacity table, as printed.
METRIC_HALVES: Mapping[str, str] = MappingProxyType({"previous": "上年末", "current": "本年末"})

#: What the receipt date is called in A-DEADLINE's message (it is a parameter, not a form field).
RECEIVED_LABEL = "收到日期"

#: Default template for a check that cannot be decided because a field it needs is empty.
MISSING = "{labels}未填写，无法判断"

#: Template for an E-/A- check undecided because a V- error made a field it needs unreadable.
UNREADABLE = "{labels}有误（见 {rules}），无法判断"

#: Template for a V- check that could not look at a required field left empty (V-REQ reports it).
NOT_CHECKED = "{labels}未填写（见 V-REQ），未核对"

#: Template for an optional field left empty (nothing to check).
NOT_GIVEN = "{labels}未填写（非必填项），无需核验"


@dataclass(frozen=True)
class Rule:
    """One check: id, article, severity, the forms it applies to, the fields it reads, its messages.

    ``reads`` maps a form id to the dotted paths the check reads; an empty tuple means the check walks the
    whole definition (V-REQ, V-TYPE, V-LEN, V-DATE).
    """

    id: str
    title: str
    article: str
    severity: Severity
    forms: tuple[str, ...]
    messages: Mapping[str, str]
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``V``, ``E`` or ``A``: the prefix of the id."""
        return self.id.split("-", 1)[0]

    def template(self, key: str) -> str:
        if key in self.messages:
            return self.messages[key]
        if key == "missing":
            return MISSING
        if key == "not_given":
            return NOT_GIVEN
        if key == "not_checked":
            return NOT_CHECKED
        raise KeyError(f"rule {self.id} has no message {key!r}")


BOTH = ("annex1", "annex2")
A1 = ("annex1",)
A2 = ("annex2",)
V_ARTICLE = "—"  # rules.md gives the V- checks no article: they are about well-formed data

_RULES: tuple[Rule, ...] = (
    # --- V: well-formed data ----------------------------------------------------------------------------
    Rule(
        "V-REQ",
        "必填项",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {"passed": "必填项均已填写", "failed": "必填项未填写：{labels}"},
    ),
    Rule(
        "V-TYPE",
        "数据类型与取值范围",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "各项数据的类型、单位与取值范围正确",
            "failed": "数据类型或取值范围不正确：{details}",
            "item": "{label}应为{expected}，实际为 {found}",
            "section": "{label}应为对象（各字段的键值），实际为 {found}",
            "warned": "请核对：{details}",
            "cents": "{label}为 {found}，超过两位小数（按填写的数值核查，未四舍五入）",
        },
    ),
    Rule(
        "V-USCC",
        "统一社会信用代码",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "{labels}校验通过",
            "failed": "{details}",
            "item": "{label}“{value}”不符合 GB 32100-2015：{reason}",
        },
        {"annex1": ("applicant.uscc",), "annex2": ("header.uscc",)},
    ),
    Rule(
        "V-MOBILE",
        "手机号码",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "{labels}格式正确",
            "failed": "手机号码应为以1开头的11位数字：{details}",
            "item": "{label}“{value}”",
        },
        {"annex1": ("applicant.contact_mobile",), "annex2": ("header.contact_mobile",)},
    ),
    Rule(
        "V-EMAIL",
        "电子邮箱",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "{labels}格式正确",
            "failed": "电子邮箱格式不正确：{details}",
            "item": "{label}“{value}”",
        },
        {"annex1": ("applicant.contact_email",), "annex2": ("header.contact_email",)},
    ),
    Rule(
        "V-POSTCODE",
        "邮政编码",
        V_ARTICLE,
        Severity.ERROR,
        A1,
        {
            "passed": "{labels}格式正确",
            "failed": "邮政编码应为6位数字：{details}",
            "item": "{label}“{value}”",
        },
        {"annex1": ("applicant.postcode",)},
    ),
    Rule(
        "V-PART",
        "分项不超过总数",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "各分项均未超过其总数",
            "failed": "分项超过总数：{details}",
            "item": "{part_label}（{part}）大于{whole_label}（{whole}）",
        },
        {
            "annex1": (
                "applicant.revenue_itb<=applicant.revenue_total",
                "applicant.service_revenue<=applicant.revenue_total",
                "applicant.staff_senior<=applicant.staff_total",
                "applicant.staff_qualified<=applicant.staff_total",
                "performance.yearly.revenue_itb<=performance.yearly.revenue_total",
                "performance.yearly.sme_clients<=performance.yearly.clients",
            ),
            "annex2": (
                "operations.revenue_itb<=operations.revenue_total",
                "operations.sme_clients<=operations.clients",
                "capacity.staff_senior<=capacity.staff_total",
                "capacity.staff_qualified<=capacity.staff_total",
                "capacity.rd_investment<=capacity.investment",
            ),
        },
    ),
    Rule(
        "V-SHARE",
        "业务占比与收入相符",
        V_ARTICLE,
        Severity.WARN,
        BOTH,
        {
            "passed": "{share_label}（{value}%）与按收入计算的占比（{computed}%）相符",
            "failed": "{share_label}填写为 {value}%，按{itb_label}÷{total_label}计算应为 {computed}%，"
            "相差超过 {tolerance} 个百分点",
            "zero": "{total_label}为 0，无法按收入核对{share_label}",
        },
        {
            "annex1": ("applicant.itb_share", "applicant.revenue_itb", "applicant.revenue_total"),
            "annex2": ("operations.itb_share", "operations.revenue_itb", "operations.revenue_total"),
        },
    ),
    Rule(
        "V-SINCE",
        "开始服务时间不早于成立时间",
        V_ARTICLE,
        Severity.WARN,
        A1,
        {
            "passed": "{since_label}（{value}）不早于{established_label}（{established}）",
            "failed": "{since_label}（{value}）早于{established_label}（{established}），"
            "请核实（如承继上级单位的服务经历，请在平台简介中说明）",
        },
        {"annex1": ("platform.service_since", "applicant.established")},
    ),
    Rule(
        "V-YEARS",
        "近三年年度",
        V_ARTICLE,
        Severity.ERROR,
        A1,
        {
            "passed": "{label}为 {expected} 年，各一行",
            "failed": "{label}应为 {expected} 年各一行（{date_label}为 {date}）：{details}",
            "absent": "缺少 {years} 年",
            "extra": "{years} 年不在近三年范围内",
            "duplicate": "{years} 年重复",
            "no_year": "第 {rows} 行未填年度",
        },
        {"annex1": ("performance.yearly.year", "cover.date")},
    ),
    Rule(
        "V-LEN",
        "文字长度",
        V_ARTICLE,
        Severity.WARN,
        BOTH,
        {
            "passed": "文字长度均未超过限制",
            "failed": "文字超过长度限制：{details}",
            "item": "{label} {length} 字（限 {max_length} 字）",
        },
    ),
    Rule(
        "V-NAME",
        "名称一致",
        V_ARTICLE,
        Severity.ERROR,
        A1,
        {
            "passed": "封面{cover_label}与{name_label}一致，{main_label}在所选{fields_label}之中",
            "failed": "{details}",
            "name": "封面{cover_label}“{cover}”与{name_label}“{name}”不一致",
            "main_field": "{main_label}“{main}”不在所选{fields_label}（{chosen}）之中",
        },
        {
            "annex1": (
                "cover.applicant",
                "applicant.name",
                "platform.main_field",
                "platform.service_fields",
            )
        },
    ),
    Rule(
        "V-DATE",
        "日期合理",
        V_ARTICLE,
        Severity.ERROR,
        BOTH,
        {
            "passed": "各日期均为有效日期，且不晚于{own_label}和今天",
            "failed": "日期不合理：{details}",
            "after_own": "{label}（{value}）晚于{own_label}（{own}）",
            "future": "{label}（{value}）晚于今天（{today}）",
            "before_start": "{label}（{value}）早于{start_label}（{start}）",
        },
    ),
    # --- E: eligibility (annex1) ------------------------------------------------------------------------
    Rule(
        "E-LEGAL",
        "独立法人资格",
        "第六条（一）",
        Severity.FAIL,
        A1,
        {"passed": "{label}：是", "failed": "{label}：否。申报单位应具有独立法人资格"},
        {"annex1": ("applicant.independent_legal_person",)},
    ),
    Rule(
        "E-SHARE",
        "产业技术基础服务收入占比",
        "第六条（二）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}为 {value}%，不低于 {threshold}%",
            "failed": "{label}为 {value}%，低于 {threshold}% 的要求",
        },
        {"annex1": ("applicant.itb_share",)},
    ),
    Rule(
        "E-MECH",
        "运行机制",
        "第六条（三）",
        Severity.FAIL,
        A1,
        {"passed": "已填写{label}", "failed": "{label}填写为“{value}”，未说明运行机制"},
        {"annex1": ("platform.mechanism",)},
    ),
    Rule(
        "E-YEARS",
        "服务年限",
        "第六条（四）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}为 {value}，至{date_label}（{date}）已满 {years} 年",
            "failed": "{label}为 {value}，至{date_label}（{date}）不满 {years} 年（最晚应为 {threshold}）",
        },
        {"annex1": ("platform.service_since", "cover.date")},
    ),
    Rule(
        "E-CASES",
        "典型服务案例",
        "第六条（四）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}共 {value} 个，不少于 {threshold} 个",
            "failed": "{label}仅 {value} 个，少于 {threshold} 个",
        },
        {"annex1": ("performance.cases",)},
    ),
    Rule(
        "E-COOP",
        "合作情况",
        "第六条（四）",
        Severity.FAIL,
        A1,
        {"passed": "已填写{label} {value} 项", "failed": "{label}未填写任何合作单位"},
        {"annex1": ("platform.cooperation",)},
    ),
    Rule(
        "E-STAFF",
        "从业人员",
        "第六条（五）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}为 {value} 人，不少于 {threshold} 人",
            "failed": "{label}为 {value} 人，少于 {threshold} 人",
        },
        {"annex1": ("applicant.staff_total",)},
    ),
    Rule(
        "E-SENIOR",
        "高学历或中级以上职称人员占比",
        "第六条（五）",
        Severity.FAIL,
        A1,
        {
            "passed": "{part_label}占{whole_label}的 {value}%（{part}/{whole}），不低于 {threshold}%",
            "failed": "{part_label}占{whole_label}的 {value}%（{part}/{whole}），低于 {threshold}%",
        },
        {"annex1": ("applicant.staff_senior", "applicant.staff_total")},
    ),
    Rule(
        "E-QUALIFIED",
        "具有从业资质和科研成果人员占比",
        "第六条（五）",
        Severity.FAIL,
        A1,
        {
            "passed": "{part_label}占{whole_label}的 {value}%（{part}/{whole}），不低于 {threshold}%",
            "failed": "{part_label}占{whole_label}的 {value}%（{part}/{whole}），低于 {threshold}%",
        },
        {"annex1": ("applicant.staff_qualified", "applicant.staff_total")},
    ),
    Rule(
        "E-LEADER",
        "学术或技术带头人",
        "第六条（五）",
        Severity.FAIL,
        A1,
        {"passed": "{label}共 {value} 人", "failed": "{label}未填写任何人员"},
        {"annex1": ("capability.leaders",)},
    ),
    Rule(
        "E-ASSETS",
        "仪器设备或服务收入",
        "第六条（六）",
        Severity.FAIL,
        A1,
        {
            "passed": "{equipment_label}为 {equipment} 万元，不低于 {equipment_min} 万元",
            "passed_revenue": "{revenue_label}为 {revenue} 万元，超过 {revenue_over} 万元",
            "failed": "{equipment_label}为 {equipment} 万元，低于 {equipment_min} 万元；"
            "{revenue_label}为 {revenue} 万元，未超过 {revenue_over} 万元",
        },
        {"annex1": ("applicant.equipment_value", "applicant.service_revenue")},
    ),
    Rule(
        "E-SITE",
        "固定服务场所",
        "第六条（六）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}为 {value} 平方米",
            "failed": "{label}为 {value} 平方米。申报单位应有固定的服务场所",
        },
        {"annex1": ("applicant.site_area",)},
    ),
    Rule(
        "E-PROJECTS",
        "国家级或省部级项目",
        "第六条（七）",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}中有 {value} 项在 {start}–{end} 年间实施（如“{name}”）",
            "failed": "{label}中没有在 {start}–{end} 年间实施的项目（级别须为{levels}）",
            "unknown": "{label}中有项目未填级别或起止时间，无法判断是否在 {start}–{end} 年间实施",
        },
        {"annex1": ("performance.projects", "cover.date")},
    ),
    Rule(
        "E-FIELDS",
        "服务领域与范围",
        "第五条",
        Severity.FAIL,
        A1,
        {
            "passed": "{fields_label}：{chosen}；{scopes_label}：{scopes}",
            "failed": "{labels}未选择任何一项",
        },
        {"annex1": ("platform.service_fields", "platform.service_scopes")},
    ),
    Rule(
        "E-BARRED",
        "近3年未因第十九条被移出名录",
        "第十九条",
        Severity.FAIL,
        A1,
        {
            "passed": "{label}：否",
            "failed": "{label}：是。因《办法》第十九条所列情形被移出名录未满3年的单位不得申报"
            "（因第十八条、第二十条移出的不在此限）",
        },
        {"annex1": ("applicant.removed_within_3y",)},
    ),
    Rule(
        "E-BRANCH",
        "分支机构",
        "第二十条",
        Severity.WARN,
        A1,
        {
            "passed": "不属于上级法人单位已被认定为服务平台的分支机构",
            "failed": "申报单位为分支机构，且上级法人单位已被认定为服务平台：原则上不再受理，请人工核实",
        },
        {"annex1": ("applicant.is_branch", "applicant.parent_is_platform")},
    ),
    # --- A: annual report (annex2) ----------------------------------------------------------------------
    Rule(
        "A-DEADLINE",
        "按时报送",
        "第十六条",
        Severity.WARN,
        A2,
        {
            "passed": "{date_label}为 {value}，未晚于报送截止日期 {threshold}",
            "failed": "{date_label}为 {value}，晚于报送截止日期 {threshold}（每年3月31日前报送上一年度情况）",
        },
        {"annex2": ("header.fill_date", "header.report_year")},
    ),
    Rule(
        "A-KEEP",
        "持续符合认定条件",
        "第六条",
        Severity.WARN,
        A2,
        {
            "passed": "本年末各项指标仍符合第六条的认定条件",
            "failed": "本年末以下指标已不符合第六条的认定条件：{details}",
            "below": "{label} {value}{unit}，低于 {threshold}{unit}",
            "ratio": "{part_label}占{whole_label}的 {value}%，低于 {threshold}%",
            "leaders": "{label} {value} 人，少于 {threshold} 人",
            "assets": "{equipment_label} {equipment} 万元，低于 {equipment_min} 万元，"
            "且{revenue_label} {revenue} 万元，未超过 {revenue_over} 万元",
        },
        {
            "annex2": (
                "capacity.staff_total.current",
                "capacity.staff_senior.current",
                "capacity.staff_qualified.current",
                "capacity.equipment_value.current",
                "operations.itb_share",
                "operations.revenue_itb",
                "capacity.leaders.current",
            )
        },
    ),
    Rule(
        "A-YEAR",
        "报告上一年度情况",
        "第十六条",
        Severity.WARN,
        A2,
        {
            "passed": "{year_label}为 {value} 年，为{date_label}（{date}）的上一年度",
            "failed": "{year_label}为 {value} 年，但{date_label}为 {date}："
            "年度报告应根据上一年度（{threshold} 年）运行情况填报，请核实",
        },
        {"annex2": ("header.report_year", "header.fill_date")},
    ),
    Rule(
        "A-SERVICE",
        "正常运行并提供服务",
        "第十九条（三）",
        Severity.WARN,
        A2,
        {
            "passed": "本年度{labels}不全为 0",
            "failed": "本年度{labels}均为 0，可能属于“无法正常运行或提供服务”，请人工核实",
        },
        {"annex2": ("operations.clients", "operations.service_items", "operations.revenue_itb")},
    ),
    Rule(
        "A-CHANGE",
        "变更情况说明",
        "第十七条",
        Severity.ERROR,
        A2,
        {
            "passed": "{changed_label}：{answer}",
            "failed": "{changed_label}：是，但未填写{details_label}",
        },
        {"annex2": ("changes.changed", "changes.change_details")},
    ),
    Rule(
        "A-REENTITLE",
        "法人主体重大变更",
        "第十七条",
        Severity.FAIL,
        A2,
        {
            "passed": "{label}：否",
            "failed": "{label}：是。依托单位法人主体发生重大变更的，须重新认定",
            "uscc": "{uscc_label}由“{previous}”变为“{value}”：统一社会信用代码变化即法人主体变更，须重新认定",
        },
        {"annex2": ("changes.legal_entity_changed", "header.uscc")},
    ),
    Rule(
        "A-INCIDENT",
        "安全事故或违法违规",
        "第十九条（四）",
        Severity.FAIL,
        A2,
        {
            "passed": "{label}：否",
            "failed": "{label}：是，且{impact_label}：是。"
            "发生安全责任事故或违法违规行为并造成社会严重不良影响的，应移出名录",
            "verify": "{label}：是（{impact_label}：{impact}）。需核实是否造成社会严重不良影响",
            "no_details": "{label}：是，但未填写{details_label}",
        },
        {"annex2": ("changes.incidents", "changes.serious_impact", "changes.incident_details")},
    ),
    Rule(
        "A-CARRY",
        "与上年度报告衔接",
        "第十七条",
        Severity.WARN,
        A2,
        {
            "passed": "与 {previous_year} 年度报告衔接一致",
            "failed": "与上年度报告不一致：{details}",
            "metric": "{label}填写 {value}，上年度报告的本年末为 {previous}",
            "identity": "{label}由“{previous}”变为“{value}”，但未填报变更（变更应及时申请）",
            "year": "上年度报告的{label}为 {previous}，应为 {expected}",
        },
        {
            "annex2": (
                "capacity",
                "header.report_year",
                "changes.changed",
                "header.service_fields",
                "header.service_scopes",
                "header.operator",
                "header.platform_head",
            )
        },
    ),
)

#: Every rule by id, in the order of rules.md (the order of a report).
RULES: Mapping[str, Rule] = MappingProxyType({r.id: r for r in _RULES})

#: Kinds of checks: V = well-formed data, E = eligibility (annex1), A = annual report (annex2).
KINDS = frozenset({"V", "E", "A"})

#: Which kinds run when the caller names none.
DEFAULT_KINDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {"annex1": frozenset({"V", "E"}), "annex2": frozenset({"V", "A"})}
)

#: How V-DATE treats each date field: the form's own date; dates that cannot be after it; pairs
#: (start, end) where the end cannot precede the start. Every listed date, and the own date, cannot be
#: after today. Dates not listed (a qualification's 有效期至, a project's planned end) may be in the future.
DATE_ROLES: Mapping[str, Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "annex1": {
            "own": ("cover.date",),
            "not_after_own": (
                "applicant.established",
                "platform.service_since",
                "performance.projects.start",
                "performance.achievements.date",
            ),
            "not_after_today": ("declaration.signed_date", "declaration.recommender_date"),
            "periods": ("performance.projects.start<=performance.projects.end",),
        },
        "annex2": {
            "own": ("header.fill_date",),
            "not_after_own": (),
            "not_after_today": ("signoff.signed_date",),
            "periods": (),
        },
    }
)
