"""Forms laid out differently from our templates, built by code from the spec's labels (the definitions in
``forms/``) and a typed record — as a province or an applicant might re-lay them out:

- ``annex1_four_columns``: the application as Word with the cover as paragraphs (``平 台 名 称：…``),
  headings numbered another way, 4-column key/value tables, option lists spread over cells under a label
  spanning several rows, prose written below its label, values typed with units and separators, repeating
  tables with a ``序号`` column, their columns in reverse order and a blank row;
- ``annex2_two_columns``: the annual report as one Excel sheet with everything stacked in two columns
  (label | value; prose below its label; the metrics and the cases each under a header row), typed cells,
  a %-formatted share and a date as a real date.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import docx
import openpyxl
from docx.shared import Pt

from forms import ANNEX1, ANNEX2
from forms.model import OTHER_OPTION, Field, FieldType, Section

CN_NUMBERS = "一二三四五六七八九十"


def spaced(label: str) -> str:
    """``平台名称`` → ``平 台 名 称`` (a suffix in brackets kept whole)."""
    head, bracket, tail = label.partition("（")
    return " ".join(head) + (bracket + tail if bracket else "")


def written(f: Field, value: Any, *, variant: int = 0) -> str:
    """A value as a person types it into the form (units, separators, Chinese dates, box glyphs)."""
    if value is None:
        return ""
    t = f.item_type if f.type is FieldType.METRIC else f.type
    if t is FieldType.WAN:
        return f"{Decimal(value):,.2f}万元"
    if t is FieldType.INT:
        return f"{value:,}{f.unit or ''}" if variant % 2 else str(value)
    if t is FieldType.PCT:
        return f"{value}%"
    if t is FieldType.M2:
        return f"{value}平方米"
    if t is FieldType.YEAR:
        return f"{value}年"
    if t is FieldType.DATE:
        assert isinstance(value, date)
        return (
            f"{value.year}.{value.month}.{value.day}"
            if variant % 2
            else f"{value.year}年{value.month}月{value.day}日"
        )
    if t is FieldType.BOOL:
        return "■是 □否" if value else "□是 ■否"
    return str(value)


def _choice_text(f: Field, value: Any, other: str | None) -> str:
    if value == OTHER_OPTION and other:
        return f"{OTHER_OPTION}（{other}）"
    return str(value or "")


def _option_cells(f: Field, chosen: list[str], other: str | None) -> list[str]:
    out = []
    for option in f.options:
        text = f"{OTHER_OPTION}（{other}）" if option == OTHER_OPTION and other else option
        out.append(("☑" if option in chosen else "☐") + text)
    return out


# --- annex 1 as Word, four columns ------------------------------------------------------------------------


def _heading(section: Section, n: int) -> str:
    title = section.title.split("、", 1)[-1]
    return f"第{CN_NUMBERS[n]}部分  {title}"


def _groups(section: Section) -> list[list[Field]]:
    """Fields in groups that must share a row: a field whose label is shared (``职务``) stays right after
    the field it belongs to (its ``context``)."""
    labels = [f.label for f in section.fields]
    groups: list[list[Field]] = []
    for f in section.fields:
        if f.context and labels.count(f.label) > 1 and groups and groups[-1][-1].label == f.context:
            groups[-1].append(f)
        else:
            groups.append([f])
    return groups


def _set(cell: Any, text: str) -> None:
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def annex1_four_columns(record: dict[str, dict[str, Any]]) -> bytes:
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_paragraph(ANNEX1.title)
    cover = ANNEX1.section("cover")
    for f in cover.fields:
        value = written(f, record["cover"][f.key])
        document.add_paragraph(f"{spaced(f.label)}：{value or '________'}")
    for n, section in enumerate(ANNEX1.sections[1:]):
        document.add_paragraph(_heading(section, n))
        values = record[section.key]
        pending: list[Field] = []

        def flush(pending: list[Field] = pending, values: dict[str, Any] = values) -> None:
            if pending:
                _key_value_table(document, pending, values)
                pending.clear()

        for group in _groups(section):
            f = group[0]
            if f.type is FieldType.TABLE:
                flush()
                document.add_paragraph(f.label)
                _repeating_table(document, f, values[f.key])
            else:
                pending.extend(group)
        flush()
    # Word always ends a document with a paragraph (python-docx does not after a last table); without it
    # LibreOffice saves the last table to .doc as bare text, cell marks and no table properties, so that
    # no reader (Word, LibreOffice, ours) sees a table there — a file Word and WPS never write.
    document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _key_value_table(document: Any, fields: list[Field], values: dict[str, Any]) -> None:
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    row_fields: list[Field] = []
    variant = 0

    def flush_pair() -> None:
        if not row_fields:
            return
        cells = table.add_row().cells
        for i, f in enumerate(row_fields):
            _set(cells[2 * i], f.label)
            _set(cells[2 * i + 1], _value_text(f, values, variant))
        row_fields.clear()

    groups: list[list[Field]] = []
    for f in fields:
        if groups and f.context and groups[-1][-1].label == f.context and len(groups[-1]) < 2:
            groups[-1].append(f)
        else:
            groups.append([f])
    for group in groups:
        f = group[0]
        variant += 1
        if f.type is FieldType.PROSE:
            flush_pair()
            label_row = table.add_row().cells
            _set(label_row[0].merge(label_row[3]), f.label)
            value_row = table.add_row().cells
            _set(value_row[0].merge(value_row[3]), _value_text(f, values, variant))
        elif f.type is FieldType.MULTI:
            flush_pair()
            options = _option_cells(f, values[f.key], values.get(f.other_key) if f.other_key else None)
            rows = [table.add_row().cells for _ in range(-(-len(options) // 3))]
            label = rows[0][0].merge(rows[-1][0])
            _set(label, f.label)
            for i, text in enumerate(options):
                _set(rows[i // 3][1 + i % 3], text)
        elif len(group) == 2:
            flush_pair()
            row_fields.extend(group)
            flush_pair()
        else:
            row_fields.append(f)
            if len(row_fields) == 2:
                flush_pair()
    flush_pair()


def _value_text(f: Field, values: dict[str, Any], variant: int) -> str:
    if f.type is FieldType.CHOICE:
        return _choice_text(f, values[f.key], values.get(f.other_key) if f.other_key else None)
    return written(f, values[f.key], variant=variant)


def _repeating_table(document: Any, f: Field, rows: list[dict[str, Any]]) -> None:
    columns = list(reversed(f.columns))
    extra = "序号" not in [c.label for c in columns]
    table = document.add_table(rows=1, cols=len(columns) + extra)
    table.style = "Table Grid"
    header = table.rows[0].cells
    if extra:
        header[0].text = "序号"
    for i, col in enumerate(columns):
        header[i + extra].text = col.label.replace("（", "(").replace("）", ")")
    for n, row in enumerate(rows, start=1):
        cells = table.add_row().cells
        if extra:
            cells[0].text = str(n)
        for i, col in enumerate(columns):
            _set(cells[i + extra], written(col, row[col.key], variant=n))
        if n == 1:
            table.add_row()  # a blank row left in the middle


# --- annex 2 as one Excel sheet, two columns --------------------------------------------------------------


def annex2_two_columns(record: dict[str, dict[str, Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "年度运行情况"
    ws.append([ANNEX2.title])
    for section in ANNEX2.sections:
        values = record[section.key]
        if section.key != "header":
            ws.append([section.title])
        metrics = [f for f in section.fields if f.type is FieldType.METRIC]
        if metrics:
            ws.append(["指标", "上年末", "本年末"])
            for f in metrics:
                pair = values[f.key]
                ws.append([f.label, _typed(f, pair["previous"]), _typed(f, pair["current"])])
        for f in section.fields:
            value = values[f.key]
            if f.type is FieldType.METRIC:
                continue
            if f.type is FieldType.TABLE:
                ws.append([f.label])
                ws.append([c.label for c in f.columns])
                for row in value:
                    ws.append([_typed(c, row[c.key]) for c in f.columns])
            elif f.type is FieldType.PROSE:
                ws.append([f.label])
                ws.append([value])
                ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=2)
            elif f.type is FieldType.MULTI:
                other = values.get(f.other_key) if f.other_key else None
                ws.append([f.label, "、".join(_choice_text(f, v, other) for v in value)])
            elif f.type is FieldType.PCT:
                ws.append([f.label, float(value) / 100 if value is not None else None])
                ws.cell(ws.max_row, 2).number_format = "0.00%"
            elif f.type is FieldType.DATE and f.key == "signed_date":
                ws.append([f.label, written(f, value)])  # a date typed as text
            else:
                ws.append([f.label, _typed(f, value)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _typed(f: Field, value: Any) -> Any:
    """A value as a spreadsheet cell holds it: numbers as numbers, dates as dates, the rest as text."""
    if value is None:
        return None
    t = f.item_type if f.type is FieldType.METRIC else f.type
    if t in (FieldType.WAN, FieldType.M2, FieldType.PCT):
        return float(value)
    if t is FieldType.BOOL:
        return "是" if value else "否"
    if t in (FieldType.INT, FieldType.YEAR, FieldType.DATE):
        return value
    return str(value)
