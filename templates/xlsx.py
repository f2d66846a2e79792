"""The annex 2 workbook (openpyxl), built from the form definition and a typed record.

Sheets, in the order of ``docs/spec/annex2.md``:

- ``基本信息``  表头 (填报年度 … 填报日期)
- ``能力建设``  一、能力建设情况: metric table ``指标 | 单位 | 上年末 | 本年末``, then ``项目 | 本年度``
- ``服务运营``  二、服务运营情况 (all but the case table)
- ``年度计划``  三、本年度工作目标和计划, then 四、变更与重大事项 and 签章 below it (each under a title row)
- ``典型案例``  二、服务运营情况 — 典型服务案例 (title row ``典型服务案例``): one row per case

Every field sits in a row whose column A is exactly ``Field.label`` and whose value is in column B (in
``能力建设`` metric rows: unit in B, 上年末 in C, 本年末 in D; single values in B, merged across B:D).
Row 1 is the title, row 2 the column header, both frozen and repeated on every printed page; each sheet
prints landscape with row heights set from its wrapped text (``templates.cells``).

Cells are typed: counts and years are integers, money (万元) and areas are numbers (``#,##0.00`` /
General), a percentage is the number 0–100 in a ``0.00`` format (not Excel's ``%`` format, so 78.45 reads
the same in the sheet, the record and the Word form), dates are dates (``2026年3月10日``). Text a person
wrote is always stored as text (``@`` format, quote prefix where it starts with ``= + - @``): ``=SUM(A1)``
in a value never becomes a formula. 是/否 and single choices have drop-down lists, numbers and dates
validations with Chinese error messages. A multi-choice field is one cell of the chosen options joined
by ``、`` (``装备、仪器仪表、其他（智能传感器）``) with an input message listing every option: Excel has no
multi-select drop-down, and one cell keeps the field on one labelled row for the parser.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from forms.errors import FormsError
from forms.model import OTHER_OPTION, Field, FieldType, FormDef
from forms.records import resolve_form
from forms.vocabulary import YEAR_MAX, YEAR_MIN
from templates.cells import fit_row_heights, print_landscape, write_text

#: (sheet title, [(section key, field keys or None for all but tables)]) for annex 2.
SHEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("基本信息", ("header",)),
    ("能力建设", ("capacity",)),
    ("服务运营", ("operations",)),
    ("年度计划", ("plan", "changes", "signoff")),
    ("典型案例", ("operations.cases",)),
)
MULTI_SEP = "、"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
NUMBER_FORMATS: dict[FieldType, str] = {
    FieldType.INT: "0",
    FieldType.YEAR: "0",
    FieldType.WAN: "#,##0.00",
    FieldType.PCT: "0.00",
    FieldType.M2: "General",
    FieldType.DATE: DATE_FORMAT,
}
#: Blank rows a case table gets when the record has none.
BLANK_ROWS = 3

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_LABEL_FILL = PatternFill("solid", fgColor="E7E6E6")
_FONT = Font(name="宋体", size=10.5)
_BOLD = Font(name="宋体", size=10.5, bold=True)
_TITLE = Font(name="黑体", size=14)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


def build_workbook(form: FormDef | str, record: Mapping[str, Any]) -> bytes:
    """The annual report as an ``.xlsx`` file's bytes (annex2 only)."""
    fd = resolve_form(form)
    if fd.id != "annex2":
        raise FormsError(f"{fd.short_title}（{fd.id}）没有 Excel 版本")
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = fd.title
    wb.properties.subject = fd.short_title
    wb.properties.keywords = fd.id
    wb.properties.creator = "itbforms"
    for title, parts in SHEETS:
        ws = wb.create_sheet(title)
        builder = _SheetBuilder(ws)
        if parts == ("operations.cases",):
            table = fd.field("operations.cases")
            builder.table(table.label, table, record)
            builder.finish()
            continue
        for i, key in enumerate(parts):
            section = fd.section(key)
            values = record.get(key) or {}
            heading = fd.title if key == "header" else section.title
            if i == 0:
                builder.title(heading, 4 if key == "capacity" else 2)
            else:
                builder.subtitle(heading)
            if key == "capacity":
                builder.metrics([f for f in section.fields if f.type is FieldType.METRIC], values)
                rest = [f for f in section.fields if f.type is not FieldType.METRIC]
                builder.header(("项目", "本年度"), merge_value=True)
                builder.fields(rest, values, merge_value=True)
            else:
                if i == 0:
                    builder.header(("项目", "内容"))
                builder.fields([f for f in section.fields if f.type is not FieldType.TABLE], values)
        builder.finish()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class _SheetBuilder:
    ws: Worksheet
    row: int = 1
    width: int = 2  # columns used
    validations: dict[tuple[Any, ...], DataValidation] = field(default_factory=dict)

    def title(self, text: str, width: int) -> None:
        self.width = width
        cell = self.ws.cell(1, 1, text)
        cell.font = _TITLE
        cell.alignment = Alignment(horizontal="center", vertical="center")
        self.ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        self.ws.row_dimensions[1].height = 30
        self.row = 2
        self.ws.freeze_panes = "A3"
        self.ws.print_title_rows = "1:2"

    def subtitle(self, text: str) -> None:
        self.row += 1  # a blank row between parts
        cell = self.ws.cell(self.row, 1, text)
        cell.font = Font(name="黑体", size=12)
        self.row += 1

    def header(self, labels: Sequence[str], *, merge_value: bool = False) -> None:
        for col, text in enumerate(labels, start=1):
            self._label(self.ws.cell(self.row, col, text), bold=True, center=True)
        if merge_value and self.width > len(labels):
            self._merge_value(self.row, len(labels))
        self.row += 1

    def metrics(self, metrics: Sequence[Field], values: Mapping[str, Any]) -> None:
        """``指标 | 单位 | 上年末 | 本年末``."""
        self.header(("指标", "单位", "上年末", "本年末"))
        for f in metrics:
            self._label(self.ws.cell(self.row, 1, f.label))
            self._label(self.ws.cell(self.row, 2, f.unit or ""), center=True)
            found = values.get(f.key)
            pair: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            item = Field(f.key, f.label, f.item_type or FieldType.INT)
            for col, half in ((3, "previous"), (4, "current")):
                self._value(self.ws.cell(self.row, col), item, pair.get(half), None)
            self.row += 1
        self.row += 1

    def fields(
        self, fields: Sequence[Field], values: Mapping[str, Any], *, merge_value: bool = False
    ) -> None:
        """One labelled row a field: label in A, value in B (merged to the last column when asked)."""
        for f in fields:
            self._label(self.ws.cell(self.row, 1, f.label))
            other = values.get(f.other_key) if f.other_key else None
            self._value(self.ws.cell(self.row, 2), f, values.get(f.key), other)
            if merge_value:
                self._merge_value(self.row, 2)
            self.row += 1

    def table(self, title: str, table: Field, record: Mapping[str, Any]) -> None:
        """A repeating table: column labels in row 2, one row per record row (blank rows when none)."""
        self.title(title, len(table.columns))
        self.header([c.label for c in table.columns])
        rows = (record.get("operations") or {}).get(table.key) or []
        for row in rows or [{}] * BLANK_ROWS:
            for col, column in enumerate(table.columns, start=1):
                self._value(self.ws.cell(self.row, col), column, row.get(column.key), None)
            self.row += 1
        for col, column in enumerate(table.columns, start=1):
            width = 44 if column.type is FieldType.PROSE else 26
            self.ws.column_dimensions[get_column_letter(col)].width = width

    def finish(self) -> None:
        ws = self.ws
        if ws.title != "典型案例":
            widths = [48, 12, 30, 30] if self.width == 4 else [44, 92]
            for col, width in enumerate(widths, start=1):
                ws.column_dimensions[get_column_letter(col)].width = width
        fit_row_heights(ws, 2, ws.max_row)
        print_landscape(ws, columns=self.width, font_pt=_FONT.size)

    # --- cells ------------------------------------------------------------------------------------------

    def _label(self, cell: Cell, *, bold: bool = False, center: bool = False) -> None:
        cell.font = _BOLD if bold else _FONT
        cell.fill = _LABEL_FILL
        cell.border = _BORDER
        cell.alignment = _CENTER if center else _WRAP

    def _merge_value(self, row: int, start: int) -> None:
        for col in range(start, self.width + 1):
            self.ws.cell(row, col).border = _BORDER
        self.ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=self.width)

    def _value(self, cell: Cell, f: Field, value: Any, other: str | None) -> None:
        """Write a typed value (or leave the cell blank) with its format and validation."""
        cell.font = _FONT
        cell.border = _BORDER
        cell.alignment = _WRAP
        t = f.type
        number_format = NUMBER_FORMATS.get(t)
        if t is FieldType.BOOL:
            _text(cell, None if value is None else ("是" if value else "否"))
            self._list(cell, ("是", "否"), f.label)
        elif t is FieldType.CHOICE:
            _text(cell, _with_other(str(value), other) if value is not None else None)
            self._list(cell, f.options, f.label)
        elif t is FieldType.MULTI:
            chosen = [_with_other(str(v), other) for v in value or ()]
            _text(cell, MULTI_SEP.join(chosen) if chosen else None)
            self._prompt(cell, f)
        elif t is FieldType.DATE and isinstance(value, date):
            cell.value = value if not isinstance(value, datetime) else value.date()
            cell.number_format = DATE_FORMAT
        elif number_format and isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            cell.value = value
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right", vertical="center")
        else:
            _text(cell, None if value is None else str(value))
        if number_format:
            if cell.value is None:  # a blank cell takes the format of what belongs there
                cell.number_format = number_format
            self._number_rule(cell, f)

    def _list(self, cell: Cell, options: Sequence[str], label: str) -> None:
        formula = '"' + ",".join(options) + '"'
        if len(formula) > 255 or any("," in o or '"' in o for o in options):  # Excel's limit for a literal
            return
        dv = DataValidation(type="list", formula1=formula, allow_blank=True)
        dv.error = f"{label}：请从下拉列表中选择（{'、'.join(options)}）"
        dv.errorTitle = "无效的选项"
        dv.prompt = f"可选：{'、'.join(options)}"
        dv.promptTitle = label[:32]
        dv.showErrorMessage = dv.showInputMessage = True
        self._add(dv, cell)

    def _prompt(self, cell: Cell, f: Field) -> None:
        tail = f"；选“{OTHER_OPTION}”请注明，如 {OTHER_OPTION}（……）" if OTHER_OPTION in f.options else ""
        dv = DataValidation(allow_blank=True)
        dv.prompt = f"可多选，用“{MULTI_SEP}”分隔：{MULTI_SEP.join(f.options)}{tail}"[:255]
        dv.promptTitle = f.label[:32]
        dv.showInputMessage = True
        self._add(dv, cell)

    def _number_rule(self, cell: Cell, f: Field) -> None:
        rules: dict[FieldType, tuple[str, str | None, str | None, str]] = {
            FieldType.INT: ("whole", "0", None, "非负整数"),
            FieldType.YEAR: ("whole", str(YEAR_MIN), str(YEAR_MAX), f"{YEAR_MIN}–{YEAR_MAX} 之间的年份"),
            FieldType.WAN: ("decimal", "0", None, "非负金额（万元）"),
            FieldType.M2: ("decimal", "0", None, "非负面积（平方米）"),
            FieldType.PCT: ("decimal", "0", "100", "0–100 之间的百分数（不带 % 号）"),
            FieldType.DATE: (
                "date",
                f"DATE({YEAR_MIN},1,1)",
                f"DATE({YEAR_MAX},12,31)",
                "日期，如 2026-03-10",
            ),
        }
        if f.type not in rules:
            return
        kind, low, high, what = rules[f.type]
        operator = "between" if high is not None else "greaterThanOrEqual"
        dv = DataValidation(type=kind, operator=operator, formula1=low, formula2=high, allow_blank=True)
        dv.error = f"{f.label}：应为{what}"
        dv.errorTitle = "无效的值"
        dv.showErrorMessage = True
        self._add(dv, cell)

    def _add(self, dv: DataValidation, cell: Cell) -> None:
        """Add ``cell`` to an equal validation of this sheet, or add ``dv`` (one rule, many cells)."""
        key = (dv.type, dv.operator, dv.formula1, dv.formula2, dv.error, dv.prompt)
        shared = self.validations.get(key)
        if shared is None:
            self.ws.add_data_validation(dv)
            shared = self.validations[key] = dv
        shared.add(cell)


def _with_other(option: str, other: str | None) -> str:
    return f"{option}（{other}）" if option == OTHER_OPTION and other else option


def _text(cell: Cell, text: str | None) -> None:
    """User text, always stored as a string (never a formula), in the ``@`` (text) number format."""
    cell.number_format = "@"
    if text is not None:
        write_text(cell, text)
