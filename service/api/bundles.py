"""``/bundles`` and ``/jobs``: a recommending authority's zip of applications, screened in the background.

``POST /bundles`` answers ``202 Accepted`` with ``Location: /api/v1/jobs/{id}`` at once (429 when the account
has too many jobs waiting, 503 when the queue or its storage is full; both with ``Retry-After``); the job is
worked by the queue's workers (``service.queue``, ``itbforms worker``) and is polled with ``GET /jobs/{id}``
(status, ``progress: {done, total}`` and every file's state) until ``status`` is ``done``; then
``report.json`` and ``summary.xlsx`` are there (409 before, 404 for an unknown or expired job).

Bundles and jobs need an account (``service.auth``: a Bearer token or the pages' session) of a role in
``BUNDLE_ROLES``; a job is its submitter's alone (``service.ownership``): any other account gets 404.
``DELETE /jobs/{id}`` deletes it at once (204); ``PATCH /jobs/{id}`` shortens its retention.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from service import auth, jobs, ownership
from service.accounts import BUNDLE_ROLES
from service.api.annual import previous_upload
from service.api.schemas import UploadFile
from service.api.transfer import send_document, uploaded_file
from service.settings import Settings

blp = Blueprint("bundles", __name__, description="批量审核：推荐单位上传申报材料压缩包，生成推荐汇总表")


class BundleForm(Schema):
    recommender = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "推荐单位名称（印在推荐汇总表上）"},
    )
    received = fields.Date(
        load_default=None,
        metadata={"description": "年度运行情况表的收到日期（默认为上传当日），用于第十六条报送期限核查"},
    )
    retention_hours = fields.Float(
        load_default=None,
        validate=validate.Range(min=0, min_inclusive=False),
        metadata={"description": "结果保存小时数（只能短于服务的默认保存期限）"},
    )


class RetentionPatch(Schema):
    retention_hours = fields.Float(
        required=True,
        validate=validate.Range(min=0, min_inclusive=False),
        metadata={"description": "新的保存小时数（从任务结束时算起，只能缩短）"},
    )


class BundleFiles(UploadFile):
    previous = fields.Raw(
        load_default=None,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "可选：上年度的报送压缩包（.zip）或年度运行情况汇总表（.xlsx），用于逐年核对",
        },
    )


class JobProgress(Schema):
    done = fields.Integer()
    total = fields.Integer(allow_none=True, metadata={"description": "待解析的文件数（列出压缩包后才知道）"})


class JobFile(Schema):
    index = fields.Integer()
    name = fields.String(metadata={"description": "压缩包内的路径"})
    status = fields.String(
        metadata={"description": "queued/parsed/not_form/unreadable/other_form/failed/refused/skipped"}
    )
    status_label = fields.String()
    reason = fields.String(allow_none=True)


class JobLinks(Schema):
    self_ = fields.String(data_key="self", attribute="self")
    report = fields.String(allow_none=True)
    summary = fields.String(allow_none=True)
    annual_summary = fields.String(
        allow_none=True, metadata={"description": "年度运行情况汇总表（有年度报告时）"}
    )
    statistics = fields.String(allow_none=True, metadata={"description": "年度运行情况统计（有年度报告时）"})


class JobStatus(Schema):
    id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued/running/done/failed"})
    status_label = fields.String()
    name = fields.String(metadata={"description": "上传的文件名"})
    recommender = fields.String(allow_none=True)
    created_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    attempts = fields.Integer(metadata={"description": "已开始处理的次数（中断后会重新处理）"})
    progress = fields.Nested(JobProgress)
    error = fields.String(allow_none=True, metadata={"description": "失败原因"})
    retention_hours = fields.Float(metadata={"description": "任务结束后结果保存的小时数"})
    expires_at = fields.String(allow_none=True, metadata={"description": "结果删除的时间"})
    notes = fields.List(fields.String())
    files = fields.List(fields.Nested(JobFile))
    links = fields.Nested(JobLinks)


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


@blp.before_request
def _account_required() -> None:
    auth.require_account(BUNDLE_ROLES)


@blp.before_request
def _bundle_limits() -> None:
    """Bundles may be larger than single documents."""
    if request.method == "POST":
        request.max_content_length = _settings().bundle_max_upload_mb * 1024 * 1024


@blp.post("/bundles")
@blp.arguments(BundleForm, location="form")
@blp.arguments(BundleFiles, location="files")
@blp.response(202, JobStatus, description="已接受，任务在后台处理；轮询 Location 所指的任务")
@blp.alt_response(415, description="不是 zip 压缩包")
@blp.alt_response(422, description="压缩包损坏或超出限制（文件数、解压后大小、压缩比）")
@blp.alt_response(429, description="本账户排队或处理中的任务已达上限；Retry-After 秒后重试")
@blp.alt_response(503, description="服务的任务队列或存储空间已满；Retry-After 秒后重试")
def create_bundle_job(
    fields_: dict[str, Any], files: dict[str, Any]
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """上传推荐材料或年度运行情况表压缩包（multipart 的 file 字段），异步解析、核查并生成汇总表"""
    upload = uploaded_file()
    job = ownership.submit(
        _settings(),
        auth.require_account(),
        upload.read(),
        upload.filename or "bundle.zip",
        fields_.get("recommender"),
        fields_.get("retention_hours"),
        auth.remote(),
        received=fields_.get("received"),
        previous=previous_upload(_settings()),
    )
    location = url_for("bundles.get_job", job_id=job.id)
    return jobs.job_status(job, _settings(), _base(job.id)), 202, {"Location": location}


def _base(job_id: str) -> str:
    """The API's prefix (``/api/v1``), as this app mounts it."""
    return url_for("bundles.get_job", job_id=job_id).removesuffix(f"/jobs/{job_id}")


