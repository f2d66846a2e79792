"""Generate the Word templates from the form definitions: ``python -m templates.build``.

Writes ``templates/annex1_application/template.docx`` and ``templates/annex2_annual/template.docx`` (the
files are committed; a test checks they equal a fresh build). Every field of ``forms/`` gets its printed
label (exactly ``Field.label``: the extractor reads forms by label) and a docxtpl placeholder named after
its record path (``{{ applicant.name }}``, ``{{ capacity.staff_total.previous }}``, one
``{%tr for row in capability.leaders %}`` row per repeating table), so ``templates.render.check_template``
can verify template and definition against each other.

Layout, as ministry forms are printed: A4 portrait, margins of GB/T 9704 (top 37 mm, bottom 35 mm, left
28 mm, right 26 mm: a 156 mm line), body 仿宋 小四, tables 宋体 五号, headings 黑体 三号, East-Asian fonts in
``w:eastAsia`` and ``w:lang w:eastAsia="zh-CN"``, column widths on ``w:gridCol`` (LibreOffice ignores
cell widths), page numbers ``— n —`` in the footer. Annex 1 opens with a cover page and a 填写说明 page;
annex 2 (a 表) with its title and the header table, 填写说明 at the end.

Field tables use a fine grid (24 columns) that rows split as needed: two fields a row (label | value |
label | value) where both are short, three where fields share a context (法定代表人 | … | 职务 | … |
联系电话 | …), one a row for prose, option lists and long text, and a wide label with a short value for long
labels of numbers (其中：硕士及以上学历或中级及以上职称人员（人） | 210); label cells are shaded.

Pagination: no row breaks across pages (``w:cantSplit`` on every row; only a row taller than a page is
still broken), a repeating table's title and column rows repeat on each page (``w:tblHeader``), a spacer
paragraph keeps adjacent tables apart (joined, the later table's header rows would sit mid-table and not
repeat), the 承诺 shares one row with its signature line, the USCC gets a value cell it fits in, and a 表's
填写说明 is set small and kept in one block. ``tests/templates/test_pagination.py`` prints and checks it.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Pt, Twips
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from forms import FORMS
from forms.model import Field, FieldType, FormDef, Section
from templates.context import choice_as_boxes

HERE = Path(__file__).resolve().parent
#: Where each form's Word template lives.
TEMPLATE_DIRS: dict[str, str] = {"annex1": "annex1_application", "annex2": "annex2_annual"}
TEMPLATE_NAME = "template.docx"

# Fonts: Latin text in Times New Roman, Chinese in the East-Asian slot.
LATIN = "Times New Roman"
BODY_FONT, TABLE_FONT, HEADING_FONT = "仿宋", "宋体", "黑体"

PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
TEXT_WIDTH = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 15.6 cm
GRID = 24  # columns of a field table (0.65 cm each); rows span them in the splits of ``_SPANS``
LABEL_FILL = "E7E6E6"
#: Labels up to this many (CJK-width) characters fit two lines of a paired label cell (3.9 cm).
SHORT_LABEL = 12
#: Text fields short enough to share a row although they have no ``max_length``.
SHORT_TEXT = frozenset({"applicant.region", "header.region", "header.batch"})
#: Fields after which a blank seal place ``（盖章）`` is printed.
SEAL_AFTER = frozenset({"declaration.recommender_opinion", "signoff.authority_opinion"})
#: What a section's pledge (``Section.note``) is signed with.
SIGNATURE_LINE = "法定代表人（签字）：\u3000\u3000\u3000\u3000\u3000\u3000\u3000\u3000（盖章）"
#: Relative widths of repeating-table columns, by type.
COLUMN_WEIGHTS: dict[FieldType, float] = {
    FieldType.TEXT: 3.0,
    FieldType.PROSE: 5.0,
    FieldType.INT: 1.8,
    FieldType.YEAR: 1.8,
    FieldType.WAN: 2.2,
    FieldType.PCT: 2.0,
    FieldType.M2: 2.0,
    FieldType.DATE: 2.6,
    FieldType.CHOICE: 2.4,
    FieldType.BOOL: 1.8,
}
#: Fixed values for the package's metadata, so a build is byte-for-byte reproducible.
FIXED_TIME = datetime(2025, 12, 5)
ZIP_TIME = (2025, 12, 5, 0, 0, 0)


def template_path(form_id: str) -> Path:
    """The committed Word template of a form."""
    return HERE / TEMPLATE_DIRS[form_id] / TEMPLATE_NAME


def build_docx(form: FormDef) -> bytes:
    """The Word template of a form, as bytes (deterministic: same definition → same bytes)."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, cover=_has_cover(form))
    _set_properties(doc, form)
    body = doc.element.body
    for child in list(body):  # the default document's empty paragraph (the sectPr stays)
        if child.tag == qn("w:p"):
            body.remove(child)
    sections = list(form.sections)
    if _has_cover(form):
        _cover(doc, form, sections.pop(0))
        _instructions(doc, form, page_break=True)
    else:
        _paragraph(doc, form.title, "Form Title")
        first = sections.pop(0)
        _field_table(doc, first, first.fields)
    for i, section in enumerate(sections):
        heading = _paragraph(doc, section.title, "Heading 1")
        if _has_cover(form) and i == 0:
            heading.paragraph_format.page_break_before = True
        _section_body(doc, section)
    if not _has_cover(form):
        _instructions(doc, form, page_break=False)
    return _deterministic_zip(doc)


