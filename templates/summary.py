"""The 推荐汇总表 workbook (``docs/spec/summary-table.md``), built from a bundle's JSON report.

Sheet 1 ``推荐汇总表``: the title, the ``推荐单位（盖章）：…`` line, a frozen header row, one row per unit
with the 条件核查 cell coloured (符合 green, 不符合 red, 待补充 amber), then the ``推荐单位（盖章）/ 日期``
line to stamp. Every sheet prints landscape on A4, or A3 where A4 would shrink text under 9 pt, with its
header row repeated, row heights set from the wrapped text and ``第 n 页 共 m 页`` in the footer
(``templates.cells``). Sheet ``核查明细``: every check result of every unit. Sheet
``解析问题``: files that could not be parsed, fields missing or unsure, Word/PDF disagreements and
duplicates.

Every text comes from uploaded documents, so every text is written as a string cell (never a formula, ASVS
1.2.10): text beginning with ``=``, ``+``, ``-``, ``@`` or a tab is typed as a string with Excel's quote
prefix, and control characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from forms import ANNEX1
from forms.checks.base import percent, show_percent
from forms.checks.report import clause
from forms.model import FormDef
from forms.vocabulary import RESULT_LABELS, VERDICT_SHORT
from templates.cells import fit_row_heights, print_landscape, write_text

TITLE = "产业技术基础公共服务平台推荐汇总表"
SHEET_SUMMARY, SHEET_CHECKS, SHEET_PROBLEMS = "推荐汇总表", "核查明细", "解析问题"
BLANK = "____"
#: Text that a spreadsheet would take for a formula (or a DDE call) when typed.

#: Excel's own "good / bad / neutral" cell styles.
VERDICT_STYLE = {
    "符合": ("C6EFCE", "006100"),
    "不符合": ("FFC7CE", "9C0006"),
    "待补充": ("FFEB9C", "9C5700"),
}
#: 级别 of a check result by its state (``forms.checks.report.result_state``): a passed row has none.
LEVEL_TEXT = {"fail": "不符合条件", "error": "数据有误", "warn": "提示", "unknown": "无法判断"}
#: The verdict colour a result's 结果 cell takes, by state.
STATE_COLOUR = {"pass": "符合", "fail": "不符合", "error": "待补充", "unknown": "待补充", "warn": "待补充"}
#: The line the authority signs and stamps, below the last unit (a seal is about 4 cm across).
STAMP_TEXT, DATE_TEXT = "推荐单位（盖章）：", "日期：\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
STAMP_HEIGHT = 96.0
#: The text size of every sheet: shrunk to fit the paper's width, it still prints at 9 pt or more.
BODY_PT = 12.0

Row = Mapping[str, Any]


def _record(unit: Row) -> dict[str, dict[str, Any]]:
    return unit.get("record") or {}


def _get(unit: Row, path: str) -> Any:
    section, key = path.split(".")
    return (_record(unit).get(section) or {}).get(key)


def _ratio(part: Any, whole: Any) -> float | None:
    """``part / whole`` in percent as every face shows it (``show_percent``: half up, 2 decimals); None
    when either is missing or the whole is 0."""
    counts = (part, whole)
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in counts) or not whole:
        return None
    return float(show_percent(percent(part, whole)))


def _scopes(unit: Row) -> str | None:
    scopes = [s for s in (_get(unit, "platform.service_scopes") or []) if isinstance(s, str)]
    other = _get(unit, "platform.service_scopes_other")
    shown = [f"其他（{other}）" if s == "其他" and other else s for s in scopes]
    return "、".join(shown) or None


def _nature(unit: Row) -> str | None:
    nature = _get(unit, "applicant.nature")
    other = _get(unit, "applicant.nature_other")
    return f"其他（{other}）" if nature == "其他" and other else nature


def _count(unit: Row, path: str) -> int:
    rows = _get(unit, path)
    return len(rows) if isinstance(rows, list) else 0


def _result(unit: Row, rule: str) -> Row | None:
    return next((r for r in unit.get("checks") or [] if r.get("rule") == rule), None)


def projects_in_window(unit: Row) -> int | None:
    """The 国家级/省部级 projects E-PROJECTS counted in its window (the check's own count, so that the
    column and the verdict agree); None when it could not decide."""
    result = _result(unit, "E-PROJECTS")
    if result is None or result.get("passed") is None:
        return None
    value = result.get("value")
    return value if isinstance(value, int) else None


def findings(unit: Row) -> list[str]:
    """The 问题说明 lines of a unit: every check that did not pass as ``条款 规则 名称：说明``, then the
    bundle's own findings (duplicate, Word/PDF disagreement)."""
    lines = [
        f"{clause(r)}：{r.get('message', '')}" for r in unit.get("checks") or [] if r.get("state") != "pass"
    ]
    return lines + list(unit.get("notes") or [])


