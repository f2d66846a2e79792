"""The 年度运行情况汇总表 workbook (``docs/spec/annual-summary.md``), built from a bundle's annual units.

Sheets: ``汇总`` (title, ``报送单位（盖章）：…`` line, two frozen header rows, one row per platform, the
年度核查 cell coloured), ``核查明细`` (every check result), ``解析问题`` (files not used, fields missing or
unsure, Word/PDF disagreements), ``统计图`` (native Excel charts over small data tables: the key metrics'
totals this year and last year, platforms ranked by 产业技术基础服务收入, the 年度核查 distribution) and
``年度评价`` (one row per platform for 第十八条's evaluators, with 评价意见 and 评价结果 left empty; a filled
copy is read back by ``extractor.annual_summary.read_evaluation``).

Input is plain data — the units of the bundle report's ``annual`` section (``{seq, uscc, platform_name,
record, checks, problems, differences, files, previous}``) and the files that failed — and the output is
bytes: no I/O, no parsing here. Text is written with the summary's safe writer (never a formula), and
every sheet prints landscape on A4 with its header rows repeated and page numbers in the footer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import groupby
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from forms import ANNEX2
from forms.annual_statistics import annual_statistics, show_change, uscc_key
from forms.annual_summary import (
    ATTENTION,
    EVALUATION_RESULTS,
    FAILING,
    INCOMPLETE,
    NAME_HEADER,
    NORMAL,
    OPINION_HEADER,
    RESULT_HEADER,
    SEQ_HEADER,
    SHEET_CHARTS,
    SHEET_CHECKS,
    SHEET_EVALUATION,
    SHEET_PROBLEMS,
    SHEET_SUMMARY,
    SUMMARY_FIELDS,
    TITLE,
    USCC_HEADER,
    annual_status,
    get_path,
)
from forms.checks import RULES
from forms.vocabulary import RESULT_LABELS
from templates.summary import (
    BLANK,
    STATE_COLOUR,
    _colour,
    _rows,
    _styles,
    _table,
    findings,
    header_line,
    problem_rows,
    put,
)

Unit = Mapping[str, Any]

#: 年度核查 → the summary's cell colours (good / bad / neutral).
STATUS_COLOUR = {NORMAL: "符合", ATTENTION: "待补充", FAILING: "不符合", INCOMPLETE: "待补充"}
NUMBER_FORMATS = {"capacity.staff_total": "0", "operations.clients": "0", "operations.service_items": "0"}


def _number_format(path: str) -> str | None:
    if path.startswith("header."):
        return None
    if path.startswith(tuple(NUMBER_FORMATS)):
        return "0"
    return "0.00" if path.endswith("itb_share") else "#,##0.00"


def _dates(ws: Worksheet, col: int, rows: range) -> None:
    """ISO date text (the JSON record's) in column ``col`` as date cells, so that Excel sorts by them."""
    for r in rows:
        cell = ws.cell(row=r, column=col)
        try:
            when = date.fromisoformat(cell.value) if isinstance(cell.value, str) else None
        except ValueError:
            continue
        if when is not None:
            cell.value, cell.number_format = when, "yyyy-mm-dd"


def _contact(record: Mapping[str, Any]) -> str | None:
    name, mobile = get_path(record, "header.contact_name"), get_path(record, "header.contact_mobile")
    return f"{name or ''} / {mobile or ''}".strip() if name or mobile else None


def _title(ws: Worksheet, text: str, width: int, line: str | None) -> None:
    last = get_column_letter(width)
    put(ws, 1, 1, text).font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    if line:
        put(ws, 2, 1, line).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        ws.merge_cells(f"A2:{last}2")
        ws.row_dimensions[2].height = 22


# --- 汇总 --------------------

#: The columns of 汇总 after 序号 and the record columns: header, sub-header, width.
_TAIL = (
    ("同比", "服务收入", 9),
    ("同比", "服务企业数", 9),
    ("年度核查", None, 8),
    ("问题说明", None, 48),
    ("联系人 / 手机", None, 20),
    ("备注", None, 14),
)
_WIDTHS = {"平台名称": 24, "依托单位": 22, USCC_HEADER: 21, "认定批次": 8, "填报日期": 11}


def summary_headers() -> list[tuple[str, str | None]]:
    """The (header, sub-header) pairs of 汇总, in the spec's order."""
    return [(SEQ_HEADER, None), *((h, s) for h, s, _ in SUMMARY_FIELDS), *((h, s) for h, s, _ in _TAIL)]


def _summary_sheet(ws: Worksheet, units: Sequence[Unit], stats: Mapping[str, Any], line: str) -> None:
    ws.title = SHEET_SUMMARY
    headers = summary_headers()
    year = stats.get("report_year")
    _title(ws, f"{TITLE}（{year if year else BLANK}年度）", len(headers), line)
    widths = (
        [6.0] + [float(_WIDTHS.get(h, 10)) for h, _s, _p in SUMMARY_FIELDS] + [float(w) for *_, w in _TAIL]
    )
    _table(ws, 4, [s or h for h, s in headers], widths)
    for col, (head, sub) in enumerate(headers, 1):
        put(ws, 3, col, head, "汇总表表头")
        if sub is None:
            ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    col = 1
    for _, run in groupby(headers, key=lambda hs: (hs[0], hs[1] is None)):  # a group spans its sub-headers
        width = len(list(run))
        if width > 1:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + width - 1)
        col += width
    ws.freeze_panes = "C5"
    ws.print_title_rows = "3:4"
    changes = {p["seq"]: p["metrics"] for p in stats.get("platforms") or []}
    rows = []
    for unit in units:
        record = unit.get("record") or {}
        metrics = changes.get(unit.get("seq"), {})
        rows.append(
            [
                unit.get("seq"),
                *(get_path(record, path) for *_hs, path in SUMMARY_FIELDS),
                show_change((metrics.get("revenue_itb") or {}).get("change_pct")),
                show_change((metrics.get("clients") or {}).get("change_pct")),
                annual_status(unit.get("checks") or []),
                "\n".join(findings(unit)) or None,
                _contact(record),
                None,
            ]
        )
    formats = [None] + [_number_format(p) for *_hs, p in SUMMARY_FIELDS]
    _rows(ws, 5, rows, formats + [None] * len(_TAIL))
    _dates(ws, [h for h, _ in headers].index("填报日期") + 1, range(5, 5 + len(rows)))
    status_col = [h for h, _ in headers].index("年度核查") + 1
    for r in range(5, 5 + len(rows)):
        cell = ws.cell(row=r, column=status_col)
        _colour(cell, STATUS_COLOUR.get(cell.value or ""))
    ws.print_area = f"A1:{get_column_letter(len(headers))}{4 + len(rows)}"


