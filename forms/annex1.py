"""附件1 工业和信息化部产业技术基础公共服务平台申报书 — the application form, as data.

Mirrors ``docs/spec/annex1.md`` row by row. Edit here to change a label, add a field or an option.
"""

from forms import options as opt
from forms.model import Field, FormDef, Section
from forms.model import FieldType as T

ANNEX1 = FormDef(
    id="annex1",
    title="工业和信息化部产业技术基础公共服务平台申报书",
    short_title="申报书",
    schema_version="1.0",
    issuer="中华人民共和国工业和信息化部制",
    instructions=(
        "一、申报书各项内容应逐项认真填写，没有的内容请填写“无”。",
        "二、申报书表格结构不得改变，表格行数可根据需要增加。",
        "三、除特别说明外，各项数据截至申报年度上一年12月31日；“近三年”指申报年度之前的三个完整自然年度。",
        "四、金额单位为万元，保留两位小数。",
        "五、申报单位对申报内容的真实性负责，申报材料不得涉及国家秘密。",
        "六、申报书须同时提交Word版本和加盖公章的PDF版本。",
        "七、证明材料包括：营业执照或事业单位法人证书、最近一年经审计的财务报告、资质证书、人员资质证明、"
        "仪器设备清单、项目任务书、标准文本封面、典型案例证明、合作协议等。",
    ),
    sections=(
        Section(
            "cover",
            "封面",
            (
                Field("platform_name", "平台名称", T.TEXT, required=True),
                Field("applicant", "申报单位（盖章）", T.TEXT, required=True, note="须与单位名称一致"),
                Field(
                    "recommender",
                    "推荐单位（盖章）",
                    T.TEXT,
                    required=True,
                    note="省级工业和信息化主管部门或中央管理企业（第八、九条）",
                ),
                Field("date", "申报日期", T.DATE, required=True),
            ),
        ),
        Section(
            "applicant",
            "一、申报单位基本情况",
            (
                Field("name", "单位名称", T.TEXT, required=True, variants=("申报单位名称",)),
                Field("uscc", "统一社会信用代码", T.TEXT, required=True, max_length=18),
                Field(
                    "nature",
                    "单位性质",
                    T.CHOICE,
                    required=True,
                    options=opt.UNIT_NATURES,
                    other_key="nature_other",
                ),
                Field("independent_legal_person", "是否具有独立法人资格", T.BOOL, required=True),
                Field("is_branch", "是否为分支机构", T.BOOL, required=True),
                Field("established", "成立时间", T.DATE, required=True, variants=("成立日期",)),
                Field("registered_capital", "注册资本（万元）", T.WAN, unit="万元"),
                Field("region", "所在地区", T.TEXT, required=True),
                Field("address", "通讯地址", T.TEXT, required=True),
                Field("postcode", "邮政编码", T.TEXT, max_length=6, variants=("邮编",)),
                Field("parent", "上级主管部门或所属集团", T.TEXT),
                Field("legal_rep_name", "法定代表人", T.TEXT, required=True),
                Field(
                    "legal_rep_title",
                    "职务",
                    T.TEXT,
                    required=True,
                    context="法定代表人",
                    variants=("法定代表人职务",),
                ),
                Field(
                    "legal_rep_phone",
                    "联系电话",
                    T.TEXT,
                    required=True,
                    context="法定代表人",
                    variants=("法定代表人联系电话", "法定代表人电话"),
                ),
                Field("contact_name", "联系人", T.TEXT),
                Field("contact_title", "职务", T.TEXT, context="联系人", variants=("联系人职务",)),
                Field(
                    "contact_phone", "固定电话", T.TEXT, context="联系人", variants=("联系人固定电话", "座机")
                ),
                Field(
                    "contact_mobile",
                    "手机",
                    T.TEXT,
                    required=True,
                    context="联系人",
                    variants=("联系人手机", "手机号码", "移动电话"),
                ),
                Field(
                    "contact_email",
                    "电子邮箱",
                    T.TEXT,
                    required=True,
                    context="联系人",
                    variants=("联系人电子邮箱", "邮箱", "电子邮件", "E-mail", "Email"),
                ),
                Field("main_business", "主营业务", T.PROSE, required=True),
                Field("revenue_total", "上年度营业收入（万元）", T.WAN, required=True, unit="万元"),
                Field("revenue_itb", "其中：产业技术基础服务收入（万元）", T.WAN, required=True, unit="万元"),
                Field("itb_share", "产业技术基础服务业务占比（%）", T.PCT, required=True, unit="%"),
                Field("total_assets", "资产总额（万元）", T.WAN, unit="万元"),
                Field("net_assets", "净资产（万元）", T.WAN, unit="万元"),
                Field("staff_total", "从业人员总数（人）", T.INT, required=True, unit="人"),
                Field(
                    "staff_senior",
                    "其中：硕士及以上学历或中级及以上职称人员（人）",
                    T.INT,
                    required=True,
                    unit="人",
                ),
                Field("staff_qualified", "具有从业资质和科研成果人员（人）", T.INT, required=True, unit="人"),
                Field(
                    "equipment_count", "技术服务仪器设备（含软件）台套数", T.INT, required=True, unit="台套"
                ),
                Field(
                    "equipment_value",
                    "技术服务仪器设备（含软件）原值（万元）",
                    T.WAN,
                    required=True,
                    unit="万元",
                ),
                Field(
                    "service_revenue", "年产业技术基础相关服务收入（万元）", T.WAN, required=True, unit="万元"
                ),
                Field("site_area", "服务场所面积（平方米）", T.M2, required=True, unit="平方米"),
                Field(
                    "removed_within_3y",
                    "近3年是否因《办法》第十九条所列情形被移出名录",
                    T.BOOL,
                    required=True,
                    variants=("近3年是否被移出服务平台名录", "近三年是否被移出服务平台名录"),
                ),
                Field("parent_is_platform", "上级法人单位是否已被认定为服务平台", T.BOOL, required=True),
            ),
        ),
        Section(
            "platform",
            "二、平台基本情况",
            (
                Field(
                    "service_fields",
                    "服务行业领域",
                    T.MULTI,
                    required=True,
                    options=opt.SERVICE_FIELDS,
                    other_key="service_fields_other",
                ),
                Field("main_field", "主要服务行业领域", T.CHOICE, required=True, options=opt.SERVICE_FIELDS),
                Field(
                    "service_scopes",
                    "服务范围",
                    T.MULTI,
                    required=True,
                    options=opt.SERVICE_SCOPES,
                    other_key="service_scopes_other",
                ),
                Field("service_since", "开始从事产业技术基础服务时间", T.DATE, required=True),
                Field("head_name", "平台负责人", T.TEXT),
                Field("head_title", "平台负责人职务", T.TEXT),
                Field(
                    "summary",
                    "平台简介（定位、主要服务内容、服务对象，不超过1000字）",
                    T.PROSE,
                    required=True,
                    max_length=1000,
                ),
                Field(
                    "mechanism",
                    "运行机制（组织架构、管理制度、开放共享与收费机制、质量管理体系）",
                    T.PROSE,
                    required=True,
                ),
                Field(
                    "cooperation",
                    "与产业联盟、行业协会、高校、科研院所、企业等的合作情况",
                    T.TABLE,
                    required=True,
                    variants=("合作情况",),
                    columns=(
                        Field("partner", "合作单位", T.TEXT),
                        Field("partner_type", "单位类型", T.CHOICE, options=opt.PARTNER_TYPES),
                        Field("form", "合作方式", T.TEXT),
                        Field("content", "合作内容", T.PROSE),
                        Field("period", "合作时间", T.TEXT),
                    ),
                ),
            ),
        ),
        Section(
            "capability",
            "三、服务能力",
            (
                Field(
                    "leaders",
                    "学术带头人或技术带头人",
                    T.TABLE,
                    required=True,
                    columns=(
                        Field("name", "姓名", T.TEXT),
                        Field("birth_year", "出生年份", T.YEAR),
                        Field("education", "学历", T.TEXT),
                        Field("title", "职称", T.TEXT),
                        Field("specialty", "专业", T.TEXT),
                        Field("honours", "主要荣誉与科研成果", T.PROSE),
                    ),
                ),
                Field(
                    "key_staff",
                    "主要技术人员",
                    T.TABLE,
                    columns=(
                        Field("name", "姓名", T.TEXT),
                        Field("education", "学历", T.TEXT),
                        Field("title", "职称", T.TEXT),
                        Field("qualification", "从业资质证书", T.TEXT),
                        Field("role", "在平台承担工作", T.TEXT),
                    ),
                ),
                Field(
                    "equipment",
                    "主要仪器设备（含软件）",
                    T.TABLE,
                    required=True,
                    columns=(
                        Field("name", "设备名称", T.TEXT),
                        Field("model", "型号规格", T.TEXT),
                        Field("quantity", "数量（台套）", T.INT, unit="台套"),
                        Field("value", "原值（万元）", T.WAN, unit="万元"),
                        Field("year", "购置年份", T.YEAR),
                        Field("use", "主要用途", T.TEXT),
                    ),
                ),
                Field(
                    "qualifications",
                    "资质与授权",
                    T.TABLE,
                    columns=(
                        Field("name", "资质名称", T.TEXT),
                        Field("cert_no", "证书编号", T.TEXT),
                        Field("issuer", "发证机构", T.TEXT),
                        Field("valid_until", "有效期至", T.DATE),
                        Field("scope", "能力范围", T.TEXT),
                    ),
                ),
            ),
        ),
        Section(
            "performance",
            "四、服务业绩",
            (
                Field(
                    "yearly",
                    "近三年服务情况",
                    T.TABLE,
                    required=True,
                    columns=(
                        Field("year", "年度", T.YEAR),
                        Field("revenue_total", "营业收入（万元）", T.WAN, unit="万元"),
                        Field("revenue_itb", "产业技术基础服务收入（万元）", T.WAN, unit="万元"),
                        Field("clients", "服务企业数（家）", T.INT, unit="家"),
                        Field("sme_clients", "其中中小企业（家）", T.INT, unit="家"),
                        Field("reports", "出具报告或服务项次（项）", T.INT, unit="项"),
                        Field("public_services", "公益性服务（项次）", T.INT, unit="项次"),
                    ),
                ),
                Field(
                    "cases",
                    "具有行业影响力的典型服务案例",
                    T.TABLE,
                    required=True,
                    variants=("典型服务案例",),
                    columns=(
                        Field("title", "案例名称", T.TEXT),
                        Field("client", "服务对象", T.TEXT),
                        Field("content", "服务内容", T.PROSE),
                        Field("period", "服务时间", T.TEXT),
                        Field("impact", "成效与行业影响", T.PROSE),
                    ),
                ),
                Field(
                    "projects",
                    "近三年承担的国家级或省部级项目",
                    T.TABLE,
                    required=True,
                    columns=(
                        Field("name", "项目名称", T.TEXT),
                        Field("level", "级别", T.CHOICE, options=opt.PROJECT_LEVELS),
                        Field("category", "类别", T.CHOICE, options=opt.PROJECT_CATEGORIES),
                        Field("role", "承担角色", T.CHOICE, options=opt.PROJECT_ROLES),
                        Field("start", "开始时间", T.DATE),
                        Field("end", "结束时间", T.DATE),
                        Field("funding", "经费（万元）", T.WAN, unit="万元"),
                    ),
                ),
                Field(
                    "achievements",
                    "其他成果（专利、软件著作权、研究报告、获奖等）",
                    T.TABLE,
                    columns=(
                        Field("name", "名称", T.TEXT),
                        Field("kind", "类别", T.TEXT),
                        Field("number", "编号", T.TEXT),
                        Field("date", "时间", T.DATE),
                    ),
                ),
            ),
        ),
        Section(
            "plan",
            "五、建设目标与发展规划",
            (
                Field("goals", "未来三年建设目标", T.PROSE, required=True),
                Field("measures", "主要任务与保障措施", T.PROSE, required=True),
            ),
        ),
        Section(
            "declaration",
            "六、承诺与推荐意见",
            (
                Field(
                    "signed_date",
                    "申报单位承诺 — 日期",
                    T.DATE,
                    variants=("承诺日期",),
                    signers=("法定代表人（签字）", "法定代表人（签章）", "法定代表人签名", "申报单位承诺"),
                ),
                Field("recommender_opinion", "推荐单位意见", T.PROSE),
                Field(
                    "recommender_date",
                    "推荐单位意见 — 日期",
                    T.DATE,
                    variants=("推荐日期",),
                    signers=("推荐单位意见",),
                ),
            ),
            note=(
                "本单位郑重承诺：申报书所填内容及所附材料真实、准确、完整，不涉及国家秘密；"
                "如获认定，将严格遵守《产业技术基础公共服务平台管理办法》，自觉接受工业和信息化部及推荐单位的监督管理。"
            ),
        ),
        Section(
            "attachments",
            "附件目录",
            (
                Field(
                    "attachments",
                    "证明材料目录",
                    T.TABLE,
                    columns=(
                        Field("seq", "序号", T.INT),
                        Field("title", "材料名称", T.TEXT),
                        Field("pages", "页码", T.TEXT),
                    ),
                ),
            ),
        ),
    ),
)
