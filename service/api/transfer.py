"""Request bodies in, documents out: the few HTTP details every endpoint shares."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Response, abort, current_app, request, send_file
from werkzeug.datastructures import FileStorage

from extractor.settings import DEFAULT_LIMITS, Limits
from forms.errors import RecordError
from forms.model import FormDef
from service.hygiene import file_name, load_json
from service.settings import Settings
from templates.render import fill

MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def limits() -> Limits:
    """The limits one uploaded document is read within: ``LIMITS`` of the app (``Limits.from_env()``), its
    LibreOffice conversion bounded by the service's ``soffice_timeout_s`` like every other conversion."""
    configured: Limits = current_app.config.get("LIMITS") or DEFAULT_LIMITS
    timeout = min(configured.convert_timeout, settings().soffice_timeout_s)
    if timeout == configured.convert_timeout:
        return configured
    return replace(configured, convert_timeout=timeout)


def json_body() -> Any:
    """The request's JSON body; ``RecordError`` (→ 422) when it is missing or not JSON, 413 when larger
    than any record can be (``max_record_kb``)."""
    limit = settings().max_record_kb * 1024
    if (request.content_length or 0) > limit:
        abort(413, description=f"JSON 记录不应超过 {settings().max_record_kb} KB")
    raw = request.get_data(cache=True)
    if len(raw) > limit:
        abort(413, description=f"JSON 记录不应超过 {settings().max_record_kb} KB")
    if not raw.strip():
        raise RecordError("请求体为空：应为 JSON 记录（Content-Type: application/json）")
    return load_json(raw)


def uploaded_file(name: str = "file") -> FileStorage:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise RecordError(f"缺少上传文件：请以 multipart/form-data 的 {name!r} 字段上传")
    return upload


def render_document(form: FormDef, record: Mapping[str, Any], fmt: str) -> bytes:
    """The filled document, LibreOffice bounded by the service's ``soffice_timeout_s``."""
    return fill(form, record, fmt, timeout=settings().soffice_timeout_s)


def download_name(form: FormDef, record: dict[str, Any] | None, fmt: str) -> str:
    """A Chinese file name: ``<平台名称>-申报书.docx`` (or just ``申报书.docx`` for a blank form)."""
    name = None
    if record:
        name = (record.get("cover") or record.get("header") or {}).get("platform_name")
    stem = f"{name}-{form.short_title}" if name else form.short_title
    return f"{file_name(stem) or form.short_title}.{fmt}"


def send_document(content: bytes, fmt: str, filename: str, headers: dict[str, str] | None = None) -> Response:
    """The document as an attachment; Flask writes RFC 6266 ``filename*=UTF-8''…`` for Chinese names."""
    response = send_file(
        io.BytesIO(content), mimetype=MIMETYPES[fmt], as_attachment=True, download_name=filename, max_age=0
    )
    response.headers.update(headers or {})
    return response
