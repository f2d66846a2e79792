"""附件2 产业技术基础公共服务平台年度运行情况表 — the annual report, as data.

Mirrors ``docs/spec/annex2.md``. ``report_year`` is the year N reported on; the report is due by
31 March of N+1 (第十六条).
"""

from forms import options as opt
from forms.model import Field, FormDef, Section
from forms.model import FieldType as T


def _metric(key: str, label: str, unit: str, item_type: T) -> Field:
    """A row of the capacity table: ``{"previous": 上年末, "current": 本年末}``."""
    return Field(key, label, T.METRIC, required=True, unit=unit, item_type=item_type)


ANNEX2 = FormDef(
    id="annex2",
    title="产业技术基础公共服务平台年度运行情况表",
    short_title="年度运行情况表",
    schema_version="1.0",
    instructions=(
        "一、本表由服务平台依托单位填写，每年3月31日前报送上一年度运行情况。",
        "二、各项内容应如实填写，没有的内容请填写“无”；表格行数可根据需要增加。",
        "三、“上年末”“本年末”分别指填报年度上一年和填报年度的12月31日。",
        "四、金额单位为万元，保留两位小数。",
    ),
    sections=(
        Section(
            "header",
            "表头",
            (
                Field("report_year", "填报年度", T.YEAR, required=True),
                Field("platform_name", "平台名称", T.TEXT, required=True),
                Field("operator", "依托单位（盖章）", T.TEXT, required=True, variants=("依托单位名称",)),
                Field("uscc", "统一社会信用代码", T.TEXT, required=True, max_length=18),
                Field("batch", "认定批次", T.TEXT, required=True),
                Field("listed_year", "认定年份", T.YEAR, required=True),
                Field(
                    "service_fields",
                    "服务行业领域",
                    T.MULTI,
                    required=True,
                    options=opt.SERVICE_FIELDS,
                    other_key="service_fields_other",
                ),
                Field(
                    "service_scopes",
                    "服务范围",
                    T.MULTI,
                    required=True,
                    options=opt.SERVICE_SCOPES,
                    other_key="service_scopes_other",
                ),
                Field("platform_head", "平台负责人", T.TEXT),
                Field("region", "所在地区", T.TEXT, required=True),
                Field(
                    "competent_authority",
                    "省级工业和信息化主管部门或中央管理企业",
                    T.TEXT,
                    required=True,
                    variants=("主管部门",),
                ),
                Field("contact_name", "联系人", T.TEXT, required=True),
                Field("contact_phone", "固定电话", T.TEXT, context="联系人", variants=("联系电话", "座机")),
                Field(
                    "contact_mobile",
                    "手机",
                    T.TEXT,
                    required=True,
                    context="联系人",
                    variants=("手机号码", "移动电话"),
                ),
                Field(
                    "contact_email",
                    "电子邮箱",
                    T.TEXT,
                    required=True,
                    context="联系人",
                    variants=("邮箱", "电子邮件", "E-mail", "Email"),
                ),
                Field("fill_date", "填报日期", T.DATE, required=True),
            ),
        ),
        Section(
            "capacity",
            "一、能力建设情况",
            (
                _metric("staff_total", "从业人员总数", "人", T.INT),
                _metric("staff_senior", "其中：硕士及以上学历或中级及以上职称人员", "人", T.INT),
                _metric("staff_qualified", "具有从业资质和科研成果人员", "人", T.INT),
                _metric("leaders", "学术带头人或技术带头人", "人", T.INT),
                _metric("equipment_count", "技术服务仪器设备（含软件）台套数", "台套", T.INT),
                _metric("equipment_value", "技术服务仪器设备（含软件）原值", "万元", T.WAN),
                _metric("site_area", "服务场所面积", "平方米", T.M2),
                _metric("qualifications", "有效资质与授权数", "项", T.INT),
                Field("investment", "本年度能力建设投入（万元）", T.WAN, unit="万元"),
                Field("rd_investment", "其中：研发投入（万元）", T.WAN, unit="万元"),
                Field("new_equipment_value", "本年度新增仪器设备原值（万元）", T.WAN, unit="万元"),
                Field("projects", "本年度承担国家级或省部级项目（项）", T.INT, unit="项"),
                Field("standards", "本年度主持或参与制修订标准（项）", T.INT, unit="项"),
                Field("metrology_specs", "本年度主持或参与制修订计量技术规范（项）", T.INT, unit="项"),
                Field("patents", "本年度获得专利（项）", T.INT, unit="项"),
                Field("software_copyrights", "本年度获得软件著作权（项）", T.INT, unit="项"),
                Field("reports_published", "本年度发布研究报告（份）", T.INT, unit="份"),
                Field("open_datasets", "开放共享的数据集或数据库（个）", T.INT, unit="个"),
                Field("narrative", "能力建设情况说明（不超过800字）", T.PROSE, max_length=800),
            ),
        ),
        Section(
            "operations",
            "二、服务运营情况",
            (
                Field("revenue_total", "营业收入（万元）", T.WAN, required=True, unit="万元"),
                Field("revenue_itb", "其中：产业技术基础服务收入（万元）", T.WAN, required=True, unit="万元"),
                Field("itb_share", "产业技术基础服务业务占比（%）", T.PCT, required=True, unit="%"),
                Field("clients", "服务企业数（家）", T.INT, required=True, unit="家"),
                Field("sme_clients", "其中：中小企业（家）", T.INT, unit="家"),
                Field("service_items", "服务项次或出具报告数（项）", T.INT, required=True, unit="项"),
                Field("public_services", "公益性服务（项次）", T.INT, unit="项次"),
                Field("public_beneficiaries", "公益性服务受益企业（家）", T.INT, unit="家"),
                Field("gov_tasks", "承担政府部门委托任务（项）", T.INT, unit="项"),
                Field("trainings", "组织培训与交流活动（场）", T.INT, unit="场"),
                Field("training_attendees", "培训与交流参加人次", T.INT, unit="人次"),
                Field("cooperations", "新增合作单位（家）", T.INT, unit="家"),
                Field(
                    "cases",
                    "典型服务案例",
                    T.TABLE,
                    required=True,
                    columns=(
                        Field("title", "案例名称", T.TEXT),
                        Field("client", "服务对象", T.TEXT),
                        Field("content", "服务内容", T.PROSE),
                        Field("impact", "成效", T.PROSE),
                    ),
                ),
                Field("problems", "存在的问题", T.PROSE),
            ),
        ),
        Section(
            "plan",
            "三、本年度工作目标和计划",
            (
                Field(
                    "target_revenue_itb",
                    "产业技术基础服务收入目标（万元）",
                    T.WAN,
                    required=True,
                    unit="万元",
                ),
                Field("target_clients", "服务企业数目标（家）", T.INT, required=True, unit="家"),
                Field("target_investment", "能力建设投入计划（万元）", T.WAN, unit="万元"),
                Field("tasks", "重点任务与措施", T.PROSE, required=True),
            ),
        ),
        Section(
            "changes",
            "四、变更与重大事项",
            (
                Field(
                    "changed",
                    "本年度是否发生负责人、隶属关系、服务行业领域或服务范围变更",
                    T.BOOL,
                    required=True,
                ),
                Field("change_details", "变更情况及报备情况", T.PROSE, required_if="changed"),
                Field(
                    "legal_entity_changed",
                    "依托单位是否发生合并、拆分等法人主体重大变更",
                    T.BOOL,
                    required=True,
                ),
                Field("incidents", "是否发生安全责任事故或违法违规行为", T.BOOL, required=True),
                Field("incident_details", "情况说明", T.PROSE, required_if="incidents"),
                Field("serious_impact", "是否造成社会严重不良影响", T.BOOL),
            ),
        ),
        Section(
            "signoff",
            "签章",
            (
                Field("head_name", "依托单位负责人（签字）", T.TEXT),
                Field("signed_date", "日期", T.DATE, signers=("依托单位负责人（签字）",)),
                Field("authority_opinion", "省级工业和信息化主管部门或中央管理企业意见", T.PROSE),
            ),
        ),
    ),
)
