"""Matching printed labels to fields: the one place every extractor asks "which field is this cell?".

A filled form is a Word file a person edited, so a label is found with stray spaces (``单 位 名 称``),
full-width or half-width punctuation, a trailing colon, a ``（盖章）`` or ``（万元）`` suffix, or a line break
inside the cell. ``fold_label`` reduces both the definition's labels and the text found to one comparison
key, and every match is an exact match of keys: there is no fuzzy or edit-distance matching that could
silently put a value in the wrong field.

``LabelIndex`` (one per form, cached: ``LabelIndex.of(form)``) answers label, header-row and heading
questions; ``detect_form`` tells an application (annex1) from an annual report (annex2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from forms import FORMS, get_form
from forms.model import Field, FieldType, FormDef

#: Unicode categories dropped by ``fold_label``: all punctuation, math and modifier symbols.
_DROPPED_CATEGORIES = ("P", "Sm", "Sk")
_OPENERS = {"(": ")", "[": "]", "【": "】", "〔": "〕"}
_BRACKET_CHARS = frozenset(_OPENERS) | frozenset(_OPENERS.values())
_SPACES = re.compile(r"\s+")
_LEADING_QIZHONG = "其中"
#: Section numbering left at the start of a folded heading: ``一``, ``第三部分``, ``2`` …
_NUMBERING = re.compile(r"^(第[一二三四五六七八九十百零〇\d]+(部分|章|节|项)?|[一二三四五六七八九十]+|\d+)")

#: Header cells that may stand in a table without being one of its columns (not counted against a match).
IGNORED_HEADERS = frozenset({"序号", "备注", "说明", "附注"})

#: Column headers of annex2's capacity table, folded, to the half of a metric they hold.
METRIC_HEADERS: dict[str, str] = {"上年末": "previous", "本年末": "current"}

#: ``detect_form`` needs at least this many distinct form-specific labels when no title decides.
MIN_DETECT_LABELS = 3


def _drop_brackets(text: str) -> str:
    """Remove bracketed parts, nested or not; an unclosed bracket runs to the end (a cut-off suffix)."""
    out: list[str] = []
    stack: list[str] = []
    for ch in text:
        if ch in _OPENERS:
            stack.append(_OPENERS[ch])
        elif stack and ch == stack[-1]:
            stack.pop()
        elif not stack:
            out.append(ch)
    return "".join(out)


def fold_label(text: str) -> str:
    """The comparison key of a printed label.

    NFKC (full-width → half-width), every bracketed part dropped (``（盖章）``, ``(%)``, ``（含软件）``), all
    whitespace dropped (spaces inside labels, U+3000, line breaks), all punctuation dropped (``：、，；—-·/``
    …), a leading ``其中`` dropped, ASCII lower-cased. Both the definition's label and the text found are
    folded the same way, so ``从业人员总数（人）`` and ``从 业 人 员 总 数：`` meet at ``从业人员总数``.
    """
    return _fold(text, drop_brackets=True)


def _fold(text: str, *, drop_brackets: bool) -> str:
    folded = unicodedata.normalize("NFKC", text)
    if drop_brackets:
        folded = _drop_brackets(folded)
    folded = _SPACES.sub("", folded)
    folded = "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROPPED_CATEGORIES))
    if folded.startswith(_LEADING_QIZHONG) and len(folded) > len(_LEADING_QIZHONG):
        folded = folded[len(_LEADING_QIZHONG) :]
    return folded.lower()


@dataclass(frozen=True)
class LabelMatch:
    """A field a label may name: ``path`` is ``section.field``, or ``section.table.col`` for a column."""

    path: str
    field: Field
    section: str

    @property
    def is_column(self) -> bool:
        return self.path.count(".") == 2

    @property
    def table(self) -> str | None:
        """The table's path (``section.table``) when this is a column, else ``None``."""
        return self.path.rsplit(".", 1)[0] if self.is_column else None


@dataclass(frozen=True)
class TableMatch:
    """A repeating table recognised from its header row: ``columns`` maps header index → column key."""

    path: str
    field: Field
    columns: dict[int, str]

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0]


@dataclass(frozen=True)
class _TableInfo:
    section: str
    field: Field
    keys: dict[str, str]  # folded column label (or variant) → column key