class JobQuery(Schema):
    files = fields.Boolean(
        load_default=True, metadata={"description": "是否列出每个文件的状态（大批量轮询进度时可设为 false）"}
    )


@blp.get("/jobs/<job_id>")
@blp.arguments(JobQuery, location="query")
@blp.response(200, JobStatus)
def get_job(query: dict[str, Any], job_id: str) -> dict[str, Any]:
    """任务状态：queued/running/done/failed，进度 {done, total} 与每个文件的处理状态"""
    job = ownership.own_job(
        _settings(), auth.require_account(), job_id, files=query["files"], remote=auth.remote()
    )
    return jobs.job_status(job, _settings(), _base(job_id))


@blp.delete("/jobs/<job_id>")
@blp.response(204, description="任务及其上传文件、结果已删除")
def delete_job(job_id: str) -> None:
    """删除任务：上传的压缩包、每个文件的状态、核查报告和推荐汇总表立即删除"""
    ownership.delete(_settings(), auth.require_account(), job_id, auth.remote())


@blp.patch("/jobs/<job_id>")
@blp.arguments(RetentionPatch)
@blp.response(200, JobStatus)
def shorten_retention(patch: dict[str, Any], job_id: str) -> dict[str, Any]:
    """缩短任务结果的保存期限（从任务结束时算起）"""
    job = ownership.shorten_retention(
        _settings(), auth.require_account(), job_id, patch["retention_hours"], auth.remote()
    )
    return jobs.job_status(job, _settings(), _base(job_id))


@blp.get("/jobs/<job_id>/report.json")
@blp.response(200, description="JSON 核查报告（每个单位：文件、记录、核查结果、结论；无法解析的文件及原因）")
@blp.alt_response(409, description="任务尚未完成或已失败")
def get_report(job_id: str) -> Response:
    """任务完成后的 JSON 核查报告"""
    content = ownership.result(_settings(), auth.require_account(), job_id, "report", auth.remote())
    return Response(content, mimetype="application/json")


@blp.get("/jobs/<job_id>/summary.xlsx")
@blp.response(200, description="推荐汇总表（Excel）")
@blp.alt_response(409, description="任务尚未完成或已失败")
def get_summary(job_id: str) -> Response:
    """任务完成后的推荐汇总表（.xlsx）"""
    content = ownership.result(_settings(), auth.require_account(), job_id, "summary", auth.remote())
    return send_document(content, "xlsx", "推荐汇总表.xlsx")
