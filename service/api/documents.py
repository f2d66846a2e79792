"""``/forms/{form}/fill`` and ``/forms/annex2/prefill``: records in, documents out."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from forms import get_form
from forms.errors import InvalidRecord
from forms.problems import Severity
from service import workflows
from service.api.schemas import FormatQuery, PrefillForm, UploadFile
from service.api.transfer import (
    download_name,
    fill_document,
    limits,
    posted_record,
    record_limit,
    send_document,
    uploaded_file,
)

blp = Blueprint("documents", __name__, description="按记录填写并下载表单文档")

MISSING_HEADER = "X-Missing-Fields"


@blp.post("/forms/<form_id>/fill")
@blp.arguments(FormatQuery, location="query")
@blp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    description=(
        "请求体为 JSON 记录（见 /forms/{form_id}/schema）。允许不完整的记录："
        f"缺少的必填项以字段路径列于响应头 {MISSING_HEADER}；类型错误的值，或超出长度、行数限制"
        "（表单规定的字数、ITBFORMS_RECORD_MAX_CHARS、ITBFORMS_RECORD_MAX_ROWS）的记录返回 422。"
    ),
)
@blp.response(200, description="填写好的文档")
def fill_form(query: dict[str, Any], form_id: str) -> Response:
    """按 JSON 记录填写表单并下载"""
    form = get_form(form_id)
    loaded = posted_record(form)
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidRecord(errors)
    fmt = query["format"]
    filled = fill_document(form, loaded.record, fmt, source="请求体")
    missing = sorted({p.field for p in filled.missing if p.field})
    headers = {MISSING_HEADER: ",".join(missing)} if missing else {}
    return send_document(filled.content, fmt, download_name(form, loaded.record, fmt), headers)


@blp.post("/forms/annex2/prefill")
@blp.arguments(PrefillForm, location="form")
@blp.arguments(UploadFile, location="files")
@blp.response(200, description="预填的年度运行情况表（format=json 时为预填的 JSON 记录）")
def prefill(fields: dict[str, Any], files: dict[str, Any], **_: Any) -> Response:
    """从上年度报告（或申报书）预填本年度的年度运行情况表。上传 JSON 记录或 Word/Excel/PDF 文件。"""
    upload = uploaded_file()
    name = upload.filename or "upload"
    source = workflows.read_source(upload.read(), name, max_record_bytes=record_limit(), limits=limits())
    record = workflows.prefill(fields["year"], source)
    form = get_form("annex2")
    fmt = fields["format"]  # json: the pre-filled record itself, for the fill page to load
    content = fill_document(form, record, fmt, source=name).content
    return send_document(content, fmt, download_name(form, record, fmt))
