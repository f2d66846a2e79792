"""The 年度运行情况汇总表 as data (``docs/spec/annual-summary.md``): its sheets, the record paths of its
columns, the evaluators' columns, and the one rule that turns a platform's check results into its 年度核查.

The workbook writer (``templates.annual_summary``) and the readers that take a filled copy back
(``extractor.annual_summary``) both use these names, so a header changed here changes both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

TITLE = "产业技术基础公共服务平台年度运行情况汇总表"
SHEET_SUMMARY, SHEET_CHECKS, SHEET_PROBLEMS, SHEET_CHARTS, SHEET_EVALUATION = (
    "汇总",
    "核查明细",
    "解析问题",
    "统计图",
    "年度评价",
)

#: 年度核查 of one platform (spec: 正常 / 需关注 / 不符合 / 待补充), in the order a page lists them.
NORMAL, ATTENTION, FAILING, INCOMPLETE = "正常", "需关注", "不符合", "待补充"
STATUSES = (NORMAL, ATTENTION, FAILING, INCOMPLETE)

#: What an evaluator may write in 评价结果 (第十八条).
EVALUATION_RESULTS = ("合格", "不合格")
OPINION_HEADER, RESULT_HEADER = "评价意见", "评价结果（合格/不合格）"
USCC_HEADER, NAME_HEADER, SEQ_HEADER = "统一社会信用代码", "平台名称", "序号"

#: The key metrics of the statistics and the charts: key, label (with unit), record path of this year's
#: value, record path of last year's value inside this year's own report (None: only last year's report
#: knows it), whole numbers or money.
METRICS: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("staff_total", "从业人员（人）", "capacity.staff_total.current", "capacity.staff_total.previous", True),
    (
        "equipment_value",
        "仪器设备原值（万元）",
        "capacity.equipment_value.current",
        "capacity.equipment_value.previous",
        False,
    ),
    ("revenue_total", "营业收入（万元）", "operations.revenue_total", None, False),
    ("revenue_itb", "产业技术基础服务收入（万元）", "operations.revenue_itb", None, False),
    ("clients", "服务企业数（家）", "operations.clients", None, True),
    ("service_items", "服务项次（项）", "operations.service_items", None, True),
)
METRIC_LABELS = {key: label for key, label, *_ in METRICS}

#: The record columns of sheet 汇总 (header, sub-header, record path): what a filled copy reads back as.
SUMMARY_FIELDS: tuple[tuple[str, str | None, str], ...] = (
    ("平台名称", None, "header.platform_name"),
    ("依托单位", None, "header.operator"),
    (USCC_HEADER, None, "header.uscc"),
    ("认定批次", None, "header.batch"),
    ("填报日期", None, "header.fill_date"),
    ("从业人员（人）", "上年末", "capacity.staff_total.previous"),
    ("从业人员（人）", "本年末", "capacity.staff_total.current"),
    ("仪器设备原值（万元）", "上年末", "capacity.equipment_value.previous"),
    ("仪器设备原值（万元）", "本年末", "capacity.equipment_value.current"),
    ("营业收入（万元）", None, "operations.revenue_total"),
    ("产业技术基础服务收入（万元）", None, "operations.revenue_itb"),
    ("业务占比（%）", None, "operations.itb_share"),
    ("服务企业数（家）", None, "operations.clients"),
    ("服务项次（项）", None, "operations.service_items"),
)


def get_path(record: Mapping[str, Any] | None, path: str) -> Any:
    """The value at a dotted path of a record (``capacity.staff_total.current``); None if absent."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def annual_status(checks: Iterable[Mapping[str, Any]]) -> str:
    """年度核查 from a platform's check results (``CheckResult.to_dict()``), by each result's one state so
    that any rule flows through and every face agrees: a fail → 不符合; else an error or an undecided
    result → 待补充; else a warning → 需关注; else 正常."""
    states = {r.get("state") or "unknown" for r in checks}
    if "fail" in states:
        return FAILING
    if states & {"error", "unknown"}:
        return INCOMPLETE
    if "warn" in states:
        return ATTENTION
    return NORMAL
