"""``/forms``: the two forms, their JSON Schema, blank templates; ``/healthz``."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from forms import FORMS, get_form
from forms.describe import form_as_dict
from forms.jsonschema import form_json_schema
from forms.records import empty_record
from office.libreoffice import available
from service.api.schemas import FormatQuery, FormDefinition, FormSummary, Health
from service.api.transfer import download_name, fill_document, send_document

blp = Blueprint("forms", __name__, description="表单定义与空白模板")


@blp.get("/forms")
@blp.response(200, FormSummary(many=True))
def list_forms() -> list[dict[str, Any]]:
    """两种表单：申报书（annex1）与年度运行情况表（annex2）"""
    return [form_as_dict(f, fields=False) for f in FORMS.values()]


@blp.get("/forms/<form_id>")
@blp.response(200, FormDefinition)
def describe_form(form_id: str) -> dict[str, Any]:
    """表单定义：各节、字段、标签、类型、单位与选项"""
    return form_as_dict(get_form(form_id))


@blp.get("/forms/<form_id>/schema")
@blp.response(200, description="JSON Schema（draft 2020-12）")
def form_schema(form_id: str) -> dict[str, Any]:
    """记录的 JSON Schema，供系统集成方校验数据"""
    return form_json_schema(get_form(form_id))


@blp.get("/forms/<form_id>/template")
@blp.arguments(FormatQuery, location="query")
@blp.response(200, description="空白表单文档")
def blank_template(query: dict[str, Any], form_id: str) -> Response:
    """下载空白表单（docx、pdf；年度运行情况表另可 xlsx）"""
    form = get_form(form_id)
    content = fill_document(form, empty_record(form), query["format"]).content
    return send_document(content, query["format"], download_name(form, None, query["format"]))


@blp.get("/healthz")
@blp.response(200, Health)
def healthz() -> dict[str, Any]:
    """服务状态"""
    return {"status": "ok", "libreoffice": available()}