# --- 核查明细, 解析问题 --------------------


def _checks_sheet(ws: Worksheet, units: Sequence[Unit]) -> None:
    headers = (SEQ_HEADER, NAME_HEADER, USCC_HEADER, "规则", "规则名称", "条款", "结果", "说明")
    _table(ws, 1, headers, (6, 24, 21, 12, 18, 14, 10, 70))
    rows = [
        [
            unit.get("seq"),
            unit.get("platform_name"),
            unit.get("uscc"),
            r.get("rule"),
            r.get("title") or (RULES[r["rule"]].title if r.get("rule") in RULES else None),
            r.get("article") or None,
            RESULT_LABELS.get(_state(r), _state(r)),
            r.get("message"),
        ]
        for unit in units
        for r in unit.get("checks") or []
    ]
    _rows(ws, 2, rows, [None] * len(headers))
    states = [_state(r) for unit in units for r in unit.get("checks") or []]
    for row, state in enumerate(states, 2):
        _colour(ws.cell(row=row, column=headers.index("结果") + 1), STATE_COLOUR.get(state))


def _state(result: Mapping[str, Any]) -> str:
    """A check result's one state (pass/fail/warn/error/unknown), as every face shows it."""
    return str(result.get("state") or "unknown")


def _problems_sheet(ws: Worksheet, units: Sequence[Unit], failed: Sequence[Mapping[str, Any]]) -> None:
    headers = ("文件", NAME_HEADER, "字段", "问题类型", "说明")
    _table(ws, 1, headers, (36, 24, 26, 16, 70))
    named = [{**u, "name": u.get("platform_name")} for u in units]
    _rows(ws, 2, problem_rows({"units": named, "failed": failed}, ANNEX2), [None] * len(headers))


