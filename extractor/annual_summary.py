"""A filled 年度运行情况汇总表 read back: its ``年度评价`` sheet into the evaluators' verdicts
(``itbforms evaluation read``), and its ``汇总`` sheet into last year's records (A-CARRY's ``previous``).

The workbook is read by ``extractor.xlsx.read_xlsx`` (bounded, no entities, cached values only) and its
columns are found by their headers (``forms.annual_summary``), so an evaluator may insert or move columns.
Nothing is dropped silently: a result that is neither 合格 nor 不合格, a row whose platform is not in the
workbook's 汇总, or a bad 统一社会信用代码 is a problem naming the sheet row; the row is still returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from extractor.errors import UnsupportedFile
from extractor.model import Cell, SourceDoc, Table
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.xlsx import read_xlsx
from forms.annual_summary import (
    EVALUATION_RESULTS,
    NAME_HEADER,
    OPINION_HEADER,
    RESULT_HEADER,
    SEQ_HEADER,
    SHEET_EVALUATION,
    SHEET_SUMMARY,
    SUMMARY_FIELDS,
    TITLE,
    USCC_HEADER,
)
from forms.records import Record, load_record
from forms.uscc import fold_uscc, is_valid_uscc

#: How far down a sheet its header row may be (title and note rows come first).
HEADER_SEARCH_ROWS = 10


@dataclass
class Evaluation:
    """One platform's row of 年度评价 (``row`` is the sheet's row number, as Excel shows it)."""

    row: int
    seq: Any
    platform_name: str | None
    uscc: str | None
    opinion: str | None
    result: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "seq": self.seq,
            "platform_name": self.platform_name,
            "uscc": self.uscc,
            "opinion": self.opinion,
            "result": self.result,
        }


@dataclass
class EvaluationSheet:
    """What ``read_evaluation`` found: every row, and a problem per row that cannot be taken as it is."""

    file: str
    evaluations: list[Evaluation] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        results = [e.result for e in self.evaluations]
        return {
            "platforms": len(results),
            "合格": results.count("合格"),
            "不合格": results.count("不合格"),
            "未评价": sum(r is None for r in results),
            "problems": len(self.problems),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "counts": self.counts(),
            "evaluations": [e.to_dict() for e in self.evaluations],
            "problems": self.problems,
        }


def _sheet(doc: SourceDoc, title: str) -> Table:
    for table in doc.tables():
        if table.name == title:
            return table
    raise UnsupportedFile(
        doc.file,
        f"没有“{title}”工作表：不是本系统生成的《{TITLE}》，或工作表被改名",
        english=f"no sheet {title}",
    )


def _header_row(doc: SourceDoc, table: Table, wanted: Sequence[str]) -> tuple[int, dict[str, int]]:
    """The index of the row holding every header of ``wanted`` and each header's column (first match)."""
    for r, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for cell in row:
            columns.setdefault(_text(cell) or "", cell.col)
        if all(w in columns for w in wanted):
            return r, columns
    raise UnsupportedFile(
        doc.file,
        f"“{table.name}”工作表前 {HEADER_SEARCH_ROWS} 行中没有表头“{'”“'.join(wanted)}”",
        english="header row not found",
    )


def _text(cell: Cell | None) -> str | None:
    if cell is None:
        return None
    text = " ".join(cell.text.split())
    return text or None


def _value(cell: Cell | None) -> Any:
    if cell is None:
        return None
    if cell.value is not None:
        return cell.value
    return _text(cell)


def _cells(row: Sequence[Cell]) -> dict[int, Cell]:
    return {c.col: c for c in row}


def _known_platforms(doc: SourceDoc) -> set[str] | None:
    """The folded codes of the platforms in 汇总; None when the workbook has no 汇总 sheet."""
    try:
        table = _sheet(doc, SHEET_SUMMARY)
    except UnsupportedFile:
        return None
    start, columns = _header_row(doc, table, [USCC_HEADER])
    codes = set()
    for row in table.rows[start + 1 :]:
        text = _text(_cells(row).get(columns[USCC_HEADER]))
        if text:
            codes.add(fold_uscc(text))
    return codes


