"""``/parse``: a filled document in, the structured record with problems and provenance out."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from service import workflows
from service.api.schemas import ParseForm, ParseResult, UploadFile
from service.api.transfer import limits, page_source, uploaded_file

blp = Blueprint("parse", __name__, description="解析已填写的表单文件")


@blp.post("/parse")
@blp.arguments(ParseForm, location="form")
@blp.arguments(UploadFile, location="files")
@blp.response(200, ParseResult)
def parse(fields: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    """解析 Word（docx/doc/wps）、PDF 或 Excel 文件为结构化记录，列出问题与每个值的出处"""
    upload = uploaded_file()
    result = workflows.parse(
        upload.read(),
        upload.filename or "upload",
        form=fields["form"],
        checks=fields["checks"],
        limits=limits(),
        page_source=page_source(),
    )
    return result.to_dict()
