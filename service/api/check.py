"""``/check``: a JSON record in, the regulation's check report out."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from service import workflows
from service.api.schemas import CheckQuery, CheckReport
from service.api.transfer import posted_record

blp = Blueprint("check", __name__, description="按《管理办法》核查记录")


@blp.post("/check")
@blp.arguments(CheckQuery, location="query")
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}})
@blp.response(200, CheckReport)
def check(query: dict[str, Any]) -> dict[str, Any]:
    """核查一份 JSON 记录（申报书：第六条等申报条件；年度报告：第十六至十九条）"""
    loaded = posted_record()
    report = workflows.check(loaded, received=query["received"])
    return {**report.to_dict(), "problems": [p.to_dict() for p in loaded.problems]}