def read_evaluation(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> EvaluationSheet:
    """The 年度评价 sheet of a filled 年度运行情况汇总表 (``name`` names it in messages)."""
    doc = read_xlsx(data, name, limits)
    table = _sheet(doc, SHEET_EVALUATION)
    wanted = [SEQ_HEADER, NAME_HEADER, USCC_HEADER, OPINION_HEADER, RESULT_HEADER]
    start, columns = _header_row(doc, table, wanted)
    known = _known_platforms(doc)
    sheet = EvaluationSheet(name)
    for index in range(start + 1, len(table.rows)):
        cells = _cells(table.rows[index])
        values = {w: _value(cells.get(columns[w])) for w in wanted}
        if all(v is None for v in values.values()):
            continue
        row = index + 1  # the reader keeps sheet rows in place: rows[0] is Excel's row 1
        text = {w: (str(v).strip() or None) if v is not None else None for w, v in values.items()}
        evaluation = Evaluation(
            row,
            values[SEQ_HEADER],
            text[NAME_HEADER],
            text[USCC_HEADER],
            text[OPINION_HEADER],
            text[RESULT_HEADER],
        )
        sheet.evaluations.append(evaluation)
        where = f"{name}“{SHEET_EVALUATION}”第{row}行"
        platform = evaluation.platform_name or "（未填平台名称）"

        def problem(field_: str, message: str, row: int = row) -> None:
            sheet.problems.append({"row": row, "field": field_, "message": message})

        if evaluation.result is not None and evaluation.result not in EVALUATION_RESULTS:
            problem(
                RESULT_HEADER,
                f"{where}（{platform}）：评价结果应为“合格”或“不合格”，实际为“{evaluation.result}”",
            )
        code = evaluation.uscc
        if code is None or not is_valid_uscc(fold_uscc(code)):
            problem(
                USCC_HEADER,
                f"{where}（{platform}）：统一社会信用代码应为 18 位有效代码，实际为“{code or '（空）'}”",
            )
        elif known is not None and fold_uscc(code) not in known:
            problem(
                USCC_HEADER,
                f"{where}：平台“{platform}”（{code}）不在本表“{SHEET_SUMMARY}”工作表中，无法对应到已报送的平台",
            )
    return sheet


def is_annual_summary(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> bool:
    """Whether an .xlsx is a 年度运行情况汇总表 (it has the 汇总 and 年度评价 sheets)."""
    doc = read_xlsx(data, name, limits)
    names = {t.name for t in doc.tables()}
    return SHEET_SUMMARY in names and SHEET_EVALUATION in names


def read_summary_records(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> list[Record]:
    """The platforms of a 年度运行情况汇总表's 汇总 sheet as partial typed annex2 records (what last year's
    summary knows: the header and the key metrics), for A-CARRY against this year's reports."""
    doc = read_xlsx(data, name, limits)
    table = _sheet(doc, SHEET_SUMMARY)
    start, columns = _header_row(doc, table, [USCC_HEADER, NAME_HEADER])
    year = _report_year(table)
    # a group header (从业人员（人）) spans its 上年末 / 本年末 columns: those are named on the next row
    subs = [(_text(c), c.col) for c in table.rows[start + 1]] if start + 1 < len(table.rows) else []
    paths: dict[int, str] = {}
    for head, sub, path in SUMMARY_FIELDS:
        if sub is None and head in columns:
            paths[columns[head]] = path
        elif sub is not None and head in columns:
            group = columns[head]
            col = next((c for text, c in subs if text == sub and c >= group), None)
            if col is not None:
                paths[col] = path
    records = []
    for row in table.rows[start + 2 :]:
        cells = _cells(row)
        data_: dict[str, Any] = {"form": "annex2", "header": {"report_year": year}}
        for col, path in paths.items():
            value = _value(cells.get(col))
            if isinstance(value, datetime):
                value = value.date()
            if isinstance(value, date):
                value = value.isoformat()
            section, key, *half = path.split(".")
            target = data_.setdefault(section, {})
            if half:
                target.setdefault(key, {})[half[0]] = value
            else:
                target[key] = value
        if not data_["header"].get("uscc"):
            continue
        records.append(load_record(data_, "annex2", source=name).record)
    return records


def _report_year(table: Table) -> int | None:
    """The year in 汇总's title ``…汇总表（2025年度）``."""
    title = _text(table.rows[0][0]) if table.rows and table.rows[0] else None
    if title and "（" in title and title.endswith("年度）"):
        digits = title.rsplit("（", 1)[1].removesuffix("年度）")
        return int(digits) if digits.isdigit() else None
    return None
