"""RFC 9457 ``application/problem+json`` responses, and the one table that maps library errors to them.

Every error the service returns goes through ``problem_response``: an HTTP error raised by Flask or
flask-smorest, the user's unusable input (``FormsError`` and its kin: 4xx by ``EXCEPTION_PROBLEMS``), or
our own fault (``OwnFault``: a template out of step, the format table, a setting) and any unexpected crash:
a 500 carrying a trace id, whose details go to the log only. ``handle_error`` is the one place that decides.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, json
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from extractor.bundle_zip import UnsafeBundle
from extractor.errors import UnreadableFile, UnsupportedFile
from forms.errors import FormsError, RecordError, UnknownForm
from office.libreoffice import ConversionError, ConversionTimeout, OfficeMissing
from service.hygiene import strip_paths
from service.jobs import JobNotFound, JobNotReady, QueueBusy, TooManyJobs
from service.workflows import RecordTooLarge

log = logging.getLogger(__name__)

PROBLEM_MIMETYPE = "application/problem+json"
TYPE_BASE = "urn:itbforms:problem:"


@dataclass(frozen=True)
class ProblemKind:
    status: int
    slug: str
    title: str  # Chinese, for people


#: Library exceptions → HTTP problems, most specific first. The only place that knows this mapping.
EXCEPTION_PROBLEMS: tuple[tuple[type[Exception], ProblemKind], ...] = (
    (UnknownForm, ProblemKind(404, "unknown-form", "未知的表单")),
    (RecordTooLarge, ProblemKind(413, "too-large", "上传内容过大")),
    (RecordError, ProblemKind(422, "invalid-record", "记录无效")),
    (JobNotFound, ProblemKind(404, "job-not-found", "任务不存在")),
    (JobNotReady, ProblemKind(409, "job-not-done", "任务尚未完成")),
    (TooManyJobs, ProblemKind(429, "too-many-jobs", "排队中的任务过多")),
    (QueueBusy, ProblemKind(503, "queue-full", "任务队列已满")),
    (UnsafeBundle, ProblemKind(422, "unsafe-bundle", "压缩包无法处理（损坏或超出限制）")),
    (UnsupportedFile, ProblemKind(415, "unsupported-file", "不支持的文件类型")),
    (UnreadableFile, ProblemKind(422, "unreadable-file", "文件无法读取")),
    (OfficeMissing, ProblemKind(503, "office-unavailable", "文档转换服务不可用")),
    (ConversionTimeout, ProblemKind(422, "processing-timeout", "文档处理超时")),
    (ConversionError, ProblemKind(422, "conversion-failed", "文档转换失败")),
    (FormsError, ProblemKind(400, "bad-request", "请求无效")),
)

#: Titles and slugs for plain HTTP errors (abort(…), routing, size limit).
HTTP_PROBLEMS: dict[int, ProblemKind] = {
    400: ProblemKind(400, "bad-request", "请求无效"),
    404: ProblemKind(404, "not-found", "未找到"),
    405: ProblemKind(405, "method-not-allowed", "不支持的请求方法"),
    406: ProblemKind(406, "not-acceptable", "无法提供所请求的格式"),
    413: ProblemKind(413, "too-large", "上传内容过大"),
    415: ProblemKind(415, "unsupported-file", "不支持的文件类型"),
    422: ProblemKind(422, "invalid-request", "请求内容无效"),
    500: ProblemKind(500, "internal-error", "服务器内部错误"),
}

#: Our own faults and unexpected crashes: nothing the user sent can repair them.
INTERNAL_ERROR = HTTP_PROBLEMS[500]


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    trace_id: str | None = None,
) -> Response:
    kind = HTTP_PROBLEMS.get(status, ProblemKind(status, "error", "错误"))
    detail = _without_paths(detail)
    body: dict[str, Any] = {
        "type": TYPE_BASE + (slug or kind.slug),
        "title": title or kind.title,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    if trace_id:
        body["trace_id"] = trace_id
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response


def _without_paths(detail: str) -> str:
    """``detail`` without server paths; when it had some, the whole text goes to the log under a trace id
    that the answer names."""
    public = strip_paths(detail)
    if public == detail:
        return detail
    trace = uuid.uuid4().hex[:12]
    log.warning("problem %s: %s", trace, detail)
    return f"{public}（追踪号 {trace}，详情见服务日志）"


def _webargs_errors(messages: Any, path: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """webargs/marshmallow nested messages → ``[{"field": "a.b", "message": …}]``."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"field": ".".join(path), "message": m} for m in messages]
    if isinstance(messages, dict):
        out = []
        for key, sub in messages.items():
            # webargs nests by location first (json, query, form, files): drop that level
            step = (
                path
                if (not path and key in ("json", "query", "form", "files", "headers"))
                else (*path, str(key))
            )
            out += _webargs_errors(sub, step)
        return out
    return [{"field": ".".join(path), "message": str(messages)}]


class ProblemApi(Api):
    """flask-smorest's Api answering every HTTP error as problem+json."""

    def handle_http_exception(self, error: HTTPException) -> Response:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = _webargs_errors(data["messages"]) if "messages" in data else None
        detail = data.get("message") or _http_detail(status, error)
        return problem_response(status, detail, errors=errors, headers=data.get("headers"))


def _http_detail(status: int, error: HTTPException) -> str:
    if error.description and error.description != type(error).description:
        return error.description  # our own abort(…, description=…), already Chinese
    if status == 413:
        return "上传内容超过允许的大小（MAX_CONTENT_LENGTH）"
    if status == 422:
        return "请求参数无效，详见 errors"
    return error.description or HTTP_PROBLEMS.get(status, ProblemKind(status, "", "错误")).title


def problem_kind(exc: Exception) -> ProblemKind:
    """The problem ``exc`` is answered with: the user's input by ``EXCEPTION_PROBLEMS``; our own faults
    (``OwnFault``) and everything unforeseen ``INTERNAL_ERROR``."""
    if isinstance(exc, FormsError):
        return next((kind for cls, kind in EXCEPTION_PROBLEMS if isinstance(exc, cls)), INTERNAL_ERROR)
    return INTERNAL_ERROR


def handle_error(exc: Exception) -> Response:
    """Any exception a request raised, as problem+json; a 500 names only a trace id, the log has the rest."""
    if isinstance(exc, HTTPException):  # routed through ProblemApi already; keep its code
        return problem_response(exc.code or 500, exc.description or "")
    kind = problem_kind(exc)
    if kind is not INTERNAL_ERROR:
        errors = getattr(exc, "errors", None)
        wait = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(wait)} if wait is not None else None
        return problem_response(
            kind.status, str(exc), slug=kind.slug, title=kind.title, errors=errors, headers=headers
        )
    trace_id = uuid.uuid4().hex[:16]
    log.error("internal error (trace id %s)", trace_id, exc_info=exc)
    detail = (
        f"服务器处理请求时出错，已记录日志（追踪编号 {trace_id}）；请稍后重试，或联系管理员并告知此编号。"
    )
    return problem_response(500, detail, trace_id=trace_id)


def handle_too_deep(exc: RecursionError) -> Response:
    """A body nested beyond what a parser can follow (JSON read by webargs for a non-record body)."""
    return problem_response(422, "请求内容嵌套过深：不是本服务接受的 JSON", slug="invalid-request")


def register_problem_handlers(app: Flask) -> None:
    app.register_error_handler(Exception, handle_error)
    app.register_error_handler(RecursionError, handle_too_deep)
