"""Hypothesis strategies for complete-ish typed records of either form, built from the definitions.

Values are what a record can hold *and* a printed form can carry unambiguously: text is stripped with no
runs of spaces (the normaliser collapses them), never a none-word such as ``无`` (which a form reader must
read as empty), never a label of the form (a value cell saying ``单位名称`` is a label to any reader).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from forms import get_form
from forms.labels import LabelIndex, fold_label
from forms.model import OTHER_OPTION, Field, FieldType, FormDef
from forms.uscc import ALPHABET, check_character
from forms.vocabulary import is_empty

_CJK = "平台检测计量中心研究院有限公司技术服务江苏南京装备质量可靠性试验标准数据实验室工程"
_ALNUM = "ABCDEFGHJKLMNPQRTUWXYabcdefxyz0123456789"
_PUNCT = "（）()-、，,.·&《》“”"
_TEXT_ALPHABET = _CJK + _ALNUM + _PUNCT + " "


def _fine(form: FormDef, text: str) -> bool:
    index = LabelIndex.of(form)
    return (
        text == text.strip()
        and "  " not in text
        and not is_empty(text)
        and not index.is_label(text)
        and index.section_for_heading(text) is None
        and fold_label(text) != ""
    )


def text(form: FormDef, max_size: int = 24) -> st.SearchStrategy[str]:
    return st.text(_TEXT_ALPHABET, min_size=1, max_size=max_size).filter(lambda s: _fine(form, s))


def _other_text(form: FormDef) -> st.SearchStrategy[str]:
    """The text after ``其他``: printed inside ``（…）``, so without brackets of its own."""
    # (two characters at least: ``其他（x）`` reads as a ticked ``(x)`` mark, as the spec allows)
    return st.text(_CJK + _ALNUM, min_size=2, max_size=10).filter(lambda s: _fine(form, s))


def prose(form: FormDef) -> st.SearchStrategy[str]:
    return st.lists(text(form, 40), min_size=1, max_size=3).map("\n".join)


def uscc() -> st.SearchStrategy[str]:
    body = st.text(ALPHABET, min_size=17, max_size=17)
    return body.map(lambda s: s + check_character(s))


def _identifier(f: Field) -> st.SearchStrategy[str] | None:
    if f.key == "uscc":
        return uscc()
    if f.key.endswith("mobile"):
        return st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
    if f.key.endswith("email"):
        return st.from_regex(r"[a-z]{1,8}\.[a-z]{1,6}@[a-z]{2,8}\.example\.cn", fullmatch=True)
    if f.key.endswith("postcode"):
        return st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
    if f.key.endswith("phone"):
        return st.from_regex(r"0[0-9]{2,3}-[2-8][0-9]{6,7}", fullmatch=True)
    return None


def value(form: FormDef, f: Field, t: FieldType | None = None) -> st.SearchStrategy[Any]:
    """A typed value of field ``f`` (of type ``t``, for a metric's halves), possibly None."""
    t = t or f.type
    match t:
        case FieldType.TEXT:
            identifier = _identifier(f)
            return st.none() | (text(form) if identifier is None else identifier)
        case FieldType.PROSE:
            return st.none() | prose(form)
        case FieldType.INT:
            return st.none() | st.integers(0, 2_000_000)
        case FieldType.YEAR:
            return st.none() | st.integers(1950, 2030)
        case FieldType.WAN:
            return st.none() | st.integers(0, 10**9).map(lambda n: Decimal(n) / 100)
        case FieldType.PCT:
            return st.none() | st.integers(101, 10_000).map(lambda n: Decimal(n) / 100)
        case FieldType.M2:
            return st.none() | st.integers(0, 10**7).map(lambda n: Decimal(n) / 10)
        case FieldType.DATE:
            return st.none() | st.dates(date(1980, 1, 1), date(2030, 12, 31))
        case FieldType.BOOL:
            return st.none() | st.booleans()
        case FieldType.CHOICE:
            return st.none() | st.sampled_from(f.options)
        case FieldType.MULTI:
            return st.lists(st.sampled_from(f.options), unique=True, max_size=4).map(
                lambda xs: [o for o in f.options if o in xs]
            )
    raise AssertionError(t)


@st.composite
def record(draw: st.DrawFn, form_id: str) -> dict[str, dict[str, Any]]:
    """A typed record of form ``form_id`` (every section and key; ``其他`` chosen with its text)."""
    form = get_form(form_id)
    out: dict[str, dict[str, Any]] = {}
    for section in form.sections:
        values: dict[str, Any] = {}
        for f in section.fields:
            if f.type is FieldType.TABLE:
                rows = draw(st.lists(_row(form, f), max_size=2))
                values[f.key] = rows
            elif f.type is FieldType.METRIC:
                values[f.key] = {
                    "previous": draw(value(form, f, f.item_type)),
                    "current": draw(value(form, f, f.item_type)),
                }
            else:
                values[f.key] = draw(value(form, f))
            if f.other_key:
                chosen = values[f.key]
                has_other = chosen == OTHER_OPTION or (isinstance(chosen, list) and OTHER_OPTION in chosen)
                values[f.other_key] = draw(_other_text(form)) if has_other else None
        out[section.key] = values
    return out


def _row(form: FormDef, f: Field) -> st.SearchStrategy[dict[str, Any]]:
    columns = {c.key: value(form, c) for c in f.columns}
    return st.fixed_dictionaries(columns).filter(lambda row: any(v is not None for v in row.values()))
