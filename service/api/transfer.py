"""Request bodies in, documents out: the few HTTP details every endpoint shares."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Response, current_app, request, send_file
from werkzeug.datastructures import FileStorage

from extractor.formats import get_format
from extractor.settings import DEFAULT_LIMITS, Limits
from forms.errors import RecordError
from forms.model import FormDef
from forms.records import LoadedRecord
from service import workflows
from service.hygiene import file_name
from service.settings import Settings
from service.workflows import Filled, RecordTooLarge, decode_record
from service.workflows.page_pool import PagePool, page_pool

MIMETYPES = {
    **{fmt: get_format(fmt).mime_types[0] for fmt in ("docx", "xlsx", "pdf")},
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


def page_source() -> PagePool:
    """What recognises an uploaded scan's pages: the web process's pool of ``ocr_processes``."""
    return page_pool(settings().ocr_processes)


def record_limit() -> int:
    """The most bytes a JSON record may have (``max_record_kb``)."""
    return settings().max_record_kb * 1024


def posted_record(form: FormDef | str | None = None) -> LoadedRecord:
    """The JSON record in the request's body (``service.workflows.decode_record``): ``RecordError`` (→ 422)
    when it is missing or not JSON, ``RecordTooLarge`` (→ 413, before reading it) when too large."""
    limit = record_limit()
    if (request.content_length or 0) > limit:
        raise RecordTooLarge(request.content_length or 0, limit, source="请求体")
    return decode_record(request.get_data(cache=True), max_bytes=limit, form=form, source="请求体")


def uploaded_file(name: str = "file") -> FileStorage:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise RecordError(f"缺少上传文件：请以 multipart/form-data 的 {name!r} 字段上传")
    return upload


def fill_document(form: FormDef, record: Mapping[str, Any], fmt: str, *, source: str | None = None) -> Filled:
    """The filled document (``service.workflows.fill``): the record within the service's limits (422
    naming ``source`` otherwise), LibreOffice bounded by ``soffice_timeout_s``."""
    config = settings()
    return workflows.fill(
        form, record, fmt, timeout=config.soffice_timeout_s, limits=config.record_limits(), source=source
    )


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
