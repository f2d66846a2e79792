"""``/forms/{form}/fill`` and ``/forms/annex2/prefill``: records in, documents out."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask_smorest import Blueprint

from extractor import parse_bytes
from forms import get_form
from forms.checks import run_checks
from forms.errors import InvalidRecord
from forms.problems import Severity
from forms.records import dump_record, load_record
from service.api.schemas import FormatQuery, PrefillForm, UploadFile
from service.api.transfer import (
    download_name,
    json_body,
    limits,
    render_document,
    send_document,
    uploaded_file,
)
from service.hygiene import load_json
from templates.prefill import prefill_annex2

blp = Blueprint("documents", __name__, description="按记录填写并下载表单文档")

MISSING_HEADER = "X-Missing-Fields"


def _missing_fields(record: dict[str, Any], form_id: str) -> list[str]:
    report = run_checks(record, form_id, kinds=["V"])
    return sorted({f for r in report.results if r.rule == "V-REQ" and r.passed is False for f in r.fields})


@blp.post("/forms/<form_id>/fill")
@blp.arguments(FormatQuery, location="query")
@blp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    description=(
        "请求体为 JSON 记录（见 /forms/{form_id}/schema）。允许不完整的记录："
        f"缺少的必填项以字段路径列于响应头 {MISSING_HEADER}；类型错误的值返回 422。"
    ),
)
@blp.response(200, description="填写好的文档")
def fill_form(query: dict[str, Any], form_id: str) -> Response:
    """按 JSON 记录填写表单并下载"""
    form = get_form(form_id)
    loaded = load_record(json_body(), form)
    errors = [p for p in loaded.problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidRecord(errors)
    fmt = query["format"]
    content = render_document(form, loaded.record, fmt)
    missing = _missing_fields(loaded.record, form.id)
    headers = {MISSING_HEADER: ",".join(missing)} if missing else {}
    return send_document(content, fmt, download_name(form, loaded.record, fmt), headers)


@blp.post("/forms/annex2/prefill")
@blp.arguments(PrefillForm, location="form")
@blp.arguments(UploadFile, location="files")
@blp.response(200, description="预填的年度运行情况表（format=json 时为预填的 JSON 记录）")
def prefill(fields: dict[str, Any], files: dict[str, Any], **_: Any) -> Response:
    """从上年度报告（或申报书）预填本年度的年度运行情况表。上传 JSON 记录或 Word/Excel/PDF 文件。"""
    upload = uploaded_file()
    data = upload.read()
    if upload.filename and upload.filename.lower().endswith(".json"):
        source = load_record(load_json(data, source=f"{upload.filename} "))
        source_form, source_record = source.form.id, source.record
    else:
        parsed = parse_bytes(data, upload.filename or "upload", limits=limits())
        source_form, source_record = parsed.form, parsed.record
    if source_form == "annex2":
        record = prefill_annex2(fields["year"], last_annex2=source_record)
    else:
        record = prefill_annex2(fields["year"], annex1=source_record)
    form = get_form("annex2")
    fmt = fields["format"]
    if fmt == "json":  # the pre-filled record itself, for the fill page to load
        content = json.dumps(dump_record(record, form), ensure_ascii=False, indent=2).encode("utf-8")
        return send_document(content, fmt, download_name(form, record, fmt))
    return send_document(render_document(form, record, fmt), fmt, download_name(form, record, fmt))