def _contact(unit: Row) -> str | None:
    name, mobile = _get(unit, "applicant.contact_name"), _get(unit, "applicant.contact_mobile")
    if not name and not mobile:
        return None
    return f"{name or ''} / {mobile or ''}".strip()


#: The columns of sheet 1, in the spec's order: header, width, value of a unit, number format.
COLUMNS: tuple[tuple[str, float, Callable[[Row], Any], str | None], ...] = (
    ("序号", 5, lambda u: u.get("seq"), None),
    ("平台名称", 16, lambda u: _get(u, "cover.platform_name"), None),
    ("申报单位", 16, lambda u: _get(u, "applicant.name"), None),
    ("统一社会信用代码", 20, lambda u: _get(u, "applicant.uscc"), None),
    ("单位性质", 8, _nature, None),
    ("所在地区", 8, lambda u: _get(u, "applicant.region"), None),
    ("主要服务行业领域", 9, lambda u: _get(u, "platform.main_field"), None),
    ("服务范围", 12, _scopes, None),
    ("从业人员（人）", 7, lambda u: _get(u, "applicant.staff_total"), "0"),
    (
        "硕士/中级以上占比（%）",
        9,
        lambda u: _ratio(_get(u, "applicant.staff_senior"), _get(u, "applicant.staff_total")),
        "0.00",
    ),
    (
        "资质与成果人员占比（%）",
        9,
        lambda u: _ratio(_get(u, "applicant.staff_qualified"), _get(u, "applicant.staff_total")),
        "0.00",
    ),
    ("仪器设备原值（万元）", 11, lambda u: _get(u, "applicant.equipment_value"), "#,##0.00"),
    ("年服务收入（万元）", 11, lambda u: _get(u, "applicant.service_revenue"), "#,##0.00"),
    ("业务占比（%）", 8, lambda u: _get(u, "applicant.itb_share"), "0.00"),
    ("典型案例（项）", 7, lambda u: _count(u, "performance.cases"), "0"),
    ("国家级/省部级项目（项）", 8, projects_in_window, "0"),
    ("条件核查", 8, lambda u: VERDICT_SHORT.get(u.get("verdict", ""), u.get("verdict")), None),
    ("问题说明", 32, lambda u: "\n".join(findings(u)) or None, None),
    ("联系人 / 手机", 13, _contact, None),
    ("备注", 7, lambda u: None, None),
    ("盖章", 7, lambda u: u.get("seal"), None),  # last: the spec's columns keep their places
)
HEADERS = tuple(c[0] for c in COLUMNS)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _styles() -> dict[str, NamedStyle]:
    """The workbook's cell styles, registered once (a named style per cell is far cheaper in openpyxl
    than setting a border, a fill and an alignment on each of thousands of cells)."""
    body = NamedStyle(
        "汇总表正文",
        font=Font(name="宋体", size=BODY_PT),
        border=_BORDER,
        alignment=Alignment(wrap_text=True, vertical="center"),
    )
    header = NamedStyle(
        "汇总表表头",
        font=Font(name="黑体", size=BODY_PT, bold=True),
        fill=PatternFill("solid", fgColor="D9E1F2"),
        border=_BORDER,
        alignment=_CENTER,
    )
    styles = {"body": body, "header": header}
    for text, (fill, colour) in VERDICT_STYLE.items():
        styles[text] = NamedStyle(
            f"条件核查-{text}",
            font=Font(name="宋体", size=BODY_PT, color=colour, bold=True),
            fill=PatternFill("solid", fgColor=fill),
            border=_BORDER,
            alignment=_CENTER,
        )
    return styles


def put(ws: Worksheet, row: int, col: int, value: Any, style: str | None = None) -> Cell:
    """Write one value (in a named ``style``); text is always a string cell, never a formula (see the
    module docstring)."""
    cell = ws.cell(row=row, column=col)
    if style:
        cell.style = style  # first: a named style replaces the whole cell format, quote prefix included
    if isinstance(value, str):
        write_text(cell, value)
    elif isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, int | float) or value is None:
        cell.value = value
    else:
        put(ws, row, col, str(value))
    return cell


