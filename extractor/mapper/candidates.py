"""The candidates stage of the mapper: every value an intermediate document holds for a field, by label.

Nothing here knows a file format or a position on a template. Every table row and paragraph is read the
way a person reads a form:

- a heading (``一、申报单位基本情况``) scopes the labels that follow to its section (the same label may
  name fields of two sections);
- a label cell's value is in the cells to its right up to the next label (merged cells counted once; 2-
  or 4-column key/value tables; checkbox lists spread over cells, over several rows when the label cell
  spans them), or, when nothing stands to its right, in the cell below it;
- ``label：value`` text — a cover line ``平 台 名 称：____`` or a cell holding both — splits at the colon;
- a repeating table is recognised by its header row (columns in any order, ``序号`` and other extra
  columns ignored, blank and total rows skipped, added rows kept) and read until a row starts with a label;
- annex2's capacity table by its ``上年末``/``本年末`` columns.

Printed lines (positions known) may have lost their columns and wrapped onto the line above or below;
a table row a page break split is joined when only the joined text makes its label.

Each value found becomes a ``Candidate`` for its field; the resolution stage
(``extractor.mapper.resolution``) decides what each field's candidates amount to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from extractor.model import Cell, Paragraph, SourceDoc, Table, checkbox_states
from extractor.text import join_wrapped
from forms.labels import METRIC_HEADERS, LabelIndex, LabelMatch, TableMatch, fold_label, metric_columns
from forms.model import FieldType, FormDef
from forms.problems import Problem, Severity
from forms.vocabulary import is_empty

#: The label of a signature block's date, as folded (``日 期：``).
BLOCK_DATE = "日期"
#: A signer's value ending with its block's date on a line of its own (``同意推荐。\n日期：2025年3月1日``).
_TAIL_DATE = re.compile(
    r"\n[ \t\u3000]*(?:日\s*期\s*[:：]?\s*)?"
    r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2})\s*$"
)

#: Text longer than this is never a label (and is not folded to find out).
MAX_LABEL_CHARS = 120
#: First cells of rows that close a repeating table's data (a totals row is not a row of data).
TOTAL_ROWS = frozenset({"合计", "小计", "总计", "总计合计", "以下空白", "以下无内容"})

_COLON = re.compile(r"[:：]")
_GAP = re.compile(r"\s{2,}|\t|\u3000+")
_FILL = re.compile(r"[_＿]+")
#: A space before a short ``word：`` on a printed line (where the next pair may begin).
_NEXT_PAIR = re.compile(r"\s+(?=[^\s:：]{2,20}[:：])")
#: Places left for a seal, a signature or a date — a signer's line ``推荐单位（盖章）``, ``（盖章）``,
#: ``(签字)``, ``签字：`` with nothing after it on its line, ``年  月  日`` with blanks — are labels printed
#: on the form, never part of a value.
_SIGN = r"(?:盖\s*章|签\s*字|签\s*章|签\s*名|公\s*章)"
_SIGNER = r"[^\n，。、；！？,.;!?]{0,12}?(?:单位|代表人|负责人|机构|部门)"
_BLANK = r"[ \t\u3000]*"
_PLACEHOLDER = re.compile(
    rf"^{_BLANK}{_SIGNER}{_BLANK}(?:[（(]\s*{_SIGN}\s*[)）]|{_SIGN}\s*[:：]){_BLANK}$"  # 推荐单位（盖章）
    rf"|[（(]\s*{_SIGN}\s*[)）]"  # （签字）
    rf"|{_SIGN}\s*[:：]{_BLANK}(?=\n|$)"  # 签字：
    rf"|^{_BLANK}日\s*期\s*[:：]{_BLANK}$"  # 日期：
    rf"|(?<![\d〇一二三四五六七八九十]){_BLANK}年[ \t\u3000]+月[ \t\u3000]+日",  # 年  月  日
    re.MULTILINE,
)


@dataclass(frozen=True)
class Where:
    """Where a value was read: the file, the page (or sheet number), the table and the cell."""

    file: str
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    sheet: str | None = None
    paragraph: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "page": self.page,
            "table": self.table,
            "row": self.row,
            "col": self.col,
        }
        if self.sheet is not None:
            out["sheet"] = self.sheet
        if self.paragraph is not None:
            out["paragraph"] = self.paragraph
        return out


@dataclass(frozen=True)
class Candidate:
    """One value read for a field: as found (text, or a spreadsheet's typed value), where, and whether a
    spreadsheet showed it as a percentage."""

    raw: Any
    where: Where
    percent: bool = False


@dataclass
class _Pending:
    """A label paragraph waiting for its value in the paragraphs that follow."""

    match: LabelMatch
    where: Where
    lines: list[str] = field(default_factory=list)


@dataclass
class _Repeat:
    """A repeating table being read: grid column → column key."""

    match: TableMatch
    columns: dict[int, str]
    where: Where


@dataclass
class _Metric:
    """The capacity table being read: grid column → ``previous``/``current``."""

    halves: dict[int, str]


@dataclass
class Candidates:
    """What the candidates stage found, for the resolution stage: each value read per field path (and
    per row of a repeating table), where each table was, the fields whose labels were seen, the
    problems met while reading (ambiguous labels), and the text no reader sees at each place that has some
    (``Cell.unseen``, ``Paragraph.unseen``), for the resolution stage to report on the field read there."""

    form: FormDef
    values: dict[str, list[Candidate]]
    rows: dict[str, list[dict[str, Candidate]]]
    table_where: dict[str, Where]
    seen: set[str]
    problems: list[Problem]
    unseen: dict[Where, str] = field(default_factory=dict)


_AMBIGUOUS = object()


class _Collector:
    def __init__(self, doc: SourceDoc, form: FormDef) -> None:
        self.doc = doc
        self.form = form
        self.index = LabelIndex.of(form)
        self.section: str | None = None
        self.values: dict[str, list[Candidate]] = {}
        self.rows: dict[str, list[dict[str, Candidate]]] = {}
        self.table_where: dict[str, Where] = {}
        self.seen: set[str] = set()
        self.problems: list[Problem] = []
        self.pending: _Pending | None = None
        self.orphans: list[Paragraph] = []
        self._labels: dict[tuple[str, str | None, tuple[str, ...]], object | None] = {}
        self._headings: dict[str, str | None] = {}
        self._folds: dict[str, str] = {}
        self.column_keys = _column_keys(form)
        self.label_keys = self.index.keys()
        self.title_keys = _title_keys(form)
        self.last_line: tuple[LabelMatch, Paragraph, str] | None = None
        #: the date field of the signature block being read (a signer's label was just seen)
        self.block: LabelMatch | None = None
        self.fixed_text = {
            fold_label(t) for t in (form.title, form.short_title, form.issuer, *form.instructions)
        }

    # --- blocks ----------------------------------------------------------------------------------------

    def run(self) -> None:
        for block in self.doc.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block)
            else:
                self.flush()
                self.table(block)
        self.flush()

    def paragraph(self, p: Paragraph) -> None:
        text = p.text.strip()
        if not text:
            return
        section = self._heading(text)
        if section is not None:
            self.flush()
            self.section, self.block = section, None
            return
        if p.printed:
            self._printed_line(p, text)
            return
        where = Where(self.doc.file, page=p.page, paragraph=p.index)
        pairs = self._pairs(text, loose=False)
        if pairs:
            self.flush()
            for match, value in pairs:
                if not isinstance(match, LabelMatch):
                    continue
                if value:
                    self.add(match, value, where)
                else:
                    self.seen.add(match.path)
                    self.pending = _Pending(match, where)
            return
        match = self._label(text, [])
        if isinstance(match, LabelMatch):
            self.flush()
            self.seen.add(match.path)
            if match.field.type not in (FieldType.TABLE, FieldType.METRIC):
                self.pending = _Pending(match, where)
            return
        if self.pending is not None:
            self.pending.lines.append(text)

    def flush(self) -> None:
        """Give a pending label the paragraphs collected under it (or a PDF line its wrapped pieces)."""
        self._settle(None)
        pending, self.pending = self.pending, None
        if pending is None or not pending.lines:
            return
        self.add(pending.match, "\n".join(pending.lines), pending.where)

    # --- printed lines (PDF) -------------------------------------------------------------------------------

    def _printed_line(self, p: Paragraph, text: str) -> None:
        """A line printed outside any table: ``label value`` / ``label：value``, or a piece of a value
        wrapped onto the line above or below its label's line (a cover printed from a borderless table)."""
        pairs = [(m, v) for m, v in self._pairs(text, loose=True) if isinstance(m, LabelMatch)]
        if not pairs:
            match = self._label(text, [])
            if isinstance(match, LabelMatch):
                pairs = [(match, "")]
        if not pairs:
            folded = fold_label(text)
            if folded and not self._fixed(folded):
                self.orphans.append(p)
            return
        heads = self._settle(p)
        where = Where(self.doc.file, page=p.page, paragraph=p.index)
        for n, (match, value) in enumerate(pairs):
            if n == 0 and heads and match.field.type in (FieldType.TEXT, FieldType.PROSE):
                value = join_wrapped([*(h.text.strip() for h in heads), value])
            if match.field.type in (FieldType.TABLE, FieldType.METRIC):
                self.seen.add(match.path)
                continue
            self.add(match, value, where)
            self.last_line = (match, p, value)

    def _fixed(self, folded: str) -> bool:
        """A printed line of the form's own text (its title, maybe over two lines; the issuer; 填写说明)."""
        return any(
            folded == fixed or (len(folded) >= 4 and (fixed.startswith(folded) or fixed.endswith(folded)))
            for fixed in self.fixed_text
        )

    def _settle(self, following: Paragraph | None) -> list[Paragraph]:
        """Hand the loose lines since the last label line to it (lines just below it: its value wrapped on)
        and return those that belong to ``following`` (lines just above it)."""
        orphans, self.orphans = self.orphans, []
        last, self.last_line = self.last_line, None
        tails: list[Paragraph] = []
        if last is not None:
            above = last[1]
            for line in orphans:
                if not _adjacent(above, line):
                    break
                tails.append(line)
                above = line
        heads: list[Paragraph] = []
        if following is not None:
            below = following
            for line in reversed(orphans[len(tails) :]):
                if not _adjacent(line, below):
                    break
                heads.insert(0, line)
                below = line
            if not heads and tails and last is not None and _adjacent(tails[-1], following):
                # a line between two labels' lines, touching both: the nearer one takes it
                before = tails[-2] if len(tails) > 1 else last[1]
                if _gap(tails[-1], following) < _gap(before, tails[-1]):
                    heads = [tails.pop()]
        if last is not None and tails and last[0].field.type in (FieldType.TEXT, FieldType.PROSE):
            match, line, value = last
            joined = join_wrapped([value, *(t.text.strip() for t in tails)])
            if value:
                self._replace_last(match.path, joined)
            else:
                self.add(match, joined, Where(self.doc.file, page=line.page, paragraph=line.index))
        return heads

    def _replace_last(self, path: str, raw: str) -> None:
        """Put the whole text of a value wrapped over several lines in place of its first line."""
        cands = self.values.get(path)
        if cands:
            last = cands[-1]
            cands[-1] = Candidate(raw, last.where, last.percent)

    # --- tables ----------------------------------------------------------------------------------------

    def table(self, t: Table) -> None:
        if t.name:
            section = self.index.section_for_heading(t.name)
            if section is not None:
                self.section, self.block = section, None
        t = self._unsplit(t)
        consumed: set[int] = set()
        mode: _Repeat | _Metric | None = None
        for r, row in enumerate(t.rows):
            cells = [c for c in row if id(c) not in consumed]
            filled = [c for c in cells if c.text.strip()]
            if not filled:
                continue
            if len({c.text.strip() for c in filled}) == 1:
                section = self._heading(filled[0].text)
                if section is not None:
                    self.section, self.block = section, None
                    mode = None
                    continue
            if len(filled) >= 2:
                header = self._header(t, row)
                if header is not None:
                    mode = header
                    continue
            if isinstance(mode, _Repeat):
                if not self._closes_table(filled[0]):
                    self._data_row(mode, t, row)
                    continue
                mode = None
            if isinstance(mode, _Metric) and self._metric_row(mode, t, row):
                continue
            self._kv_row(t, r, cells, consumed)

    def _unsplit(self, t: Table) -> Table:
        """Join a row that a page break split in two, when only the joined text makes its label (rows
        whose cells know no page, as in a Word table, are never split).

        The PDF reader joins a split row whose continuation has an empty first cell; a row whose label
        itself was cut (``…服务范围`` | ``变更``) can only be recognised knowing the labels, so here.
        """
        rows = list(t.rows)
        out: list[tuple[Cell, ...]] = []
        i = 0
        while i < len(rows):
            row = rows[i]
            if i + 1 < len(rows) and row and rows[i + 1] and row[0].page != rows[i + 1][0].page:
                merged = _merge_rows(row, rows[i + 1])
                first = next((c.text for c in row if c.text.strip()), "")
                if (
                    merged is not None
                    and first
                    and self._label(first, []) is None
                    and self._label(merged[0].text, []) is not None
                ):
                    out.append(merged)
                    i += 2
                    continue
            out.append(row)
            i += 1
        if len(out) == len(rows):
            return t
        renumbered = tuple(tuple(replace(c, row=r) for c in row) for r, row in enumerate(out))
        return replace(t, rows=renumbered)

    def _fold(self, text: str) -> str:
        """``fold_label``, remembered for this document (a label is looked at several times)."""
        folded = self._folds.get(text)
        if folded is None:
            folded = self._folds[text] = fold_label(text)
        return folded

    def _header(self, t: Table, row: tuple[Cell, ...]) -> _Repeat | _Metric | None:
        headers = [c.text for c in row]
        folded = {self._fold(h) for h in headers if h.strip()}
        if len(folded & self.column_keys) < 2:
            return None  # no table's header row (a column or metric header needs two known names at least)
        halves = metric_columns(headers)
        if set(halves.values()) == {"previous", "current"}:
            return _Metric({col: half for i, half in halves.items() for col in _span(row[i])})
        match = self.index.table_for_headers(headers, section=self.section)
        if match is None and self.section is not None:
            match = self.index.table_for_headers(headers)
        if match is None:
            return None
        columns = {col: key for i, key in match.columns.items() for col in _span(row[i])}
        where = self._where(t, row[0])
        self.seen.add(match.path)
        self.rows.setdefault(match.path, [])
        self.table_where.setdefault(match.path, where)
        return _Repeat(match, columns, where)

    def _closes_table(self, first: Cell) -> bool:
        text = first.text.strip()
        if self._fold(text) in TOTAL_ROWS:
            return True
        return self._heading(text) is not None or self._label(text, []) is not None

    def _data_row(self, mode: _Repeat, t: Table, row: tuple[Cell, ...]) -> None:
        values: dict[str, Candidate] = {}
        for cell in row:
            key = mode.columns.get(cell.col)
            if key is None:
                continue
            if key in values:  # two cells under one header: one value written across them
                prev = values[key]
                values[key] = Candidate(f"{text_of(prev.raw)} {cell.text}".strip(), prev.where, prev.percent)
            else:
                values[key] = Candidate(_unplaceholder(cell.raw), self._where(t, cell), cell.percent)
        if all(is_empty(c.raw) for c in values.values()):
            return
        first = next((c.text.strip() for c in row if c.text.strip()), "")
        if self._fold(first) in TOTAL_ROWS:
            return
        self.rows[mode.match.path].append(values)

    def _metric_row(self, mode: _Metric, t: Table, row: tuple[Cell, ...]) -> bool:
        label_cell = next((c for c in row if c.text.strip() and c.col not in mode.halves), None)
        if label_cell is None:
            return False
        match = self._label(label_cell.text, [])
        if not isinstance(match, LabelMatch) or match.field.type is not FieldType.METRIC:
            return False
        self.seen.add(match.path)
        for cell in row:
            half = mode.halves.get(cell.col)
            if half is not None and not is_empty(cell.raw):
                path = f"{match.path}.{half}"
                self.values.setdefault(path, []).append(
                    Candidate(cell.raw, self._where(t, cell), cell.percent)
                )
        return True

    def _kv_row(self, t: Table, r: int, cells: list[Cell], consumed: set[int]) -> None:
        context: list[str] = []
        kinds: list[object | None] = []
        for cell in cells:
            match = self._label(cell.text, context) if cell.text.strip() else None
            kinds.append(match)
            if match is not None:
                context.append(cell.text)
        for i, (cell, match) in enumerate(zip(cells, kinds, strict=True)):
            if id(cell) in consumed:
                continue
            if match is None:
                self._cell_pairs(t, cell)
                continue
            consumed.add(id(cell))
            if not isinstance(match, LabelMatch):
                continue  # an ambiguous label: reported, read no value
            self.seen.add(match.path)
            if match.field.type in (FieldType.TABLE, FieldType.METRIC):
                continue  # the title row of a table; its header row follows
            right: list[Cell] = []
            for other, kind in zip(cells[i + 1 :], kinds[i + 1 :], strict=True):
                if kind is not None:
                    break
                if id(other) not in consumed:
                    right.append(other)
            right += self._spanned_rows(t, r, cell, consumed)
            values = [c for c in right if c.text.strip()]
            if not right or (not values and not t.drawn):
                values = self._below(t, r, cell, consumed)
            for c in right:
                consumed.add(id(c))
            if not values:
                continue
            for c in values:
                consumed.add(id(c))
            if len(values) == 1:
                self.add(match, values[0].raw, self._where(t, values[0]), percent=values[0].percent)
            else:
                joined = " ".join(c.text.strip() for c in values)
                self.add(match, joined, self._where(t, values[0]))

    def _spanned_rows(self, t: Table, r: int, label: Cell, consumed: set[int]) -> list[Cell]:
        """Cells right of a label that spans several rows, in those rows (an option list over rows)."""
        out: list[Cell] = []
        for rr in range(r + 1, min(r + label.rowspan, len(t.rows))):
            for cell in t.rows[rr]:
                if cell.col <= label.last_col or id(cell) in consumed:
                    continue
                if cell.text.strip() and self._label(cell.text, []) is not None:
                    break
                out.append(cell)
        return out

    def _below(self, t: Table, r: int, label: Cell, consumed: set[int]) -> list[Cell]:
        """The value written under a label: the next row's cells within the label's columns."""
        below = r + label.rowspan
        if below >= len(t.rows):
            return []
        cells = [
            c
            for c in t.rows[below]
            if id(c) not in consumed
            and c.col <= label.last_col
            and c.last_col >= label.col
            and c.text.strip()
        ]
        if not cells or any(self._label(c.text, []) is not None or self._heading(c.text) for c in cells):
            return []
        if len(cells) >= 2 and self._header(t, t.rows[below]) is not None:
            return []
        return cells

    def _cell_pairs(self, t: Table, cell: Cell) -> None:
        """A cell holding ``label：value`` (custom layouts put both in one cell)."""
        text = cell.text.strip()
        if not _COLON.search(text):
            return
        for match, value in self._pairs(text, loose=False):
            if isinstance(match, LabelMatch):
                if value:
                    self.add(match, value, self._where(t, cell))
                else:
                    self.seen.add(match.path)

    # --- labels ----------------------------------------------------------------------------------------

    def _heading(self, text: str) -> str | None:
        text = text.strip()
        if not text or len(text) > MAX_LABEL_CHARS:
            return None
        if text not in self._headings:
            folded = self._fold(text)
            maybe = any(folded.endswith(title) for title in self.title_keys)
            self._headings[text] = self.index.section_for_heading(text) if maybe else None
        return self._headings[text]

    def _label(self, text: str, context: list[str]) -> object | None:
        """The field a text is the label of (``_AMBIGUOUS`` when several remain), or None.

        ``context`` holds the labels before it in the same row, nearest last: with two ``职务`` the one
        that follows ``法定代表人`` is the legal representative's.
        """
        text = text.strip()
        if not text or len(text) > MAX_LABEL_CHARS:
            return None
        signed = self.index.block_date(text)
        if signed is not None:
            self.block = signed
        folded = self._fold(text)
        found = None
        if folded in self.label_keys:
            key = (text, self.section, tuple(context))
            if key not in self._labels:
                self._labels[key] = self._find_label(text, context)
            found = self._labels[key]
        if found is None and folded == BLOCK_DATE and self.block is not None:
            return self.block  # 日期 beside or under a signature: that block's date
        return found

    def _find_label(self, text: str, context: list[str]) -> object | None:
        contexts: list[str | None] = [*reversed(context), None] if context else [None]
        matches: list[LabelMatch] = []
        for ctx in contexts:
            matches = [
                m for m in self.index.lookup(text, section=self.section, context=ctx) if not m.is_column
            ]
            if len(matches) <= 1:
                break
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            self.problems.append(
                Problem(
                    "ambiguous_label",
                    Severity.WARN,
                    None,
                    text,
                    {"paths": "、".join(m.path for m in matches)},
                )
            )
            return _AMBIGUOUS
        return None

    def _pairs(self, text: str, *, loose: bool) -> list[tuple[object, str]]:
        """``label：value`` pieces of a line (several may share a line, separated by wide gaps).

        ``loose`` (PDF lines) also accepts ``label value`` without a colon, the label being the longest
        run of leading words that is a label: a cover printed from a borderless table loses its columns.
        """
        segments = [s for s in _GAP.split(text) if s.strip()]
        if loose:  # a printed line's gap may have become one space: ``签字：张三 日期：2026年1月15日``
            segments = [piece for s in segments for piece in _after_value(s)]
        pairs: list[tuple[object, str]] = []
        for segment in segments:
            parts = _COLON.split(segment, maxsplit=1)
            if len(parts) == 2:
                match = self._label(parts[0], [])
                if match is not None:
                    pairs.append((match, _clean(parts[1])))
                    continue
            if pairs:
                match, value = pairs[-1]
                pairs[-1] = (match, f"{value} {_clean(segment)}".strip())
        if pairs or not loose or _COLON.search(text):
            return pairs
        words = text.split()
        for n in range(len(words) - 1, 0, -1):
            head = "".join(words[:n])
            if len(head) > MAX_LABEL_CHARS:
                continue
            match = self._label(head, [])
            if match is not None:
                return [(match, _clean(" ".join(words[n:])))]
        return []

    # --- values ----------------------------------------------------------------------------------------

    def add(self, match: LabelMatch, raw: Any, where: Where, *, percent: bool = False) -> None:
        self.seen.add(match.path)
        signed = self.index.block_date(match.field.label)
        if self.block is not None and match.path != self.block.path and signed is None:
            self.block = None  # another field's value: the signature block is over
        if isinstance(raw, str):
            raw = _unplaceholder(raw).strip()
            tail = _TAIL_DATE.search(raw)
            if signed is not None and tail is not None:  # the signer's date under its text, same cell
                self.add(signed, tail.group(1), where)
                raw = raw[: tail.start()].strip()
        if is_empty(raw):
            return
        self.values.setdefault(match.path, []).append(Candidate(raw, where, percent))

    def _where(self, t: Table, cell: Cell) -> Where:
        return Where(
            self.doc.file,
            page=cell.page or t.page,
            table=t.index,
            row=cell.row,
            col=cell.col,
            sheet=t.name,
        )


def _title_keys(form: FormDef) -> frozenset[str]:
    """Folded section titles without their numbering: a heading's folded text ends with one of them."""
    return frozenset(k for k in (fold_label(s.title.split("、", 1)[-1]) for s in form.sections) if k)


def _column_keys(form: FormDef) -> frozenset[str]:
    """Folded column names of the form's repeating tables, and the capacity table's ``上年末``/``本年末``."""
    keys = {fold_label(h) for h in METRIC_HEADERS}
    for _, f in form.iter_fields():
        for col in f.columns:
            keys.update(fold_label(label) for label in col.labels)
    return frozenset(keys)


def _merge_rows(upper: tuple[Cell, ...], lower: tuple[Cell, ...]) -> tuple[Cell, ...] | None:
    """Two parts of one row (same columns), cell by cell; None when their columns differ."""
    by_col = {(c.col, c.colspan): c for c in upper}
    if any((c.col, c.colspan) not in by_col for c in lower):
        return None
    rest = {(c.col, c.colspan): c for c in lower}
    merged = []
    for cell in upper:
        more = rest.get((cell.col, cell.colspan))
        if more is None or not more.text.strip():
            merged.append(cell)
            continue
        text = join_wrapped([cell.text, more.text]) if cell.text.strip() else more.text
        merged.append(replace(cell, text=text, checked=checkbox_states(text)))
    return tuple(merged)


def _gap(upper: Paragraph, lower: Paragraph) -> float:
    if upper.bottom is None or lower.top is None:
        return float("inf")
    return lower.top - upper.bottom


def _adjacent(upper: Paragraph, lower: Paragraph) -> bool:
    """Two printed lines of one wrapped value: same page, the lower right under the upper."""
    if upper.page != lower.page or upper.top is None or upper.bottom is None:
        return False
    height = upper.bottom - upper.top
    return -1 <= _gap(upper, lower) <= 0.75 * height


def text_of(raw: Any) -> str:
    return raw if isinstance(raw, str) else str(raw)


def _clean(value: str) -> str:
    """A value written on a line: underscores of the blank, seal places and surrounding spaces removed."""
    return _without_places(_FILL.sub(" ", value)).strip()


def _without_places(text: str) -> str:
    """``text`` with its placeholders blanked (twice: ``日期：  年 月 日`` is a place once its date is)."""
    return _PLACEHOLDER.sub(" ", _PLACEHOLDER.sub(" ", text))


def _after_value(segment: str) -> list[str]:
    """A printed segment cut before each ``word：`` that follows its first colon (where the next pair may
    begin); the cuts before it are left alone, so a spaced label ``申 报 单 位（盖章）：`` stays whole."""
    first = _COLON.search(segment)
    if first is None:
        return [segment]
    pieces, start = [], 0
    for gap in _NEXT_PAIR.finditer(segment, first.end()):
        pieces.append(segment[start : gap.start()])
        start = gap.end()
    return [*pieces, segment[start:]]


def _unplaceholder(raw: Any) -> Any:
    """A value without the seal, signature and date places printed around it (``同意推荐。\n（盖章）``)."""
    if not isinstance(raw, str):
        return raw
    blanked = _FILL.sub(" ", raw)
    if not _PLACEHOLDER.search(blanked):
        return raw
    lines = (line.strip() for line in _without_places(blanked).split("\n"))
    return "\n".join(line for line in lines if line)


def _span(cell: Cell) -> Iterable[int]:
    return range(cell.col, cell.last_col + 1)


def _unseen(doc: SourceDoc) -> dict[Where, str]:
    """The places of ``doc`` holding text no reader sees, keyed as the collector names where it read."""
    out: dict[Where, str] = {}
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            if block.unseen:
                out[Where(doc.file, page=block.page, paragraph=block.index)] = block.unseen
            continue
        for cell in block.cells():
            if cell.unseen:
                where = Where(doc.file, cell.page or block.page, block.index, cell.row, cell.col, block.name)
                out[where] = cell.unseen
    return out


def collect(doc: SourceDoc, form: FormDef) -> Candidates:
    """The candidates stage: every value ``doc`` holds for a field of ``form``, read by label."""
    collector = _Collector(doc, form)
    collector.run()
    return Candidates(
        form,
        collector.values,
        collector.rows,
        collector.table_where,
        collector.seen,
        collector.problems,
        _unseen(doc),
    )