# --- 统计图 --------------------


def _charts_sheet(ws: Worksheet, stats: Mapping[str, Any]) -> None:
    """Three small data tables, each with its native chart beside it."""
    _table(ws, 1, ("指标", "本年合计", "上年合计（可比平台）", "可比平台数", "同比"), (30, 14, 18, 10, 10))
    totals = stats.get("totals") or []
    _rows(
        ws,
        2,
        [
            [t["label"], t["current"], t["previous"], t["compared"], show_change(t["change_pct"])]
            for t in totals
        ],
        [None, "#,##0.00", "#,##0.00", "0", None],
    )
    bars = BarChart()
    bars.type, bars.title = "col", "主要指标：本年与上年"
    bars.y_axis.title = "合计"
    bars.add_data(
        Reference(ws, min_col=2, max_col=3, min_row=1, max_row=1 + len(totals)), titles_from_data=True
    )
    bars.set_categories(Reference(ws, min_col=1, min_row=2, max_row=1 + len(totals)))
    bars.width, bars.height = 22, 9
    ws.add_chart(bars, "G1")

    first = len(totals) + 4
    ranking = stats.get("ranking") or []
    put(ws, first, 1, "平台名称", "汇总表表头")
    put(ws, first, 2, "产业技术基础服务收入（万元）", "汇总表表头")
    _rows(ws, first + 1, [[r["platform_name"], r["revenue_itb"]] for r in ranking], [None, "#,##0.00"])
    ranked = BarChart()
    ranked.type, ranked.title = "bar", "各平台产业技术基础服务收入排名"
    last = first + max(len(ranking), 1)
    ranked.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
    ranked.set_categories(Reference(ws, min_col=1, min_row=first + 1, max_row=last))
    ranked.y_axis.title = "万元"
    ranked.x_axis.scaling.orientation = "maxMin"  # the highest on top
    ranked.width, ranked.height = 22, max(8, 0.6 * len(ranking))
    ws.add_chart(ranked, "G20")

    start = last + 3
    by_status = stats.get("by_status") or {}
    put(ws, start, 1, "年度核查", "汇总表表头")
    put(ws, start, 2, "平台数", "汇总表表头")
    _rows(ws, start + 1, [[k, v] for k, v in by_status.items()], [None, "0"])
    pie = PieChart()
    pie.title = "年度核查结果分布"
    pie.add_data(
        Reference(ws, min_col=2, min_row=start, max_row=start + len(by_status)), titles_from_data=True
    )
    pie.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=start + len(by_status)))
    ws.add_chart(pie, f"D{start}")


# --- 年度评价 --------------------

EVALUATION_NOTE = (
    "请评价人员填写“评价意见”和“评价结果”（只填“合格”或“不合格”）；其余各列由系统生成，请勿改动。"
)


def evaluation_headers() -> tuple[str, ...]:
    return (
        SEQ_HEADER,
        NAME_HEADER,
        USCC_HEADER,
        "产业技术基础服务收入（万元）",
        "同比",
        "服务企业数（家）",
        "同比",
        "从业人员（人）",
        "年度核查",
        "A类核查结果",
        "变更情况",
        "重大事项",
        OPINION_HEADER,
        RESULT_HEADER,
    )


def _annual_results(unit: Unit) -> str:
    lines = [
        f"{r.get('rule')} {RESULT_LABELS.get(_state(r), '')}"
        + ("" if _state(r) == "pass" else f"：{r.get('message', '')}")
        for r in unit.get("checks") or []
        if str(r.get("rule", "")).startswith("A-")
    ]
    return "\n".join(lines)


def _yes(value: Any) -> str:
    return {True: "是", False: "否"}.get(value, "未填")


def _changes(record: Mapping[str, Any]) -> str:
    text = f"变更：{_yes(get_path(record, 'changes.changed'))}"
    if details := get_path(record, "changes.change_details"):
        text += f"（{details}）"
    return text + f"；法人主体重大变更：{_yes(get_path(record, 'changes.legal_entity_changed'))}"