def main(argv: Sequence[str] | None = None) -> int:
    """Write both templates (or those named on the command line) next to this module."""
    ids = list(argv) if argv else list(TEMPLATE_DIRS)
    for form_id in ids:
        path = template_path(form_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(build_docx(FORMS[form_id]))
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


# --- document structure --------------------------------------------------------------------------------


def _has_cover(form: FormDef) -> bool:
    return form.sections[0].key == "cover"


def _cover(doc: DocxDocument, form: FormDef, section: Section) -> None:
    """Big centred title, underlined cover lines, the issuer at the bottom (no page number)."""
    title = _paragraph(doc, "", "Cover Title")
    title.paragraph_format.space_before = Pt(96)
    lines = _title_lines(form.title)
    for i, line in enumerate(lines):
        run = title.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
    table = doc.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, [Cm(6.2), Cm(9.4)])
    _no_borders(table)
    for f in section.fields:
        row, (label, value) = _add_row(table, [1, 1])
        row.height, row.height_rule = Cm(1.5), WD_ROW_HEIGHT_RULE.AT_LEAST
        _fill(label, f.label, "Cover Label")
        _fill(value, _placeholder(f"{section.key}.{f.key}"), "Cover Value")
        _bottom_border(value)
        for cell in (label, value):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    issuer = _paragraph(doc, form.issuer, "Cover Issuer")
    issuer.paragraph_format.space_before = Pt(150)


def _title_lines(title: str) -> list[str]:
    """``工业和信息化部`` on its own line above the rest of a long title."""
    prefix = "工业和信息化部"
    if title.startswith(prefix) and len(title) > len(prefix):
        return [prefix, title[len(prefix) :]]
    return [title]


def _instructions(doc: DocxDocument, form: FormDef, *, page_break: bool) -> None:
    """填写说明: on a page of its own after a cover; below the table of a 表, in 五号 and kept in one block
    (four lines spilling onto an otherwise empty last page is what a form must not do)."""
    if not form.instructions:
        return
    heading = _paragraph(doc, "填写说明", "Form Heading Center")
    heading.paragraph_format.page_break_before = page_break
    if not page_break:
        heading.paragraph_format.space_before = Pt(12)
    for i, item in enumerate(form.instructions):
        note = _paragraph(doc, item, "Form Note" if page_break else "Form Table Note")
        if not page_break and i < len(form.instructions) - 1:
            note.paragraph_format.keep_with_next = True


def _section_body(doc: DocxDocument, section: Section) -> None:
    """A section's pledge, then its fields grouped: field tables, metric tables, repeating tables."""
    pending: list[Field] = []
    metrics: list[Field] = []
    note = [section.note] if section.note else []  # printed once, atop the first field table

    def flush() -> None:
        if metrics:
            _metric_table(doc, section, metrics)
            metrics.clear()
        if pending:
            _field_table(doc, section, pending, note=note.pop() if note else None)
            pending.clear()

    if section.note and not section.fields:
        _paragraph(doc, section.note, "Form Note")
    for f in section.fields:
        if f.type is FieldType.METRIC:
            if pending:
                flush()
            metrics.append(f)
        elif f.type is FieldType.TABLE:
            flush()
            _repeating_table(doc, section, f)
        else:
            if metrics:
                flush()
            pending.append(f)
    flush()


