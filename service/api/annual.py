"""``/jobs/{id}/statistics`` and ``/jobs/{id}/annual-summary.xlsx``: the annual reports of a bundle job.

Both are made from the job's stored JSON report (its ``annual`` section), so they need no storage of their
own: the statistics are ``forms.annual_statistics`` as the workbook's 统计图 shows them, the workbook is
``templates.annual_summary``. 409 before the job is done, 404 when its bundle held no annual report.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from service import auth, jobs, ownership
from service.accounts import BUNDLE_ROLES
from service.api.transfer import send_document
from service.bundles.annual import Previous, load_previous
from service.settings import Settings
from templates.annual_summary import annual_summary_xlsx

blp = Blueprint("annual", __name__, description="年度运行情况：批量审核任务中年度运行情况表的统计与汇总表")


class MetricTotal(Schema):
    key = fields.String(
        metadata={
            "description": "staff_total/equipment_value/revenue_total/revenue_itb/clients/service_items"
        }
    )
    label = fields.String(metadata={"description": "指标名称（含单位）"})
    current = fields.Float(allow_none=True, metadata={"description": "本年合计（全部平台）"})
    previous = fields.Float(allow_none=True, metadata={"description": "上年合计（有上年数值的平台）"})
    compared = fields.Integer(metadata={"description": "有上年数值、参与同比的平台数"})
    change_pct = fields.Float(allow_none=True, metadata={"description": "同比（%），按可比平台计算"})


class MetricChange(Schema):
    current = fields.Float(allow_none=True)
    previous = fields.Float(
        allow_none=True, metadata={"description": "上年报告之值（无上年报告时，能力指标取本年报告的上年末）"}
    )
    change_pct = fields.Float(allow_none=True)


class PlatformStatistics(Schema):
    seq = fields.Integer()
    platform_name = fields.String(allow_none=True)
    uscc = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "年度核查：正常/需关注/不符合/待补充"})
    has_previous = fields.Boolean(metadata={"description": "是否有该平台的上年度报告"})
    metrics = fields.Dict(keys=fields.String(), values=fields.Nested(MetricChange))


class Ranked(Schema):
    seq = fields.Integer()
    platform_name = fields.String(allow_none=True)
    uscc = fields.String(allow_none=True)
    revenue_itb = fields.Float(allow_none=True, metadata={"description": "产业技术基础服务收入（万元）"})


class AnnualStatistics(Schema):
    job = fields.String()
    received = fields.String(allow_none=True, metadata={"description": "核查所用的收到日期"})
    previous_source = fields.String(allow_none=True, metadata={"description": "上年度材料的文件名"})
    report_year = fields.Integer(allow_none=True)
    platform_count = fields.Integer()
    with_previous = fields.Integer(metadata={"description": "有上年度报告的平台数"})
    by_status = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "年度核查结果 → 平台数"}
    )
    totals = fields.List(fields.Nested(MetricTotal))
    ranking = fields.List(fields.Nested(Ranked), metadata={"description": "按产业技术基础服务收入从高到低"})
    platforms = fields.List(fields.Nested(PlatformStatistics))


def previous_upload(settings: Settings) -> Previous | None:
    """Last year's reports from the optional ``previous`` upload (read now: a bad file is a 4xx here)."""
    upload = request.files.get("previous")
    if upload is None or not upload.filename:
        return None
    return load_previous(
        upload.read(),
        upload.filename,
        limits=jobs.bundle_limits(settings),
        document_limits=current_app.config["LIMITS"],
    )


def job_report(job_id: str) -> dict[str, Any]:
    """The asking account's done job's JSON report (409 before; 404 for another account's job, as every job
    endpoint answers); 404 when its bundle held no annual report."""
    account = auth.require_account(BUNDLE_ROLES)
    content = ownership.result(current_app.config["SETTINGS"], account, job_id, "report", auth.remote())
    report: dict[str, Any] = json.loads(content)
    if not report.get("annual"):
        abort(404, description=f"任务 {job_id} 的压缩包中没有年度运行情况表，没有年度统计与汇总表")
    return report


@blp.get("/jobs/<job_id>/statistics")
@blp.response(200, AnnualStatistics)
@blp.alt_response(404, description="任务不存在，或其压缩包中没有年度运行情况表")
@blp.alt_response(409, description="任务尚未完成或已失败")
def get_statistics(job_id: str) -> dict[str, Any]:
    """年度运行情况统计：主要指标本年与上年合计及同比、年度核查结果分布、各平台同比、收入排名"""
    annual = job_report(job_id)["annual"]
    previous = annual.get("previous") or {}
    return {
        "job": job_id,
        "received": annual.get("received"),
        "previous_source": previous.get("source"),
        **annual["statistics"],
    }


@blp.get("/jobs/<job_id>/annual-summary.xlsx")
@blp.response(200, description="年度运行情况汇总表（Excel）")
@blp.alt_response(404, description="任务不存在，或其压缩包中没有年度运行情况表")
@blp.alt_response(409, description="任务尚未完成或已失败")
def get_annual_summary(job_id: str) -> Response:
    """任务完成后的年度运行情况汇总表（.xlsx）：汇总、核查明细、解析问题、统计图、年度评价"""
    report = job_report(job_id)
    content = annual_summary_xlsx(report["annual"]["units"], failed=report.get("failed") or [])
    return send_document(content, "xlsx", "年度运行情况汇总表.xlsx")