def _incidents(record: Mapping[str, Any]) -> str:
    text = f"事故或违法违规：{_yes(get_path(record, 'changes.incidents'))}"
    if details := get_path(record, "changes.incident_details"):
        text += f"（{details}）"
    if get_path(record, "changes.incidents"):
        text += f"；严重不良影响：{_yes(get_path(record, 'changes.serious_impact'))}"
    return text


def _evaluation_sheet(ws: Worksheet, units: Sequence[Unit], stats: Mapping[str, Any]) -> None:
    headers = evaluation_headers()
    year = stats.get("report_year")
    _title(
        ws,
        f"产业技术基础公共服务平台年度评价表（{year if year else BLANK}年度）",
        len(headers),
        EVALUATION_NOTE,
    )
    _table(ws, 3, headers, (6, 24, 21, 14, 9, 11, 9, 10, 8, 40, 30, 30, 36, 14))
    ws.freeze_panes = "C4"
    metrics = {p["seq"]: p["metrics"] for p in stats.get("platforms") or []}
    rows = []
    for unit in units:
        record = unit.get("record") or {}
        m = metrics.get(unit.get("seq"), {})
        rows.append(
            [
                unit.get("seq"),
                unit.get("platform_name"),
                unit.get("uscc"),
                m.get("revenue_itb", {}).get("current"),
                show_change(m.get("revenue_itb", {}).get("change_pct")),
                m.get("clients", {}).get("current"),
                show_change(m.get("clients", {}).get("change_pct")),
                m.get("staff_total", {}).get("current"),
                annual_status(unit.get("checks") or []),
                _annual_results(unit),
                _changes(record),
                _incidents(record),
                None,
                None,
            ]
        )
    _rows(
        ws, 4, rows, [None, None, None, "#,##0.00", None, "0", None, "0", None, None, None, None, None, None]
    )
    if rows:
        choice = DataValidation(
            type="list",
            formula1='"' + ",".join(EVALUATION_RESULTS) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="评价结果",
            error="请填写“合格”或“不合格”",
        )
        ws.add_data_validation(choice)
        col = get_column_letter(len(headers))
        choice.add(f"{col}4:{col}{3 + len(rows)}")


# --- the workbook --------------------


def previous_records(units: Sequence[Unit]) -> dict[str, Mapping[str, Any]]:
    """Last year's records the units carry (``unit["previous"]``), by folded 统一社会信用代码."""
    out: dict[str, Mapping[str, Any]] = {}
    for unit in units:
        key = uscc_key(unit.get("record"))
        if key and isinstance(unit.get("previous"), Mapping):
            out[key] = unit["previous"]
    return out


def annual_summary_workbook(
    units: Sequence[Unit],
    *,
    failed: Sequence[Mapping[str, Any]] = (),
    authority: str | None = None,
    contact: str | None = None,
    phone: str | None = None,
    sent: date | str | None = None,
) -> Workbook:
    """The 年度运行情况汇总表 of annual ``units`` (last year's records taken from ``unit["previous"]``) and
    the bundle's ``failed`` files; unknown header values print as ``____``."""
    stats = annual_statistics(units, previous_records(units))
    wb = Workbook()
    for style in _styles().values():
        wb.add_named_style(style)
    line = header_line(authority, contact, phone, sent, labels=("报送单位（盖章）", "报送日期"))
    _summary_sheet(wb.active, units, stats, line)
    _checks_sheet(wb.create_sheet(SHEET_CHECKS), units)
    _problems_sheet(wb.create_sheet(SHEET_PROBLEMS), units, failed)
    _charts_sheet(wb.create_sheet(SHEET_CHARTS), stats)
    _evaluation_sheet(wb.create_sheet(SHEET_EVALUATION), units, stats)
    wb.properties.title = TITLE
    wb.properties.creator = "itbforms"
    return wb


def annual_summary_xlsx(units: Sequence[Unit], **options: Any) -> bytes:
    """``annual_summary_workbook`` saved as ``.xlsx`` bytes."""
    buffer = io.BytesIO()
    annual_summary_workbook(units, **options).save(buffer)
    return buffer.getvalue()
