"""Values read by text recognition are never a silent guess: after mapping, every value that came from a
scanned page says so in its provenance (``"source": "ocr"`` with the recognition's confidence, its page
and ``bbox``: x0, top, x1, bottom in points from the page's top left), and one
whose text the engine was unsure of, that failed its own validation (a USCC check character, a date, a
number), that holds a reading the engine is known to confuse (一 for —) or a symbol beside which it
guesses the spacing (``<0.8``, ``&``), is a problem ``ocr_uncertain`` ("识别不确定") carrying the
recognised text for a person to compare.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from extractor.mapper import Mapped
from extractor.model import Cell, Paragraph, SourceDoc
from forms.problems import Problem, Severity
from forms.vocabulary import CHECKED_MARKS, UNCHECKED_MARKS

#: Below this confidence (0–1) a recognised value is reported as uncertain: PP-OCR gives ≥ 0.95 for clean
#: printed text. A line of checkboxes has its marks told by the ink in each box (``extractor.checkboxes``),
#: its confidence that of its text or of its least clear mark.
UNCERTAIN_BELOW = 0.8
MARKS = CHECKED_MARKS | UNCHECKED_MARKS
#: The engine reads an em dash as 一 with full confidence: a chain ``测量一试验一评价`` may be either.
AMBIGUOUS_DASHES = re.compile(r"[\u4e00-\u9fff]一[\u4e00-\u9fff]{1,4}一[\u4e00-\u9fff]")


def review(doc: SourceDoc, mapped: Mapped) -> Mapped:
    """``mapped`` with the provenance of recognised values marked and their uncertain values reported;
    unchanged for a document without recognised pages (a mixed PDF: only its recognised pages' values)."""
    if not doc.meta.get("ocr"):
        return mapped
    located = _Locator(doc)
    flagged = {p.field for p in mapped.problems if p.field and p.severity != Severity.FAIL}
    problems = list(mapped.problems)
    provenance: dict[str, dict[str, Any]] = {}
    for path, where in mapped.provenance.items():
        source = located.find(where)
        if source is None or source.confidence is None:  # a text page's value, or a table as a whole
            provenance[path] = where
            continue
        confidence = round(source.confidence, 3)
        provenance[path] = {**where, "source": "ocr", "confidence": confidence}
        if source.bbox is not None:  # where on which page it was read, for a crop to show
            page = source.page or where.get("page")  # a cell's own page, if not its table's first
            provenance[path].update(page=page, bbox=[round(v, 1) for v in source.bbox])
        unsure = confidence < UNCERTAIN_BELOW or AMBIGUOUS_DASHES.search(source.text)
        if unsure or path in flagged or _spacing_guessed(source.text):
            problems.append(
                Problem(
                    "ocr_uncertain",
                    Severity.WARN,
                    field=path,
                    raw=source.text,
                    params={"label": _label(mapped, path), "confidence": f"{confidence:.2f}"},
                )
            )
    return replace(mapped, problems=problems, provenance=provenance)


def _spacing_guessed(text: str) -> bool:
    """Whether the text has a symbol (``<``, ``±``, ``℃``, ``&``) beside which a space means something
    (``forms.spacing``) but which the engine sets or drops by eye: ``< 0.8`` and ``<0.8`` read alike."""
    return any((unicodedata.category(ch)[0] == "S" or ch == "&") and ch not in MARKS for ch in text)


def _label(mapped: Mapped, path: str) -> str:
    """The printed label of the field at ``path`` (``capability.leaders.0.name`` → its column's label)."""
    try:
        return mapped.form.field(".".join(p for p in path.split(".") if not p.isdigit())).label
    except KeyError:
        return path


class _Locator:
    """The cell or line a provenance entry names."""

    def __init__(self, doc: SourceDoc) -> None:
        self.cells: dict[tuple[Any, Any, Any], Cell] = {  # every grid place a (merged) cell covers
            (t.index, r, c): cell
            for t in doc.tables()
            for r, row in enumerate(t.grid())
            for c, cell in enumerate(row)
            if cell is not None
        }
        self.paragraphs = {p.index: p for p in doc.paragraphs()}

    def find(self, where: dict[str, Any]) -> Cell | Paragraph | None:
        if where.get("paragraph") is not None:
            return self.paragraphs.get(where["paragraph"])
        return self.cells.get((where.get("table"), where.get("row"), where.get("col")))
