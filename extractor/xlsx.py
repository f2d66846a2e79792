"""Read an ``.xlsx`` into the intermediate model with openpyxl (read-only, cached values, not formulas).

Every worksheet becomes one ``Table`` (``name`` = the sheet's title, ``page`` = its number): our own
workbook, or any layout a province invents (labels in one column and values beside or below them). Cells
keep their typed value (number, date, bool) beside their text; a ``%``-formatted cell is flagged so that
0.7845 is read as 78.45 (%); merged ranges become one cell with its span. Formulas whose value was never
calculated (a file written by a program, not saved by Excel/WPS) are reported, not read as empty silently.
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from extractor.errors import UnreadableFile
from extractor.model import Cell, SourceDoc, Table, checkbox_states
from extractor.settings import DEFAULT_LIMITS, Deadline, Limits
from forms.problems import Problem, Severity

_OPEN_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree ParseError
    zlib.error,  # a member's deflate data is corrupt
    NotImplementedError,  # a member's compression method is unknown to zipfile
)


class _Parser(WorkSheetParser):
    """openpyxl's sheet parser, noting formula cells that carry no cached value."""

    uncached: list[tuple[int, int]]

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            self.uncached.append((cell["row"], cell["column"]))
        return cell


def _number_text(value: int | float) -> str:
    """A number as a person would type it: no float noise, no trailing ``.0``."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    try:
        dec = Decimal(repr(value))
    except InvalidOperation:
        return str(value)
    return _plain(dec) if dec == dec.to_integral_value() else repr(value)


def _plain(dec: Decimal) -> str:
    """A decimal without exponent or trailing zeros (``1E+2`` → ``100``, ``78.4500`` → ``78.45``)."""
    return format(dec.normalize(), "f")


def _cell(raw: dict[str, Any], fmt: str) -> Cell | None:
    value = raw["value"]
    row, col = raw["row"] - 1, raw["column"] - 1
    if value is None:
        return Cell(text="", row=row, col=col)
    percent = False
    typed: Any = None
    if isinstance(value, datetime):
        typed = value.date() if value.time() == time(0) else value
        text = typed.isoformat()
    elif isinstance(value, date | time):
        typed = value
        text = value.isoformat()
    elif isinstance(value, bool):
        typed = value
        text = "是" if value else "否"
    elif isinstance(value, int | float):
        typed = value
        percent = "%" in fmt.replace('"%"', "").replace("\\%", "")
        text = _number_text(value)
        if percent:
            scaled = (Decimal(repr(value)) if isinstance(value, float) else Decimal(value)) * 100
            text = f"{_plain(scaled)}%"
    else:
        text = str(value)
    return Cell(text=text, row=row, col=col, checked=checkbox_states(text), value=typed, percent=percent)


def read_xlsx(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> SourceDoc:
    """Read an .xlsx workbook (bytes; ``name`` names it in messages) into a ``SourceDoc``."""
    _check_package(data, name, limits)
    problems: list[Problem] = []
    tables: list[Table] = []
    cells_seen = 0
    deadline = Deadline(limits)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read; not our concern
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except DefusedXmlException:
            raise _entities(name) from None
        except _OPEN_ERRORS as exc:
            if isinstance(exc.__cause__ or exc.__context__, DefusedXmlException):
                raise _entities(name) from None
            raise UnreadableFile(
                name, f"Excel 文件已损坏，无法打开（{type(exc).__name__}）", english="corrupt workbook"
            ) from None
        try:
            formats = _format_lookup(wb)
            for number, ws in enumerate(wb.worksheets, start=1):
                if not hasattr(ws, "_get_source"):
                    continue  # a chart sheet
                parser = _Parser(
                    ws._get_source(),
                    ws._shared_strings,
                    data_only=True,
                    epoch=wb.epoch,
                    date_formats=wb._date_formats,
                    timedelta_formats=wb._timedelta_formats,
                )
                parser.uncached = []
                by_pos: dict[tuple[int, int], Cell] = {}
                truncated = False
                try:
                    for count, (row_number, raw_row) in enumerate(parser.parse(), start=1):
                        # a row numbered 1,048,576 after row 3 would make a sheet of a million rows
                        if count > limits.max_rows or (row_number or 0) > limits.max_rows:
                            truncated = True
                            break
                        if not count % 1024 and deadline.passed():
                            raise UnreadableFile(name, deadline.reason, english="parse timeout")
                        for raw in raw_row:
                            if raw["column"] > limits.max_cols:
                                continue
                            cells_seen += 1
                            if cells_seen > limits.max_cells:
                                raise UnreadableFile(
                                    name,
                                    f"单元格超过 {limits.max_cells} 个，拒绝处理",
                                    english="too many cells",
                                )
                            cell = _cell(raw, formats(raw["style_id"]))
                            if cell is not None:
                                by_pos[(cell.row, cell.col)] = cell
                finally:
                    parser.source.close()
                if truncated:
                    problems.append(
                        Problem(
                            "rows_truncated",
                            Severity.WARN,
                            params={"sheet": ws.title, "limit": limits.max_rows},
                        )
                    )
                if parser.uncached:
                    refs = "、".join(_ref(r, c) for r, c in parser.uncached[:10])
                    problems.append(
                        Problem("formula_uncached", Severity.WARN, raw=refs, params={"sheet": ws.title})
                    )
                merges = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
                tables.append(_table(by_pos, merges, len(tables), number, ws.title, name, limits))
        except UnreadableFile:
            raise
        except DefusedXmlException:
            raise _entities(name) from None
        except _OPEN_ERRORS as exc:
            raise UnreadableFile(
                name, f"Excel 文件已损坏，无法读取（{type(exc).__name__}）", english="corrupt workbook"
            ) from None
        finally:
            wb.close()
    return SourceDoc(
        file=name, kind="xlsx", blocks=tuple(tables), problems=tuple(problems), pages=len(tables)
    )


def _entities(name: str) -> UnreadableFile:
    """openpyxl parses through defusedxml, which refuses entity declarations (billion laughs, XXE)."""
    return UnreadableFile(
        name, "Excel 文件中的 XML 含有 DOCTYPE/实体声明，拒绝处理", english="DOCTYPE not allowed"
    )


def _table(
    by_pos: dict[tuple[int, int], Cell],
    merges: list[Any],
    index: int,
    number: int,
    title: str,
    name: str,
    limits: Limits,
) -> Table:
    """The sheet's cells as a table: each merged range one cell (its top-left value) with its span.

    A merged range is cut to the cells that were read (``A1:XFD1048576`` would otherwise be 17 billion
    positions to clear) and its span to ``max_rows``/``max_cols``; ranges starting beyond the cells read
    are dropped (they hold nothing), and more merged area than ``max_cells`` refuses the workbook.
    """
    height = max((r for r, _ in by_pos), default=-1) + 1
    width = max((c for _, c in by_pos), default=-1) + 1
    work = 0
    for merge in merges:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(merge.ref)
        except (ValueError, TypeError):
            continue
        r0, c0 = min_row - 1, min_col - 1
        if r0 >= height or c0 >= width or r0 < 0 or c0 < 0:
            continue
        max_row = min(max_row, r0 + limits.max_rows)
        max_col = min(max_col, c0 + limits.max_cols)
        work += (min(max_row, height) - r0) * (min(max_col, width) - c0)
        if work > limits.max_cells:
            raise UnreadableFile(
                name,
                f"工作表“{title}”的合并单元格超过 {limits.max_cells} 个单元格，拒绝处理",
                english="too many merged cells",
            )
        origin = by_pos.get((r0, c0)) or Cell(text="", row=r0, col=c0)
        for r in range(r0, min(max_row, height)):
            for c in range(c0, min(max_col, width)):
                by_pos.pop((r, c), None)
        by_pos[(r0, c0)] = Cell(
            text=origin.text,
            row=r0,
            col=c0,
            rowspan=max_row - r0,
            colspan=max_col - c0,
            checked=origin.checked,
            value=origin.value,
            percent=origin.percent,
        )
    rows: dict[int, list[Cell]] = {}
    for (r, _), cell in sorted(by_pos.items()):
        rows.setdefault(r, []).append(cell)
    ncols = max((c.last_col + 1 for c in by_pos.values()), default=0)
    if not rows:
        return Table(rows=(), index=index, page=number, name=title, ncols=0, drawn=False)
    # keep grid row numbers (a blank sheet row stays a gap) so that "value below the label" is exact
    height = max(c.last_row for c in by_pos.values()) + 1
    grid_rows = tuple(tuple(rows.get(r, ())) for r in range(height))
    return Table(rows=grid_rows, index=index, page=number, name=title, ncols=ncols, drawn=False)


def _format_lookup(wb: Any) -> Any:
    """style id → number format string (as openpyxl's ReadOnlyCell.number_format computes it)."""
    styles = wb._cell_styles
    custom = wb._number_formats
    cache: dict[int, str] = {}

    def lookup(style_id: int) -> str:
        if style_id in cache:
            return cache[style_id]
        fmt = "General"
        try:
            fmt_id = styles[style_id].numFmtId
            if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
                fmt = BUILTIN_FORMATS.get(fmt_id, "General")
            else:
                fmt = custom[fmt_id - BUILTIN_FORMATS_MAX_SIZE]
        except (IndexError, KeyError, TypeError):
            pass
        cache[style_id] = fmt
        return fmt

    return lookup


def _ref(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _check_package(data: bytes, name: str, limits: Limits) -> None:
    """Refuse a workbook whose members would expand beyond the limit (a zip bomb) before openpyxl reads it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            encrypted = any(info.flag_bits & 0x1 for info in zf.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UnreadableFile(
            name, f"文件已损坏，无法作为压缩包打开（{exc}）", english="corrupt zip"
        ) from None
    if encrypted:
        raise UnreadableFile(name, "文件已加密，请去除密码后再上传", english="encrypted")
    if total > limits.max_unzipped_bytes:
        raise UnreadableFile(
            name,
            f"解压后超过 {limits.max_unzipped_bytes} 字节，拒绝处理",
            english="uncompressed size over the limit",
        )