# --- field tables ------------------------------------------------------------------------------------


#: (label span, value span) of each field in a row of 1, 2 or 3 fields, and of a long label's row.
_SPANS: dict[int, list[tuple[int, int]]] = {1: [(6, 18)], 2: [(6, 6), (6, 6)], 3: [(4, 4), (3, 5), (3, 5)]}
_LONG_LABEL = [(16, 8)]
#: A code this long (the 18-character USCC) needs a wider value cell than a pair row gives (it wrapped
#: ``91320594MA1T6KQ / 853``): eight grid columns (5.2 cm), its neighbour's label narrowed to four.
CODE_LENGTH = 16
_CODE_SPANS = {0: [(6, 8), (4, 6)], 1: [(6, 6), (4, 8)]}


@dataclass(frozen=True)
class _Slot:
    """One cell of a field-table row: a label or a value of ``field``, ``span`` grid columns wide."""

    field: Field
    is_label: bool
    span: int


def _field_rows(fields: Sequence[Field], section_key: str) -> list[list[_Slot]]:
    """Pack fields into rows of the six-column grid (see the module docstring)."""
    rows: list[list[_Slot]] = []
    pair: list[Field] = []

    def flush_pair() -> None:
        if len(pair) == 1 and pair[0].type not in (FieldType.TEXT, FieldType.CHOICE):
            rows.append(_row_of(pair, _LONG_LABEL))  # a lone number lines up with its long-label neighbours
        elif (
            len(pair) == 2
            and (code := next((i for i, f in enumerate(pair) if _is_code(f)), None)) is not None
        ):
            rows.append(_row_of(pair, _CODE_SPANS[code]))
        elif pair:
            rows.append(_row_of(pair, _SPANS[len(pair)]))
        pair.clear()

    i = 0
    while i < len(fields):
        f = fields[i]
        group = [f]
        while i + len(group) < len(fields) and fields[i + len(group)].context == f.label:
            group.append(fields[i + len(group)])
        if len(group) > 1:
            flush_pair()
            for chunk in _chunks(group):
                rows.append(_row_of(chunk, _SPANS[len(chunk)]))
            i += len(group)
            continue
        kind = _layout_kind(f, section_key)
        if kind == "pair":
            pair.append(f)
            if len(pair) == 2:
                flush_pair()
        else:
            flush_pair()
            rows.append(_row_of([f], _LONG_LABEL if kind == "long_label" else _SPANS[1]))
        i += 1
    flush_pair()
    return rows