def header_line(
    recommender: str | None,
    contact: str | None,
    phone: str | None,
    filled: date | str | None,
    *,
    labels: tuple[str, str] = ("推荐单位（盖章）", "填报日期"),
) -> str:
    """``推荐单位（盖章）：…  联系人：…  联系电话：…  填报日期：…`` with ``____`` where nothing is known;
    ``labels`` renames the first and the last item (the annual summary's 报送单位 / 报送日期)."""
    when = f"{filled.year}年{filled.month}月{filled.day}日" if isinstance(filled, date) else filled
    parts = (
        (labels[0], recommender),
        ("联系人", contact),
        ("联系电话", phone),
        (labels[1], when),
    )
    return "  ".join(f"{label}：{value or BLANK}" for label, value in parts)


def _table(ws: Worksheet, first_row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
    for col, (header, width) in enumerate(zip(headers, widths, strict=True), 1):
        put(ws, first_row, col, header, "汇总表表头")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=first_row + 1, column=1)
    ws.print_title_rows = f"{first_row}:{first_row}"
    print_landscape(ws, columns=len(headers), font_pt=BODY_PT)


def _rows(
    ws: Worksheet, first_row: int, rows: Sequence[Sequence[Any]], formats: Sequence[str | None]
) -> None:
    for r, values in enumerate(rows, first_row):
        for c, value in enumerate(values, 1):
            cell = put(ws, r, c, value, "汇总表正文")
            if formats[c - 1] and isinstance(value, int | float):
                cell.number_format = formats[c - 1]
    fit_row_heights(ws, first_row - 1, first_row + len(rows) - 1)  # the header row too


def _colour(cell: Cell, text: str | None) -> None:
    if text in VERDICT_STYLE:
        cell.style = f"条件核查-{text}"  # the cell holds a verdict word: no quote prefix to keep


def _summary_sheet(ws: Worksheet, report: Row, line: str) -> None:
    ws.title = SHEET_SUMMARY
    last = get_column_letter(len(COLUMNS))
    put(ws, 1, 1, TITLE).font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    put(ws, 2, 1, line).alignment = Alignment(horizontal="left", vertical="center")
    ws["A2"].font = Font(name="宋体", size=BODY_PT)
    ws.merge_cells(f"A2:{last}2")
    ws.row_dimensions[2].height = 22
    _table(ws, 3, HEADERS, [c[1] for c in COLUMNS])
    units = report.get("units") or []
    _rows(ws, 4, [[c[2](u) for c in COLUMNS] for u in units], [c[3] for c in COLUMNS])
    verdict_col = HEADERS.index("条件核查") + 1
    for r in range(4, 4 + len(units)):
        cell = ws.cell(row=r, column=verdict_col)
        _colour(cell, cell.value)
    ws.print_area = f"A1:{last}{_stamp_line(ws, 3 + len(units) + 2)}"


def _stamp_line(ws: Worksheet, row: int) -> int:
    """``推荐单位（盖章）：`` and ``日期：　年　月　日`` below the table, room to stamp; returns the row."""
    half = len(COLUMNS) // 2
    for first, last, text in ((1, half, STAMP_TEXT), (half + 1, len(COLUMNS), DATE_TEXT)):
        put(ws, row, first, text).alignment = Alignment(horizontal="left", vertical="center")
        ws.cell(row=row, column=first).font = Font(name="宋体", size=BODY_PT)
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    ws.row_dimensions[row].height = STAMP_HEIGHT
    ws.row_dimensions[row - 1].height = STAMP_HEIGHT / 4  # the gap above it
    return row


CHECK_HEADERS = ("序号", "申报单位", "统一社会信用代码", "规则", "规则名称", "条款", "级别", "结果", "说明")