class LabelIndex:
    """Every label of one form, folded, with the fields it may name (build once: ``LabelIndex.of(form)``).

    Top-level fields come before table columns in every candidate list, both in printed order.
    """

    _cache: ClassVar[dict[int, tuple[FormDef, LabelIndex]]] = {}

    def __init__(self, form: FormDef) -> None:
        self.form = form
        self._by_key: dict[str, list[LabelMatch]] = {}
        self._tables: list[_TableInfo] = []
        self._headings: dict[str, str] = {}
        columns: list[tuple[str, LabelMatch]] = []
        for section in form.sections:
            for title in (section.title, _NUMBERING.sub("", fold_label(section.title))):
                if fold_label(title):
                    self._headings.setdefault(fold_label(title), section.key)
            for f in section.fields:
                path = f"{section.key}.{f.key}"
                for label in f.labels:
                    self._add(fold_label(label), LabelMatch(path, f, section.key))
                if f.type is FieldType.TABLE:
                    keys: dict[str, str] = {}
                    for col in f.columns:
                        match = LabelMatch(f"{path}.{col.key}", col, section.key)
                        for label in col.labels:
                            keys.setdefault(fold_label(label), col.key)
                            columns.append((fold_label(label), match))
                    self._tables.append(_TableInfo(section.key, f, keys))
        for key, match in columns:
            self._add(key, match)
        # signature blocks: a signer's label (brackets kept: 法定代表人签字 is not 法定代表人) → its date
        self._block_dates: dict[str, LabelMatch] = {}
        for section in form.sections:
            for f in section.fields:
                for signer in f.signers:
                    self._block_dates[_fold(signer, drop_brackets=False)] = LabelMatch(
                        f"{section.key}.{f.key}", f, section.key
                    )
        labels = [label for _, f in form.iter_fields() for g in (f, *f.columns) for label in g.labels]
        self._longest_label = max(map(len, labels), default=0)
        # labels folded with their bracketed parts kept, for split_prefix: 申报单位（盖章） → 申报单位盖章
        self._bracketed = frozenset(_fold(label, drop_brackets=False) for label in labels)

    @classmethod
    def of(cls, form: FormDef | str) -> LabelIndex:
        """The index of ``form`` (a definition or ``annex1``/``annex2``), built on first use and kept."""
        fd = form if isinstance(form, FormDef) else get_form(form)
        hit = cls._cache.get(id(fd))
        if hit is None or hit[0] is not fd:
            hit = (fd, cls(fd))
            cls._cache[id(fd)] = hit
        return hit[1]

    def _add(self, key: str, match: LabelMatch) -> None:
        if not key:
            return
        matches = self._by_key.setdefault(key, [])
        if all(m.path != match.path for m in matches):
            matches.append(match)

    def keys(self) -> frozenset[str]:
        """Every folded label of the form (fields, their variants and table columns)."""
        return frozenset(self._by_key)

    def lookup(
        self, text: str, *, section: str | None = None, context: str | None = None
    ) -> list[LabelMatch]:
        """The fields ``text`` may be the label of (empty when it is no label of this form).

        ``section`` keeps only that section's fields. ``context`` is the label seen before ``text`` in the
        same row: when several fields share the label (two ``职务``), it keeps those whose
        ``Field.context`` is that label; when none has it, every candidate stays (the caller sees the
        ambiguity instead of a guess).
        """
        found = self._by_key.get(fold_label(text), ())
        matches = [m for m in found if section in (None, m.section)]
        if not matches and self.block_date(text) is not None:
            matches = list(found)  # a signature block's own label, printed without its heading
        if len(matches) > 1 and context is not None:
            ctx = fold_label(context)
            narrowed = [
                m for m in matches if m.field.context is not None and fold_label(m.field.context) == ctx
            ]
            if narrowed:
                return narrowed
        return matches

    def block_date(self, text: str) -> LabelMatch | None:
        """The date field of the signature block whose signer ``text`` is (``依托单位负责人（签字）`` →
        ``signoff.signed_date``), or None: the ``日期`` printed beside or under it is that date."""
        return self._block_dates.get(_fold(text, drop_brackets=False))

    def is_label(self, text: str, *, section: str | None = None) -> bool:
        """Whether ``text`` is the label of a field (or a table column) of this form."""
        return bool(self.lookup(text, section=section))

    def split_label(self, text: str, *, section: str | None = None) -> tuple[list[LabelMatch], str] | None:
        """``平台名称：某某平台`` → (the matches of ``平台名称``, ``某某平台``); ``None`` when the text before
        the first colon is no label. Only a colon splits: a label run into its value is not guessed at."""
        head, sep, rest = unicodedata.normalize("NFKC", text).partition(":")
        if not sep:
            return None
        matches = self.lookup(head, section=section)
        return (matches, rest.strip()) if matches else None

    def split_prefix(self, text: str, *, section: str | None = None) -> tuple[list[LabelMatch], str] | None:
        """``平 台 名 称第1号平台`` → (the matches of ``平台名称``, ``第1号平台``).

        The longest leading part of ``text`` that folds to a label, and the rest (stripped, not empty);
        ``None`` when no leading part is a label or nothing follows it. For lines where a label and its
        value lost the gap between them (a PDF cover); the split is exact on folded labels, never fuzzy.
        A leading part with brackets must carry the label's own (``申报单位（盖章）``), so that
        ``申报单位（北京）某公司`` keeps its ``（北京）``.
        """
        best: tuple[list[LabelMatch], str] | None = None
        limit = min(len(text), self._longest_label * 3)
        for end in range(1, limit + 1):
            head, rest = text[:end], text[end:].strip().lstrip(":：").strip()
            if not rest:
                break
            if any(ch in _BRACKET_CHARS for ch in unicodedata.normalize("NFKC", head)):
                if _fold(head, drop_brackets=False) not in self._bracketed:
                    continue
            matches = self.lookup(head, section=section)
            if matches:
                best = (matches, rest)
        return best

    def table_for_headers(self, headers: Sequence[str], section: str | None = None) -> TableMatch | None:
        """The repeating table whose columns a header row names, or ``None``.

        Columns may come in any order; ``序号``-like extra headers are ignored. A table matches when more
        than half of its columns are found and the found headers outnumber the unknown ones; of several
        matching tables the one with most found columns (then fewest unknown headers) wins, and a tie is
        ``None`` rather than a guess.
        """
        folded = [fold_label(h) for h in headers]
        scored: list[tuple[tuple[int, int], TableMatch]] = []
        for info in self._tables:
            if section not in (None, info.section):
                continue
            columns: dict[int, str] = {}
            unknown = 0
            for i, key in enumerate(folded):
                col = info.keys.get(key)
                if col is not None and col not in columns.values():
                    columns[i] = col
                elif key and key not in IGNORED_HEADERS:
                    unknown += 1
            found = len(columns)
            if found * 2 > len(info.field.columns) and found > unknown:
                path = f"{info.section}.{info.field.key}"
                scored.append(((found, -unknown), TableMatch(path, info.field, columns)))
        if not scored:
            return None
        scored.sort(key=lambda item: item[0], reverse=True)
        if len(scored) > 1 and scored[0][0] == scored[1][0]:
            return None
        return scored[0][1]

    def section_for_heading(self, text: str) -> str | None:
        """The section a heading names (``一、申报单位基本情况`` → ``applicant``), with or without its
        numeral (the official numbering may differ from ours); ``None`` for any other text."""
        key = fold_label(text)
        if not key:
            return None
        return self._headings.get(key) or self._headings.get(_NUMBERING.sub("", key))

    def collisions(self) -> list[tuple[str, str, list[str]]]:
        """(section, folded label, field paths) wherever one label names two fields of a section and
        ``Field.context`` does not tell them apart — a defect of the definition, expected to be empty."""
        found = []
        for key, matches in self._by_key.items():
            by_section: dict[str, list[LabelMatch]] = {}
            for m in matches:
                if not m.is_column:
                    by_section.setdefault(m.section, []).append(m)
            for section, ms in by_section.items():
                if len(ms) < 2:
                    continue
                contexts = [fold_label(m.field.context) if m.field.context else None for m in ms]
                if None in contexts or len(set(contexts)) < len(contexts):
                    found.append((section, key, [m.path for m in ms]))
        return found