def _chunks(group: list[Field]) -> list[list[Field]]:
    """Split a context group into rows of at most three, as even as possible (4 → 2+2, 5 → 3+2)."""
    n_rows = -(-len(group) // 3)
    size, extra = divmod(len(group), n_rows)
    out, start = [], 0
    for r in range(n_rows):
        end = start + size + (1 if r < extra else 0)
        out.append(group[start:end])
        start = end
    return out


def _row_of(fields: Sequence[Field], spans: Sequence[tuple[int, int]]) -> list[_Slot]:
    row: list[_Slot] = []
    for f, (label_span, value_span) in zip(fields, spans, strict=True):
        row += [_Slot(f, True, label_span), _Slot(f, False, value_span)]
    return row


def _layout_kind(f: Field, section_key: str) -> str:
    """``wide`` (label | value across), ``pair`` (two fields a row) or ``long_label`` (wide label | value)."""
    if f.type in (FieldType.PROSE, FieldType.MULTI) or choice_as_boxes(f):
        return "wide"
    if f.type in (FieldType.TEXT, FieldType.CHOICE):
        short = (f.max_length is not None and f.max_length <= 20) or f"{section_key}.{f.key}" in SHORT_TEXT
        if not short:
            return "wide"
    return "pair" if _label_width(f.label) <= SHORT_LABEL else "long_label"


def _is_code(f: Field) -> bool:
    return f.type is FieldType.TEXT and f.max_length is not None and f.max_length >= CODE_LENGTH


def _label_width(label: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in label)


def _field_table(
    doc: DocxDocument, section: Section, fields: Sequence[Field], note: str | None = None
) -> None:
    table = _grid_table(doc, [TEXT_WIDTH // GRID] * GRID)
    if note:  # the pledge and its signature line in one unsplittable row: never signed on another page
        pledge, (cell,) = _add_row(table, [GRID])
        _cant_split(pledge)
        _fill(cell, note, "Form Pledge")
        cell.add_paragraph("", "Form Value")
        cell.add_paragraph(SIGNATURE_LINE, "Form Signature")
    for slots in _field_rows(fields, section.key):
        row, cells = _add_row(table, [slot.span for slot in slots])
        _cant_split(row)  # a row taller than a page is still broken (Word and LibreOffice alike)
        tall = False
        for slot, cell in zip(slots, cells, strict=True):
            if slot.is_label:
                _fill(cell, slot.field.label, "Form Label")
                _shade(cell)
            else:
                _fill(cell, _placeholder(f"{section.key}.{slot.field.key}"), "Form Value")
                tall = tall or slot.field.type is FieldType.PROSE
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        row.height = Cm(3.0) if tall else Cm(0.9)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for slot in slots:
            if f"{section.key}.{slot.field.key}" in SEAL_AFTER and not slot.is_label:
                seal_row, (seal,) = _add_row(table, [GRID])
                _cant_split(seal_row)
                _fill(seal, "（盖章）", "Form Signature")
                seal_row.height, seal_row.height_rule = Cm(1.2), WD_ROW_HEIGHT_RULE.AT_LEAST
                break


def _metric_table(doc: DocxDocument, section: Section, metrics: Sequence[Field]) -> None:
    """``指标 | 单位 | 上年末 | 本年末``, one row per metric."""
    table = _grid_table(doc, [Cm(7.0), Cm(2.2), Cm(3.2), Cm(3.2)])
    header, cells = _add_row(table, [1, 1, 1, 1])
    for cell, text in zip(cells, ("指标", "单位", "上年末", "本年末"), strict=True):
        _fill(cell, text, "Form Label")
        _shade(cell)
    _repeat_header(header)
    for f in metrics:
        row, cells = _add_row(table, [1, 1, 1, 1])
        row.height, row.height_rule = Cm(0.8), WD_ROW_HEIGHT_RULE.AT_LEAST
        _cant_split(row)
        label, unit, previous, current = cells
        _fill(label, f.label, "Form Label Left")
        _shade(label)
        _fill(unit, f.unit or "", "Form Label")
        _fill(previous, _placeholder(f"{section.key}.{f.key}.previous"), "Form Number")
        _fill(current, _placeholder(f"{section.key}.{f.key}.current"), "Form Number")
        for cell in cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _repeating_table(doc: DocxDocument, section: Section, f: Field) -> None:
    """Title row (the field's label), header row (column labels), one docxtpl loop row."""
    weights = [COLUMN_WEIGHTS.get(c.type, 3.0) for c in f.columns]
    total = sum(weights)
    widths = [int(TEXT_WIDTH * w / total) for w in weights]
    widths[-1] = TEXT_WIDTH - sum(widths[:-1])
    table = _grid_table(doc, widths)
    n = len(f.columns)
    title_row, (title,) = _add_row(table, [n])
    _fill(title, f.label, "Form Table Title")
    _shade(title)
    header, cells = _add_row(table, [1] * n)
    for cell, col in zip(cells, f.columns, strict=True):
        _fill(cell, col.label, "Form Label")
        _shade(cell)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for row in (title_row, header):
        _repeat_header(row)
        _cant_split(row)
    loop = f"{section.key}.{f.key}"
    _fill(_add_row(table, [n])[1][0], f"{{%tr for row in {loop} %}}", "Form Value")
    data, cells = _add_row(table, [1] * n)
    data.height, data.height_rule = Cm(0.9), WD_ROW_HEIGHT_RULE.AT_LEAST
    _cant_split(data)
    for cell, col in zip(cells, f.columns, strict=True):
        style = "Form Number" if col.type in (FieldType.INT, FieldType.WAN, FieldType.PCT) else "Form Value"
        _fill(cell, _placeholder(f"row.{col.key}"), style)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    _fill(_add_row(table, [n])[1][0], "{%tr endfor %}", "Form Value")
    _paragraph(doc, "", "Form Spacer")


# --- low-level helpers ---------------------------------------------------------------------------------


def _placeholder(path: str) -> str:
    return f"{{{{ {path} }}}}"


def _paragraph(doc: DocxDocument, text: str, style: str) -> Paragraph:
    return doc.add_paragraph(text, style)


def _fill(cell: _Cell, text: str, style: str) -> None:
    """Text in a cell's first paragraph, in a paragraph style of ``_STYLES`` (set by id: lookups are slow)."""
    paragraph = cell.paragraphs[0]
    paragraph._p.style = _style_id(style)
    if text:
        paragraph.add_run(text)


def _style_id(name: str) -> str:
    """The id python-docx gives a style it adds (``Form Value`` → ``FormValue``)."""
    return name.replace(" ", "")


def _grid_table(doc: DocxDocument, widths: Iterable[int]) -> Table:
    """A ruled table; after another table, a spacer paragraph first: Word and LibreOffice join adjacent
    tables into one, and a table's repeating header rows repeat only when they are its first rows."""
    widths = list(widths)
    body = doc.element.body
    if len(body) > 1 and body[-2].tag == qn("w:tbl"):  # body[-1] is the section properties
        _paragraph(doc, "", "Form Spacer")
    table = doc.add_table(rows=0, cols=len(widths))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, widths)
    return table


def _set_widths(table: Table, widths: Sequence[int]) -> None:
    """Widths on ``w:gridCol`` (what LibreOffice reads) and a fixed layout of the same total width."""
    tbl = table._tbl
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(width) // 635))  # EMU → twips
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = _insert(tbl_pr, OxmlElement("w:tblW"))
    tbl_w.set(qn("w:w"), str(sum(int(w) // 635 for w in widths)))
    tbl_w.set(qn("w:type"), "dxa")
    table.autofit = False  # w:tblLayout fixed


def _add_row(table: Table, spans: Sequence[int]) -> tuple[_Row, list[_Cell]]:
    """A new row of cells spanning ``spans`` grid columns each (``w:gridSpan``; widths on ``w:tcW`` for Word).

    Built directly rather than by merging cells (python-docx's merge is ~50× slower).
    """
    tbl = table._tbl
    grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
    if sum(spans) != len(grid):
        raise ValueError(f"row spans {list(spans)} do not fill a grid of {len(grid)} columns")
    tr = tbl._add_tr()
    cells, start = [], 0
    for span in spans:
        tc = tr.add_tc()
        tc.width = Twips(sum(grid[start : start + span]))
        if span > 1:
            tc.grid_span = span
        start += span
        cells.append(_Cell(tc, table))
    return _Row(tr, table), cells


def _shade(cell: _Cell) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), LABEL_FILL)
    _insert(cell._tc.get_or_add_tcPr(), shd)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    _insert(tr_pr, OxmlElement("w:tblHeader"))


#: Child order of the property elements we add to (ECMA-376 §17.4): Word rejects a file where it is wrong.
_ORDER: dict[str, list[str]] = {
    "tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ).split(),
    "trPr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing "
        "jc hidden"
    ).split(),
    "tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
        "hideMark"
    ).split(),
}


def _insert(parent: BaseOxmlElement, child: BaseOxmlElement) -> BaseOxmlElement:
    """Insert ``child`` into a ``w:tblPr``/``w:trPr``/``w:tcPr`` at its schema position; returns it."""
    order = _ORDER[parent.tag.split("}")[1]]
    rank = order.index(child.tag.split("}")[1])
    for i, existing in enumerate(parent):
        name = existing.tag.split("}")[1]
        if name in order and order.index(name) > rank:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _cant_split(row: _Row) -> None:
    """Keep a row on one page (a label must not print on one page and its last line on the next)."""
    _insert(row._tr.get_or_add_trPr(), OxmlElement("w:cantSplit"))


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _insert(table._tbl.tblPr, borders)


def _bottom_border(cell: _Cell) -> None:
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "8"), ("space", "0"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    _insert(cell._tc.get_or_add_tcPr(), borders)


def _fonts(rpr: CT_RPr, latin: str, east_asia: str) -> None:
    """Latin and East-Asian fonts on an ``w:rPr``, theme fonts removed (they would override both)."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


@dataclass(frozen=True)
class _StyleSpec:
    name: str
    font: str
    size: float
    align: WD_ALIGN_PARAGRAPH | None = None
    bold: bool = False
    first_indent: float | None = None  # in pt
    right_indent: float = 0  # in pt
    space_before: float = 0
    space_after: float = 0
    keep_next: bool = False
    line: float | None = None  # line spacing multiple


_STYLES = (
    _StyleSpec("Cover Title", HEADING_FONT, 26, WD_ALIGN_PARAGRAPH.CENTER, space_after=60, line=1.5),
    # A clear gap between the spaced-out label and its value: a PDF of the borderless cover has no cell
    # lines, so a reader tells label from value by that gap alone.
    _StyleSpec("Cover Label", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.DISTRIBUTE, right_indent=28),
    _StyleSpec("Cover Value", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER),
    _StyleSpec("Cover Issuer", BODY_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER),
    _StyleSpec("Form Title", HEADING_FONT, 20, WD_ALIGN_PARAGRAPH.CENTER, space_before=6, space_after=18),
    _StyleSpec(
        "Form Heading Center", HEADING_FONT, 16, WD_ALIGN_PARAGRAPH.CENTER, space_after=12, keep_next=True
    ),
    _StyleSpec(
        "Form Note", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=24, space_after=4, line=1.5
    ),
    _StyleSpec("Form Table Note", BODY_FONT, 10.5, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=21, line=1.15),
    _StyleSpec("Form Label", TABLE_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER),
    _StyleSpec("Form Label Left", TABLE_FONT, 10.5, WD_ALIGN_PARAGRAPH.LEFT),
    _StyleSpec("Form Table Title", TABLE_FONT, 10.5, WD_ALIGN_PARAGRAPH.CENTER, bold=True, keep_next=True),
    _StyleSpec("Form Value", TABLE_FONT, 10.5, WD_ALIGN_PARAGRAPH.LEFT),
    _StyleSpec("Form Number", TABLE_FONT, 10.5, WD_ALIGN_PARAGRAPH.RIGHT),
    _StyleSpec("Form Pledge", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.JUSTIFY, first_indent=24, line=1.5),
    _StyleSpec("Form Signature", BODY_FONT, 12, WD_ALIGN_PARAGRAPH.RIGHT, space_before=6, space_after=6),
    _StyleSpec("Form Spacer", TABLE_FONT, 6),
)


def _setup_styles(doc: DocxDocument) -> None:
    styles = doc.styles
    # Document defaults and Normal: 仿宋 小四, Chinese language.
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr_default, LATIN, BODY_FONT)
    normal = styles["Normal"]
    _fonts(normal.element.get_or_add_rPr(), LATIN, BODY_FONT)
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    heading = styles["Heading 1"]
    _fonts(heading.element.get_or_add_rPr(), LATIN, HEADING_FONT)
    heading.font.size = Pt(16)
    heading.font.bold = False
    heading.font.color.rgb = None
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(10)
    heading.paragraph_format.keep_with_next = True
    for name in ("Footer", "Header"):
        _fonts(styles[name].element.get_or_add_rPr(), LATIN, TABLE_FONT)
        styles[name].font.size = Pt(10.5)
    for spec in _STYLES:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.quick_style = True
        _fonts(style.element.get_or_add_rPr(), LATIN, spec.font)
        style.font.size = Pt(spec.size)
        style.font.bold = spec.bold
        fmt = style.paragraph_format
        if spec.align is not None:
            fmt.alignment = spec.align
        if spec.first_indent is not None:
            fmt.first_line_indent = Pt(spec.first_indent)
        if spec.right_indent:
            fmt.right_indent = Pt(spec.right_indent)
        fmt.space_before = Pt(spec.space_before)
        fmt.space_after = Pt(spec.space_after)
        fmt.keep_with_next = spec.keep_next
        if spec.line is not None:
            fmt.line_spacing = spec.line
    # Heading 1's theme colour and other theme-bound attributes would override the black 黑体.
    for color in heading.element.iter(qn("w:color")):
        color.getparent().remove(color)


def _setup_page(doc: DocxDocument, *, cover: bool) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    _page_field(footer)
    footer.add_run(" —")
    if cover:  # no page number on the cover
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False


def _page_field(paragraph: Paragraph) -> None:
    """A ``PAGE`` field (the page number), as Word writes it: begin, instruction, separate, result, end."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text or ""


def _set_properties(doc: DocxDocument, form: FormDef) -> None:
    props = doc.core_properties
    props.title = form.title
    props.subject = form.short_title
    props.author = "itbforms"
    props.last_modified_by = "itbforms"
    props.comments = f"{form.id} {form.schema_version}"
    props.keywords = form.id
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    rels = doc.part.package.rels
    for rid, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del rels[rid]


def _deterministic_zip(doc: DocxDocument) -> bytes:
    """Save, then rewrite the zip with fixed timestamps and order (python-docx stamps the current time)."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
