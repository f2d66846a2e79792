"""marshmallow schemas of the API's own parameters and answers (records use forms.schema)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from forms.vocabulary import YEAR_MAX, YEAR_MIN

FORMATS = ("docx", "pdf", "xlsx")
FORM_IDS = ("annex1", "annex2")


class FormatQuery(Schema):
    format = fields.String(
        load_default="docx",
        validate=validate.OneOf(FORMATS),
        metadata={"description": "文档格式：docx、pdf，年度运行情况表另可 xlsx"},
    )


class CheckQuery(Schema):
    received = fields.Date(
        load_default=None, metadata={"description": "收到日期（YYYY-MM-DD），年度报告按此判断是否逾期"}
    )


class ParseForm(Schema):
    form = fields.String(
        load_default=None, validate=validate.OneOf(FORM_IDS), metadata={"description": "强制按此表单解析"}
    )
    checks = fields.Boolean(load_default=False, metadata={"description": "同时运行条件核查"})


class UploadFile(Schema):
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "Word、PDF、Excel 或 JSON 文件"},
    )


class PrefillForm(Schema):
    year = fields.Integer(
        required=True, validate=validate.Range(YEAR_MIN, YEAR_MAX), metadata={"description": "本次填报年度 N"}
    )
    format = fields.String(
        load_default="docx",
        validate=validate.OneOf((*FORMATS, "json")),
        metadata={"description": "docx、pdf、xlsx，或 json（只返回预填的记录）"},
    )


class FormSummary(Schema):
    id = fields.String()
    title = fields.String()
    short_title = fields.String()
    schema_version = fields.String()


class FormDefinition(FormSummary):
    sections = fields.List(fields.Dict(), metadata={"description": "节、字段、标签、类型、单位、选项"})


class Problem(Schema):
    field = fields.String(allow_none=True)
    code = fields.String()
    severity = fields.String()
    message = fields.String()
    raw = fields.String(allow_none=True)


class CheckResult(Schema):
    rule = fields.String()
    title = fields.String(metadata={"description": "规则名称"})
    clause = fields.String(
        metadata={"description": "条款、规则与名称，如“第六条（二） E-SHARE 产业技术基础服务收入占比”"}
    )
    state = fields.String(
        validate=validate.OneOf(("pass", "fail", "warn", "error", "unknown")),
        metadata={"description": "结果状态：通过、不符合、请核实、有误待补充、无法判断"},
    )
    article = fields.String()
    severity = fields.String()
    passed = fields.Boolean(allow_none=True)
    message = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    value = fields.Raw(allow_none=True)
    threshold = fields.Raw(allow_none=True)


class CheckReport(Schema):
    form = fields.String()
    verdict = fields.String(
        metadata={"description": "eligible/ineligible/incomplete（申报书）或 ok/fail/incomplete"}
    )
    verdict_label = fields.String()
    results = fields.List(fields.Nested(CheckResult))
    summary = fields.Dict()
    counts_text = fields.String(
        metadata={"description": "各状态项数，如“通过 20 项，不符合或提示 2 项，待补充 1 项，共 23 项”"}
    )
    problems = fields.List(fields.Nested(Problem), metadata={"description": "记录加载时发现的问题"})


class Seal(Schema):
    page = fields.Integer()
    bbox = fields.List(
        fields.Float(), metadata={"description": "印章范围（PDF 点，自页面左上角）：x0, top, x1, bottom"}
    )
    near = fields.String(allow_none=True, metadata={"description": "印章所盖处的文字，如“申报单位（盖章）”"})


class ParseResult(Schema):
    form = fields.String()
    schema_version = fields.String()
    record = fields.Dict()
    problems = fields.List(fields.Nested(Problem))
    provenance = fields.Dict(
        metadata={
            "description": "字段路径 → {file, page, table, row, col}"
            "；扫描件识别出的值另有 source: ocr、confidence 与 bbox（该值在页面上的位置："
            "x0, top, x1, bottom，单位为点，自页面左上角起）"
        }
    )
    seals = fields.List(
        fields.Nested(Seal), metadata={"description": "PDF 中的红色印章（Word、Excel 无此项）"}
    )
    checks = fields.List(fields.Nested(CheckResult))


class Health(Schema):
    status = fields.String()
    libreoffice = fields.Boolean()