def metric_columns(headers: Sequence[str]) -> dict[int, str]:
    """Header index → ``previous``/``current`` for the ``上年末``/``本年末`` columns of a capacity table."""
    out: dict[int, str] = {}
    for i, header in enumerate(headers):
        half = METRIC_HEADERS.get(fold_label(header))
        if half is not None and half not in out.values():
            out[i] = half
    return out


def is_label(text: str, form: FormDef | str | None = None) -> bool:
    """Whether ``text`` is a label of ``form`` (of either form when ``None``)."""
    forms = FORMS.values() if form is None else [form]
    return any(LabelIndex.of(fd).is_label(text) for fd in forms)


@cache
def _unique_keys(form_id: str) -> frozenset[str]:
    """Folded labels and section titles that belong to ``form_id`` and to no other form."""
    own = _form_keys(FORMS[form_id])
    others = frozenset().union(*(_form_keys(fd) for fid, fd in FORMS.items() if fid != form_id))
    return own - others


def _form_keys(fd: FormDef) -> frozenset[str]:
    titles = {fold_label(s.title) for s in fd.sections}
    return (LabelIndex.of(fd).keys() | titles) - {""}


def detect_form(texts: Iterable[str]) -> str | None:
    """Which form a document is, from its texts (titles, labels): ``annex1``, ``annex2`` or ``None``.

    A title naming exactly one form (``…申报书`` / ``…年度运行情况表``) decides. Otherwise the form with more
    distinct labels found that only it has wins, when it has at least ``MIN_DETECT_LABELS`` and strictly
    more than the other; anything less is ``None`` (the caller asks the user instead of guessing).
    """
    folded = {fold_label(t) for t in texts if t}
    titled = [fid for fid, fd in FORMS.items() if any(fold_label(fd.short_title) in t for t in folded)]
    if len(titled) == 1:
        return titled[0]
    counts = sorted(((len(_unique_keys(fid) & folded), fid) for fid in FORMS), reverse=True)
    best, form_id = counts[0]
    if best >= MIN_DETECT_LABELS and (len(counts) == 1 or best > counts[1][0]):
        return form_id
    return None
