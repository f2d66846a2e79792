"""``/audit``: the audit log for the ``admin`` role (the same entries ``itbforms audit`` prints)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service import auth
from service.audit import ACTIONS
from service.ownership import audit_for

blp = Blueprint("audit", __name__, description="审计日志（仅管理员）")


class AuditQuery(Schema):
    account = fields.String(load_default=None, metadata={"description": "只看这个账户"})
    job = fields.String(load_default=None, metadata={"description": "只看这个任务"})
    last = fields.Integer(
        load_default=200, validate=validate.Range(1, 10_000), metadata={"description": "最近的条数"}
    )


class AuditEntry(Schema):
    at = fields.Float(metadata={"description": "时间（Unix 秒）"})
    account = fields.String(allow_none=True)
    action = fields.String(metadata={"description": "、".join(ACTIONS)})
    action_label = fields.String()
    job_id = fields.String(allow_none=True)
    remote = fields.String(allow_none=True, metadata={"description": "来源地址"})


@blp.get("/audit")
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditEntry(many=True))
def audit_log(query: dict[str, Any]) -> list[dict[str, Any]]:
    """谁在何时提交、读取、下载、删除了哪个任务，登录记录；从旧到新"""
    auth.require_account({"admin"})
    entries = audit_for(current_app.config["SETTINGS"]).entries(
        account=query["account"], job_id=query["job"], limit=query["last"]
    )
    return [{**vars(e), "action_label": e.action_label} for e in entries]