def _checks_sheet(ws: Worksheet, report: Row) -> None:
    _table(ws, 1, CHECK_HEADERS, (6, 24, 21, 12, 20, 14, 11, 12, 70))
    rows, states = [], []
    for unit in report.get("units") or []:
        for r in unit.get("checks") or []:
            state = r.get("state") or "unknown"
            states.append(state)
            rows.append(
                [
                    unit.get("seq"),
                    unit.get("name"),
                    unit.get("uscc"),
                    r.get("rule"),
                    r.get("title") or None,
                    r.get("article") or None,
                    LEVEL_TEXT.get(state),
                    RESULT_LABELS.get(state, state),
                    r.get("message"),
                ]
            )
    _rows(ws, 2, rows, [None] * len(CHECK_HEADERS))
    result_col = CHECK_HEADERS.index("结果") + 1
    for r, state in enumerate(states, 2):
        _colour(ws.cell(row=r, column=result_col), STATE_COLOUR.get(state))


def _label(path: str | None, form: FormDef = ANNEX1) -> str | None:
    if not path:
        return None
    parts = [p for p in path.split(".") if not p.isdigit()]
    try:
        return form.field(".".join(parts[:3])).label if len(parts) >= 2 else path
    except KeyError:
        return path


def problem_rows(report: Row, form: FormDef = ANNEX1) -> list[list[Any]]:
    """The rows of sheet 解析问题: 文件, 申报单位, 字段, 问题类型, 说明 (field labels from ``form``)."""
    rows: list[list[Any]] = [
        [f.get("name"), None, None, f.get("status_label") or f.get("status"), f.get("reason")]
        for f in report.get("failed") or []
    ]
    for unit in report.get("units") or []:
        name = unit.get("name")
        primary = next((f["name"] for f in unit.get("files") or [] if f.get("role") == "primary"), None)
        required = _result(unit, "V-REQ") or {}
        missing = list(required.get("fields") or []) if required.get("passed") is False else []
        for path in missing:
            rows.append(
                [primary, name, _label(path, form), "必填项缺失", f"必填项未填写：{_label(path, form)}"]
            )
        # one fault, one row: what a V- rule reports (核查明细) or V-REQ lists above is not repeated
        reported = {
            path
            for r in unit.get("checks") or []
            if str(r.get("rule", "")).startswith("V-") and r.get("state") == "error"
            for path in r.get("fields") or []
        }
        seen = set()
        for p in unit.get("problems") or []:
            key = (p.get("file"), p.get("field"), p.get("message"))
            if key in seen or p.get("field") in reported:
                continue
            seen.add(key)
            kind = "无法识别" if p.get("severity") == "error" else "需核实"
            rows.append([p.get("file"), name, _label(p.get("field"), form), kind, p.get("message")])
        for d in unit.get("differences") or []:
            values = d.get("values") or []
            files = "、".join(v.get("file", "") for v in values)
            said = "；".join(f"{v.get('file')}：{v.get('value')}" for v in values)
            rows.append([files, name, d.get("label"), "Word 与 PDF 不一致", said])
        if unit.get("duplicates"):
            files = "、".join(f.get("name", "") for f in unit.get("files") or [])
            others = "、".join(f"第{s}项" for s in unit["duplicates"])
            rows.append(
                [
                    files,
                    name,
                    "统一社会信用代码",
                    "重复申报",
                    f"统一社会信用代码 {unit.get('uscc')} 与{others}相同",
                ]
            )
    return rows


def _problems_sheet(ws: Worksheet, report: Row) -> None:
    headers = ("文件", "申报单位", "字段", "问题类型", "说明")
    _table(ws, 1, headers, (36, 24, 26, 16, 70))
    _rows(ws, 2, problem_rows(report), [None] * len(headers))


def summary_workbook(
    report: Row,
    *,
    recommender: str | None = None,
    contact: str | None = None,
    phone: str | None = None,
    filled: date | str | None = None,
) -> Workbook:
    """The 推荐汇总表 of a bundle report (``BundleReport.to_dict()``); ``recommender`` defaults to the
    report's own. Unknown header values print as ``____`` for the authority to write in."""
    wb = Workbook()
    for style in _styles().values():
        wb.add_named_style(style)
    line = header_line(recommender or report.get("recommender"), contact, phone, filled)
    _summary_sheet(wb.active, report, line)
    _checks_sheet(wb.create_sheet(SHEET_CHECKS), report)
    _problems_sheet(wb.create_sheet(SHEET_PROBLEMS), report)
    wb.properties.title = TITLE
    wb.properties.creator = "itbforms"
    return wb


def summary_xlsx(report: Row, **header: Any) -> bytes:
    """``summary_workbook`` saved as ``.xlsx`` bytes."""
    buffer = io.BytesIO()
    summary_workbook(report, **header).save(buffer)
    return buffer.getvalue()
