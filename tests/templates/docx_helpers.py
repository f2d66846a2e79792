"""Reading filled Word forms back the way a person does: find a label cell, look at the cell beside it."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table


def open_docx(data: bytes) -> DocxDocument:
    return Document(io.BytesIO(data))


def table_cells(doc: DocxDocument) -> list[list[str]]:
    """Every table's rows as the texts of their distinct cells (a merged cell counted once)."""
    return [row for table in doc.tables for row in table_cells_of(table)]


def cells_after(doc: DocxDocument, label: str, *, context: str | None = None, count: int = 1) -> list[str]:
    """The ``count`` cells after the first cell reading ``label`` (after the cell ``context``, if given)."""
    flat = [text for row in table_cells(doc) for text in row]
    start = flat.index(context) + 1 if context else 0
    at = flat.index(label, start)
    return flat[at + 1 : at + 1 + count]


def value_after(doc: DocxDocument, label: str, *, context: str | None = None) -> str:
    return cells_after(doc, label, context=context)[0]


def repeating_rows(doc: DocxDocument, title: str) -> list[list[str]]:
    """The data rows of the repeating table whose title row reads ``title`` (title and header skipped)."""
    for table in doc.tables:
        if table.rows and table.rows[0].cells[0].text == title:
            return table_cells_of(table)[2:]
    raise AssertionError(f"no table titled {title!r}")


def table_cells_of(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        seen, texts = set(), []
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(cell.text)
        rows.append(texts)
    return rows


def all_text(doc: DocxDocument) -> str:
    """Paragraphs and every cell's text, in document order of blocks (enough for "contains" checks)."""
    parts = [p.text for p in doc.paragraphs]
    parts += [text for row in table_cells(doc) for text in row]
    for section in doc.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)
