"""Normalisers: the text of a cell (or a spreadsheet's typed value) → a typed value or a precise problem.

Each normaliser returns a ``Normalized``: the typed value (``None`` for an empty cell, a none-word such as
``无`` or ``/``, or text it cannot use) and at most one ``Problem``. None of them guesses silently:

- ``problem is None`` — the value is clean;
- severity ``WARN`` — the value was kept (converted from 元 or 亿元, rounded, an ambiguous percentage, …)
  but a person should look;
- severity ``ERROR`` — the value is ``None``. Exceptions, on purpose: ``uscc``, ``mobile``, ``phone``,
  ``email`` and ``postcode`` keep the text as written (folded) with the ERROR, because the record must not
  lose what the applicant wrote; the checks (V-USCC, V-MOBILE …) report it again.

Problems carry ``code``, ``severity``, ``raw`` (the original text) and params, but ``field=None``: the caller
places them with ``problem.at(path, label=field.label)``. No I/O, no imports outside ``forms``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forms.model import NUMERIC_TYPES, OTHER_OPTION, Field, FieldType
from forms.problems import Problem, Severity
from forms.uscc import fold_uscc, uscc_error
from forms.vocabulary import CHECKED_MARKS, INVISIBLE, UNCHECKED_MARKS, YEAR_MAX, YEAR_MIN, is_empty

# --- the result -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Normalized:
    """A typed value (or ``None``) and what, if anything, is wrong or unsure about it.

    ``other`` is the free text written after a chosen ``其他`` option (``choice``, ``checkboxes`` and
    ``normalize`` of a choice/multi field), destined for the field's ``<key>_other`` sibling.
    """

    value: Any
    problem: Problem | None = None
    other: str | None = None

    @property
    def ok(self) -> bool:
        """No problem at all (the value, possibly ``None``, is clean)."""
        return self.problem is None


EMPTY = Normalized(None)

_MINUS = str.maketrans({"−": "-", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-"})
_WS = re.compile(r"\s+")

#: Money, quantized to 0.01 万元 (HALF_UP, as an accountant rounds); amounts at or above this are nonsense.
CENT = Decimal("0.01")
MAX_WAN = Decimal("1e12")
#: Any other number at or above this is no count or area a form holds (and would overflow quantizing).
MAX_NUMBER = Decimal("1e15")
MAX_DIGITS = 27


def _fail(code: str, raw: Any, /, **params: Any) -> Normalized:
    return Normalized(None, Problem(code, Severity.ERROR, None, _raw_text(raw), params))


def _warn(result: Any, code: str, raw: Any, /, **params: Any) -> Normalized:
    return Normalized(result, Problem(code, Severity.WARN, None, _raw_text(raw), params))


def _keep_with_error(result: Any, code: str, raw: Any, /, **params: Any) -> Normalized:
    """An ERROR that keeps what was written (identifiers: USCC, phone numbers, e-mail, postcode)."""
    return Normalized(result, Problem(code, Severity.ERROR, None, _raw_text(raw), params))


def _raw_text(raw: Any) -> str | None:
    """The original value as text, for a person to compare with the document."""
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, list | tuple):
        return "、".join(str(x) for x in raw)
    if isinstance(raw, dt.date):
        return raw.isoformat()
    if isinstance(raw, float):
        return repr(raw)
    return str(raw)


# --- shared text helpers --------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    """Full-width → half-width (digits, ``％``, ``．``, ``：``, U+3000), invisible characters dropped."""
    return unicodedata.normalize("NFKC", text.translate(INVISIBLE))


def _compact(text: str) -> str:
    """NFKC, every dash-like minus as ``-``, all whitespace removed: the form numbers are parsed from."""
    return _WS.sub("", _nfkc(text).translate(_MINUS))


def _float_decimal(x: float) -> Decimal:
    """A float as the decimal a person saw: its shortest repr, or 15 significant digits (Excel's
    precision) when the repr carries binary noise such as ``1234.5600000000001``."""
    text = repr(x)
    digits = re.sub(r"e.*$|[^0-9]", "", text.lower()).strip("0")
    return Decimal(format(x, ".15g") if len(digits) > 15 else text)


def _as_decimal(raw: Any) -> Decimal | None:
    """A typed number (int, float, Decimal — never bool) as a finite Decimal, else ``None``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return _float_decimal(raw) if raw == raw and abs(raw) != float("inf") else None
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    return None


def _tidy(d: Decimal) -> Decimal:
    """Trailing fractional zeros dropped (``79.9500`` → ``79.95``, ``80.0`` → ``80``), no exponent form for
    whole numbers of sensible size, no negative zero."""
    if d.is_zero():
        return Decimal(0)
    if d == d.to_integral_value():
        return d.quantize(Decimal(1)) if d.adjusted() < MAX_DIGITS else d
    return d.normalize()


_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d*)?|\.\d+)(.*)")


def _split_number(text: str) -> tuple[Decimal, str] | None:
    """``"-1,200.5万元"`` (already compact) → (Decimal("-1200.5"), "万元"); commas must group thousands."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    number = Decimal(m.group(2).replace(",", "").rstrip(".") or "0")
    return (-number if m.group(1) == "-" else number), m.group(3)


# --- units ------------------------------------------------------------------------------------------------

#: Canonical unit (as in ``Field.unit``) → the spellings accepted after a number, folded by ``_fold_unit``.
UNIT_SPELLINGS: dict[str, frozenset[str]] = {
    "人": frozenset({"人", "名", "位"}),
    "人次": frozenset({"人次"}),
    "家": frozenset({"家", "个", "户"}),
    "项": frozenset({"项", "个"}),
    "项次": frozenset({"项次", "项", "次"}),
    "台套": frozenset({"台套", "台", "套"}),
    "场": frozenset({"场", "次"}),
    "份": frozenset({"份", "篇"}),
    "个": frozenset({"个"}),
    "平方米": frozenset({"平方米", "平米", "平方", "m2"}),
    "万元": frozenset({"万元", "万"}),
}
_ALL_UNITS = frozenset().union(*UNIT_SPELLINGS.values())
#: What ``integer`` / ``decimal_number`` accept after a number when no unit is given.
_COUNT_UNITS = _ALL_UNITS - UNIT_SPELLINGS["万元"] - UNIT_SPELLINGS["平方米"]
_AREA_UNITS = UNIT_SPELLINGS["平方米"]


def _fold_unit(text: str) -> str:
    return re.sub(r"[()\[\]/【】]", "", text).lower()


def _check_unit(
    suffix: str, unit: str | None, default: frozenset[str], raw: Any, invalid: str
) -> Normalized | None:
    """``None`` when the text after the number is no unit or an accepted one, else the problem: another
    known unit → ``wrong_unit`` (when the field has a unit to name), anything else → ``invalid``."""
    folded = _fold_unit(suffix)
    if not folded:
        return None
    accepted = default if unit is None else UNIT_SPELLINGS.get(unit, frozenset({_fold_unit(unit)}))
    if folded in accepted:
        return None
    if unit is not None and folded in _ALL_UNITS:
        return _fail("wrong_unit", raw, expected=unit)
    return _fail(invalid, raw)


# --- numbers ----------------------------------------------------------------------------------------------

_MONEY_PREFIX = re.compile(r"^(¥|人民币|rmb)", re.IGNORECASE)
#: Money units → (factor to 万元, warning code or None).
_MONEY_UNITS: dict[str, tuple[Decimal, str | None]] = {
    "": (Decimal(1), None),
    "万": (Decimal(1), None),
    "万元": (Decimal(1), None),
    "元": (Decimal("0.0001"), "money_in_yuan"),
    "亿": (Decimal(10000), "money_in_yi"),
    "亿元": (Decimal(10000), "money_in_yi"),
}


def money(raw: Any) -> Normalized:
    """An amount in 万元, with two decimals at least and exactly as written (never rounded: 第六条（六）
    compares the entered amount, so 999.995 must not become 1000.00).

    ``1,200.5``, ``1200.50万元``, ``1200.5 万元``, ``１２００``, ``¥1200``; ``125,000元`` → 12.50 with WARN
    ``money_in_yuan``; ``1.2亿元`` → 12000 with WARN ``money_in_yi``; more than two decimals → kept with
    WARN ``money_too_precise``; negative → ERROR ``negative``; anything else → ERROR ``invalid_money``.
    Typed numbers are accepted (a float as the decimal a person saw, not its binary expansion).
    """
    if is_empty(raw):
        return EMPTY
    amount = _as_decimal(raw)
    factor, warning = Decimal(1), None
    if amount is None:
        if not isinstance(raw, str):
            return _fail("invalid_money", raw)
        parsed = _split_number(_MONEY_PREFIX.sub("", _compact(raw)))
        if parsed is None or _fold_unit(parsed[1]) not in _MONEY_UNITS:
            return _fail("invalid_money", raw)
        amount, suffix = parsed
        factor, warning = _MONEY_UNITS[_fold_unit(suffix)]
    if amount < 0:
        return _fail("negative", raw)
    value = amount * factor
    if value >= MAX_WAN:
        return _fail("out_of_range", raw, expected=f"0–{MAX_WAN:f} 万元")
    kept = abs(value if more_than_cents(value) else value.quantize(CENT))  # abs: no negative zero
    if warning:
        return _warn(kept, warning, raw, value=f"{kept:f}")
    if more_than_cents(kept):
        return _warn(kept, "money_too_precise", raw, value=f"{kept:f}")
    return Normalized(kept)


def more_than_cents(amount: Decimal) -> bool:
    """Whether an amount in 万元 has more than the two decimals the forms keep (``999.995``)."""
    return amount != amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(raw: Any, *, percent_format: bool = False) -> Normalized:
    """A percentage 0–100: ``79.95%``, ``79.95``, ``７９．９５％``.

    ``percent_format=True`` says the number came from a %-formatted spreadsheet cell, so it is a fraction
    (0.7995 → 79.95). A bare number in (0, 1] without ``%`` is kept as given with WARN
    ``percent_ambiguous`` (0.8: 0.8% or 80%?). Below 0 or above 100 → ERROR ``out_of_range``.
    """
    if is_empty(raw):
        return EMPTY
    number = _as_decimal(raw)
    has_sign = False
    if number is None:
        if not isinstance(raw, str):
            return _fail("invalid_percent", raw)
        text = _compact(raw)
        has_sign = text.endswith("%")
        parsed = _split_number(text.removesuffix("%"))
        if parsed is None or parsed[1]:
            return _fail("invalid_percent", raw)
        number = parsed[0]
    if percent_format and not has_sign:
        number *= 100
    if number < 0 or number > 100:
        return _fail("out_of_range", raw, expected="0–100")
    value = _tidy(number)
    if not has_sign and not percent_format and 0 < number <= 1:
        return _warn(value, "percent_ambiguous", raw, alt=f"{_tidy(number * 100):f}")
    return Normalized(value)


def _number(raw: Any, unit: str | None, default: frozenset[str]) -> Normalized | Decimal:
    """A non-negative Decimal from a typed number or ``"1,234 人"`` text (unit checked), or the problem."""
    number = _as_decimal(raw)
    if number is None:
        if not isinstance(raw, str):
            return _fail("invalid_number", raw)
        parsed = _split_number(_compact(raw))
        if parsed is None:
            return _fail("invalid_number", raw)
        number, suffix = parsed
        problem = _check_unit(suffix, unit, default, raw, "invalid_number")
        if problem is not None:
            return problem
    if number < 0:
        return _fail("negative", raw)
    if number >= MAX_NUMBER:
        return _fail("out_of_range", raw, expected=f"0–{MAX_NUMBER:f}")
    return number


def integer(raw: Any, *, unit: str | None = None) -> Normalized:
    """A count: ``1,234``, ``56人``, ``56 人``, ``５６``, ``56.0``; ``56.5`` → ERROR ``not_integer``.

    A unit after the number must be ``unit`` (or a usual spelling of it, ``台``/``套`` for ``台套``); another
    known unit → ERROR ``wrong_unit``. Without ``unit`` any count unit is accepted (not 万元 or 平方米).
    """
    if is_empty(raw):
        return EMPTY
    number = _number(raw, unit, _COUNT_UNITS)
    if isinstance(number, Normalized):
        return number
    if number != number.to_integral_value():
        return _fail("not_integer", raw)
    return Normalized(int(number))


def decimal_number(raw: Any, *, unit: str | None = None) -> Normalized:
    """A non-negative decimal such as an area: ``1,200.5平方米``, ``1200㎡``, ``1200 m²`` → Decimal.

    Without ``unit`` the area spellings are accepted after the number; see ``integer`` for ``unit``."""
    if is_empty(raw):
        return EMPTY
    number = _number(raw, unit, _AREA_UNITS)
    if isinstance(number, Normalized):
        return number
    return Normalized(_tidy(number))


# --- years and dates --------------------------------------------------------------------------------------

_CN_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0}
_YEAR_TEXT = re.compile(r"(\d{4})(?:\.0+)?(?:年度?)?")


def _cn_small(text: str) -> int | None:
    """``三`` → 3, ``十二`` → 12, ``二十`` → 20, ``三十一`` → 31 (months and days written in Chinese)."""
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _cn_year(text: str) -> int | None:
    """``二〇二五`` → 2025 (a year written digit by digit)."""
    if len(text) != 4 or any(ch not in _CN_DIGITS for ch in text):
        return None
    return int("".join(str(_CN_DIGITS[ch]) for ch in text))


def _year_range_problem(year: int, raw: Any) -> Normalized | None:
    if YEAR_MIN <= year <= YEAR_MAX:
        return None
    return _fail("out_of_range", raw, expected=f"{YEAR_MIN}–{YEAR_MAX}")


def year(raw: Any) -> Normalized:
    """A year: ``2025``, ``2025年``, ``2025年度``, ``二〇二五年``, 2025.0, a date's year; outside 1900–2100 →
    ERROR ``out_of_range``; anything else → ERROR ``invalid_year``."""
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, dt.date):
        value = raw.year
    elif isinstance(raw, str):
        text = _compact(raw)
        m = _YEAR_TEXT.fullmatch(text)
        parsed = int(m.group(1)) if m else _cn_year(re.sub(r"年度?$", "", text))
        if parsed is None:
            return _fail("invalid_year", raw)
        value = parsed
    else:
        number = _as_decimal(raw)
        if number is None or number != number.to_integral_value():
            return _fail("invalid_year", raw)
        value = int(number)
    return _year_range_problem(value, raw) or Normalized(value)


_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?"),
    re.compile(r"(?P<y>\d{4})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
)
_CN_DATE = re.compile(
    r"(?P<y>[〇○零O一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})[日号]"
)
_TIME_SUFFIX = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def _date_parts(text: str) -> tuple[int, int, int] | None:
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return int(m["y"]), int(m["m"]), int(m["d"])
    m = _CN_DATE.fullmatch(text)
    if m:
        y, mo, d = _cn_year(m["y"]), _cn_small(m["m"]), _cn_small(m["d"])
        if y is not None and mo is not None and d is not None:
            return y, mo, d
    return None


def date_value(raw: Any) -> Normalized:
    """A calendar date: date/datetime objects; ``2025年3月1日``, ``2025年03月01日``, ``2025.3.1``,
    ``2025/03/01``, ``2025-3-1``, ``20250301``, ``二〇二五年三月一日`` (a ``00:00`` time part is dropped).

    Year and month only (``2025年3月``) → ERROR ``invalid_date`` (the day is not guessed); an impossible date
    (``2025-02-30``) → ERROR ``invalid_date``; a year outside 1900–2100 → ERROR ``out_of_range``.
    """
    if is_empty(raw):
        return EMPTY
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    else:
        if isinstance(raw, int) and not isinstance(raw, bool):
            text = str(raw)
        elif isinstance(raw, str):
            text = _TIME_SUFFIX.sub("", _nfkc(raw).strip())
            text = _WS.sub("", text)
        else:
            return _fail("invalid_date", raw)
        parts = _date_parts(text)
        if parts is None:
            return _fail("invalid_date", raw)
        if (problem := _year_range_problem(parts[0], raw)) is not None:
            return problem
        try:
            value = dt.date(*parts)
        except ValueError:
            return _fail("invalid_date", raw)
    return _year_range_problem(value.year, raw) or Normalized(value)


# --- checkboxes, yes/no and choices -----------------------------------------------------------------------

_MARK = re.compile(
    r"\[\s*[xX√✓✔]\s*\]|\(\s*[xX√✓✔]\s*\)|\[\s*\]|\(\s*\)|[" + "".join(CHECKED_MARKS | UNCHECKED_MARKS) + "]"
)
_EDGE = " \t\r\n、,，;；:："


def _is_checked_mark(mark: str) -> bool:
    return mark in CHECKED_MARKS or any(ch in "xX√✓✔" for ch in mark)


class _AmbiguousMarks(ValueError):
    """Marks with text on both sides that touch neither side more (``是 √ 否``)."""


def _parse_marks(text: str, known: Callable[[str], bool]) -> list[tuple[bool, str]] | None:
    """A checkbox row → [(chosen, label)] in order; ``None`` when the text has no mark at all.

    Marks usually precede their option (``☑装备 ☐钢铁``) but may follow it (``是√ 否``): when text stands
    on both sides, the side the marks touch decides, and a tie raises ``_AmbiguousMarks``. Text outside the
    pairs (a repeated field label) is ignored. When the text beside a mark is not ``known`` as a whole, only
    its nearest word belongs to the mark (``√是 否``: the mark is on ``是``; ``否`` has none).
    """
    text = _nfkc(text)
    marks = list(_MARK.finditer(text))
    if not marks:
        return None
    chunks = [text[: marks[0].start()]]
    chunks += [text[a.end() : b.start()] for a, b in zip(marks, marks[1:], strict=False)]
    chunks.append(text[marks[-1].end() :])
    leading, trailing = chunks[0].strip(_EDGE), chunks[-1].strip(_EDGE)
    if leading and trailing:
        before = sum(m.end() < len(text) and text[m.end()].isalnum() for m in marks)
        after = sum(m.start() > 0 and text[m.start() - 1].isalnum() for m in marks)
        if before == after:
            raise _AmbiguousMarks(text)
        marks_first = before > after
    else:
        marks_first = not leading
    pairs = []
    for mark, chunk in zip(marks, chunks[1:] if marks_first else chunks[:-1], strict=True):
        label = chunk.strip(_EDGE)
        if label and not known(label) and not (marks_first and label.startswith(OTHER_OPTION)):
            words = _SEPARATORS.split(label)
            label = words[0] if marks_first else words[-1]
        pairs.append((_is_checked_mark(mark.group()), label))
    return pairs


_TRUE_WORDS = frozenset({"是", "yes", "y", "true"})
_FALSE_WORDS = frozenset({"否", "不是", "no", "n", "false", "×", "✗", "✘"})
#: Words that answer a 是否 question by having or not having the thing (``是否发生安全责任事故``: ``无``).
_HAVE_WORDS = {"有": True, "无": False, "没有": False, "暂无": False}


def _bool_word(word: str) -> tuple[bool, bool] | None:
    """A yes/no word → (value, whether it was a 有/无 word that deserves a look); ``None`` if unknown."""
    key = _compact(word).rstrip("。.").casefold()
    if key in _TRUE_WORDS or key in CHECKED_MARKS:
        return True, False
    if key in _FALSE_WORDS:
        return False, False
    if key in _HAVE_WORDS:
        return _HAVE_WORDS[key], True
    return None


def boolean(raw: Any) -> Normalized:
    """是/否: ``True``/``False``; ``是``/``否``; ``☑是 ☐否`` (and every chosen mark: ☑ ■ √ ✓ ✔ ☒ ⊠ [x] (x));
    ``√`` or ``✓`` alone → True, ``×`` alone → False.

    ``有`` → True and ``无``/``没有``/``暂无`` → False with WARN ``bool_word``: on a 是否 question
    (``是否发生安全责任事故``) that is what the writer means, and the instructions ask for ``无``
    where nothing applies, but a person should confirm. ``/`` or ``—`` stay empty. Both 是 and 否
    chosen → ERROR ``bool_conflict``; no box chosen → ``None``; anything else → ERROR ``invalid_bool``.
    """
    if isinstance(raw, bool):
        return Normalized(raw)
    if raw is None:
        return EMPTY
    if not isinstance(raw, str):
        return _fail("invalid_bool", raw)
    try:
        marks = _parse_marks(raw, lambda label: _bool_word(label) is not None)
    except _AmbiguousMarks:
        return _fail("ambiguous_marks", raw)
    if marks is None:
        word = _bool_word(raw)
        if word is None:
            return EMPTY if is_empty(raw) else _fail("invalid_bool", raw)
        chosen = [word]
    else:
        chosen = []
        for checked, label in marks:
            if not checked:
                continue
            word = (True, False) if not label else _bool_word(label)
            if word is None:
                return _fail("invalid_bool", raw)
            chosen.append(word)
    values = {value for value, _ in chosen}
    if not values:
        return EMPTY
    if len(values) > 1:
        return _fail("bool_conflict", raw)
    value = values.pop()
    if any(looked for _, looked in chosen):
        return _warn(value, "bool_word", raw, value="是" if value else "否")
    return Normalized(value)


_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_OTHER_BRACKET = re.compile(r"^[(（](.*?)[)）]")


def _split_other(text: str) -> tuple[str | None, str]:
    """The text after ``其他`` → (its free text, what follows it as further options).

    ``（xxx）、钢铁`` → ("xxx", "、钢铁"); ``：xxx`` → ("xxx", "") (a colon runs to the end of the cell);
    ``、钢铁`` → (None, "、钢铁"). Placeholders (``____``) are no text.
    """
    rest = text.lstrip()
    m = _OTHER_BRACKET.match(rest)
    if m:
        note, tail = m.group(1).strip(), rest[m.end() :]
    elif rest[:1] in (":", "："):
        note, tail = rest[1:].strip(), ""
    elif not rest or _SEPARATORS.match(rest):
        note, tail = None, rest
    else:
        note, tail = rest.strip(), ""
    return (None if note is None or is_empty(note) else note), tail


def _name(text: str) -> str:
    return _WS.sub("", _nfkc(text)).strip(_EDGE + "。.")


def _pieces(raw: Any, options: Sequence[str]) -> list[tuple[bool, str]] | None:
    """Every option named in ``raw`` as (chosen, text); ``None`` when ``raw`` is not text or a list of it.
    Raises ``_AmbiguousMarks`` (see ``_parse_marks``).

    A checkbox row gives its marks; a plain list (``装备、钢铁``) chooses every name; a list of strings (Word
    checkbox content controls) gives each item, itself a name or a marked row.
    """
    names = {_name(o) for o in options}

    def known(label: str) -> bool:
        return _name(label) in names

    if isinstance(raw, str):
        marks = _parse_marks(raw, known)
        if marks is not None:
            return marks
        text = _nfkc(raw).strip()
        if known(text):
            return [(True, text)]
        pieces: list[tuple[bool, str]] = []
        while text:
            head, found, tail = text.partition(OTHER_OPTION) if OTHER_OPTION in options else (text, "", "")
            pieces += [(True, name) for name in _SEPARATORS.split(head) if name]
            if not found:
                break
            note, text = _split_other(tail)
            pieces.append((True, OTHER_OPTION + (f"（{note}）" if note else "")))
        return pieces
    if isinstance(raw, list | tuple) and all(isinstance(x, str) for x in raw):
        out: list[tuple[bool, str]] = []
        for item in raw:
            marks = _parse_marks(item, known)
            if marks is not None:
                out += marks
            elif not is_empty(item):
                out.append((True, item.strip()))
        return out
    return None


@dataclass
class _Choices:
    chosen: list[str]  # in the options' order
    other: str | None  # text of a chosen 其他
    unknown: list[str]  # chosen names that are no option
    other_unchecked: str | None  # text written after an unticked 其他


def _resolve(pieces: list[tuple[bool, str]], options: Sequence[str]) -> _Choices:
    """Match labels to ``options`` exactly (spacing and full-width folded); ``其他…`` carries free text."""
    by_name = {_name(o): o for o in options}
    has_other = OTHER_OPTION in options
    chosen: set[str] = set()
    other = other_unchecked = None
    unknown: list[str] = []
    for checked, label in pieces:
        name = _name(label)
        if not name:
            continue
        option = by_name.get(name)
        note = None
        if option is None and has_other and name.startswith(OTHER_OPTION):
            option = OTHER_OPTION
            note, _ = _split_other(label.strip()[len(OTHER_OPTION) :])
        if not checked:
            if option == OTHER_OPTION and note:
                other_unchecked = note
            continue
        if option is None:
            unknown.append(label.strip())
            continue
        chosen.add(option)
        if note:
            other = note
    return _Choices([o for o in options if o in chosen], other, unknown, other_unchecked)


def _read_choices(raw: Any, options: Sequence[str]) -> _Choices | Normalized:
    """The options chosen in ``raw`` (checkbox marks or plain names), or the problem that prevents reading
    them (marks that touch no option, names that are not options). Shared by ``checkboxes`` and ``choice``."""
    try:
        pieces = _pieces(raw, options)
    except _AmbiguousMarks:
        return _fail("ambiguous_marks", raw)
    if pieces is None:
        return _fail("unknown_option", raw, unknown=_raw_text(raw), options="、".join(options))
    return _resolve(pieces, options)


def _finish_choices(found: _Choices, raw: Any, options: Sequence[str], value: Any) -> Normalized:
    """The result for resolved choices: unknown names are an error, loose ends of ``其他`` a warning."""
    if found.unknown:
        return _fail("unknown_option", raw, unknown="、".join(found.unknown), options="、".join(options))
    if value is None:
        if found.other_unchecked is not None:
            return _warn(None, "other_text_unchecked", raw, other=found.other_unchecked)
        return EMPTY
    if OTHER_OPTION in found.chosen and found.other is None:
        return _warn(value, "other_text_missing", raw)
    if found.other_unchecked is not None and OTHER_OPTION not in found.chosen:
        return _warn(value, "other_text_unchecked", raw, other=found.other_unchecked)
    return Normalized(value, other=found.other)


def checkboxes(raw: str | Sequence[str], options: Sequence[str]) -> Normalized:
    """A multi-choice: value ``(chosen, other_text)`` with ``chosen`` in ``options`` order.

    Accepts a checkbox row (``☑装备 ☐石化化工 ■钢铁``, ``[x] 装备 [ ] 钢铁``), a plain list (``装备、钢铁``,
    separated by 、,，;；/ or spaces; exact option names), ``其他：xxx`` (the colon's text runs to the end of
    the cell) or ``其他（xxx）`` for the free text, and a list of strings (Word checkbox content controls).
    ``Normalized.other`` repeats the free text.

    Any chosen name that is not an option → ERROR ``unknown_option`` with value ``None`` (params ``unknown``
    lists them): keeping only the known ones would silently drop part of what the applicant chose.
    ``其他`` chosen without text → WARN ``other_text_missing``; text after an unticked ``其他`` → WARN
    ``other_text_unchecked`` (the text is in the problem, not in the value). No box chosen, or an empty
    cell → ``None``.
    """
    if is_empty(raw):
        return EMPTY
    found = _read_choices(raw, options)
    if isinstance(found, Normalized):
        return found
    return _finish_choices(found, raw, options, (found.chosen, found.other) if found.chosen else None)


def choice(raw: Any, options: Sequence[str]) -> Normalized:
    """A single choice (value: one of ``options``), from plain text or a checkbox row.

    More than one option chosen (``☑企业 ☑事业单位`` or ``企业、事业单位``) → ERROR ``choice_conflict``;
    a name not among the options → ERROR ``unknown_option``; ``其他（xxx）`` → ``其他`` with
    ``Normalized.other == "xxx"``; no box chosen → ``None``.
    """
    if is_empty(raw):
        return EMPTY
    found = _read_choices(raw, options)
    if isinstance(found, Normalized):
        return found
    if len(found.chosen) > 1:
        return _fail("choice_conflict", raw)
    return _finish_choices(found, raw, options, found.chosen[0] if found.chosen else None)


# --- identifiers and contact details ----------------------------------------------------------------------


def _identifier_text(raw: Any) -> str | None:
    """A typed integer (a spreadsheet number) as its digits; text as is; anything else ``None``."""
    if isinstance(raw, str):
        return raw
    number = _as_decimal(raw)
    if number is not None and number == number.to_integral_value():
        return str(int(number))
    return None


def uscc(raw: Any) -> Normalized:
    """A 统一社会信用代码, folded (full-width, spaces, lower case). An invalid code is KEPT as the value,
    folded, with ERROR ``invalid_uscc`` (params ``reason``): the record must not lose what was written."""
    if is_empty(raw):
        return EMPTY
    text = _identifier_text(raw)
    if text is None:
        return _fail("invalid_uscc", raw, reason="不是文本")
    code = fold_uscc(text)
    reason = uscc_error(code)
    return Normalized(code) if reason is None else _keep_with_error(code, "invalid_uscc", raw, reason=reason)


_MOBILE = re.compile(r"1\d{10}")
_PHONE_JUNK = re.compile(r"[\s\-()]")
_COUNTRY = re.compile(r"^(\+86|0086|86(?=\d{11}$))")


def _clean_mobile(text: str) -> str:
    return _COUNTRY.sub("", _PHONE_JUNK.sub("", _nfkc(text).translate(_MINUS)))


def is_valid_mobile(s: str) -> bool:
    """11 digits starting with 1, once spaces, dashes, brackets and a +86/0086/86 prefix are dropped."""
    return bool(_MOBILE.fullmatch(_clean_mobile(s)))


def mobile(raw: Any) -> Normalized:
    """A mobile number: ``138 0013 8000``, ``+86-138-0013-8000`` → ``13800138000``; invalid → the text kept
    (stripped, full-width folded) with ERROR ``invalid_mobile``."""
    if is_empty(raw):
        return EMPTY
    text = _identifier_text(raw)
    if text is None:
        return _fail("invalid_mobile", raw)
    cleaned = _clean_mobile(text)
    if _MOBILE.fullmatch(cleaned):
        return Normalized(cleaned)
    return _keep_with_error(_nfkc(text).strip(), "invalid_mobile", raw)


_PHONE_WORDS = re.compile(r"转|分机|ext\.?|x", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"[\d\s\-+()/,;、#*.]+")
MIN_PHONE_DIGITS = 7


def phone(raw: Any) -> Normalized:
    """A landline (or any phone) number, kept as written with full-width folded and spaces collapsed:
    ``(010) 6820-8888转123``. Loose on purpose; ERROR ``invalid_phone`` (text kept) only when it holds
    fewer than 7 digits or characters no phone number has."""
    if is_empty(raw):
        return EMPTY
    text = _identifier_text(raw)
    if text is None:
        return _fail("invalid_phone", raw)
    value = _WS.sub(" ", _nfkc(text).translate(_MINUS)).strip()
    digits = sum(ch.isdigit() for ch in value)
    if digits < MIN_PHONE_DIGITS or not _PHONE_CHARS.fullmatch(_PHONE_WORDS.sub("", value) or "-"):
        return _keep_with_error(value, "invalid_phone", raw)
    return Normalized(value)


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def is_valid_email(s: str) -> bool:
    """E-mail syntax (ASCII local part and host name with a dot and an alphabetic top-level domain);
    full-width characters are folded and surrounding spaces ignored, a space inside is invalid."""
    return bool(_EMAIL.fullmatch(_nfkc(s).strip()))


def email(raw: Any) -> Normalized:
    """An e-mail address, full-width folded (``＠``) and stripped; invalid (a space inside included: which
    half is the address is not guessed) → text kept with ERROR ``invalid_email``."""
    if is_empty(raw):
        return EMPTY
    if not isinstance(raw, str):
        return _fail("invalid_email", raw)
    value = _nfkc(raw).strip()
    return Normalized(value) if _EMAIL.fullmatch(value) else _keep_with_error(value, "invalid_email", raw)


_POSTCODE = re.compile(r"\d{6}")


def is_valid_postcode(s: str) -> bool:
    """Six digits (spaces and full-width folded)."""
    return bool(_POSTCODE.fullmatch(_WS.sub("", _nfkc(s))))


def postcode(raw: Any) -> Normalized:
    """A 6-digit 邮政编码. A spreadsheet number of 5 digits lost its leading 0 (``010010`` stored as
    10010): it is padded with WARN ``postcode_leading_zero``. Invalid → text kept with ERROR
    ``invalid_postcode``."""
    if is_empty(raw):
        return EMPTY
    text = _identifier_text(raw)
    if text is None:
        return _fail("invalid_postcode", raw)
    value = _WS.sub("", _nfkc(text))
    if not isinstance(raw, str) and len(value) == 5 and value.isdigit():
        return _warn("0" + value, "postcode_leading_zero", raw, value="0" + value)
    if _POSTCODE.fullmatch(value):
        return Normalized(value)
    return _keep_with_error(value, "invalid_postcode", raw)


# --- free text --------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\u2028\u2029\x85]")
_RUN = re.compile(r"\s+")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _as_text(raw: Any) -> str | None:
    """A typed spreadsheet value as the text a person would write (whole numbers without ``.0``)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    number = _as_decimal(raw)
    if number is not None:
        return f"{_tidy(number):f}"
    return None


def text(raw: Any) -> Normalized:
    """One line of text: stripped, runs of spaces (U+3000 included) and line breaks collapsed to one space —
    except that a line break between two Chinese characters is dropped (a cell wrapped by the PDF reader:
    ``标准化研\\n究院`` → ``标准化研究院``). Full-width characters are kept (company names use ``（）``).
    None-words → ``None``."""
    if is_empty(raw):
        return EMPTY
    value = _as_text(raw)
    if value is None:
        return _fail("wrong_type", raw, expected="文本")
    value = _CONTROL.sub("", value.translate(INVISIBLE)).strip()
    if is_empty(value):
        return EMPTY

    def join(m: re.Match[str]) -> str:
        run, start, end = m.group(), m.start(), m.end()
        wrapped = "\n" in run or "\r" in run or "\x0b" in run
        return "" if wrapped and _wide(value[start - 1]) and _wide(value[end]) else " "

    return Normalized(_RUN.sub(join, value))


def prose(raw: Any) -> Normalized:
    """Several paragraphs: line breaks kept (joined with ``\\n``), each line stripped (indentation with
    U+3000 too) with inner space runs collapsed, blank lines at either end dropped and inner runs of blank
    lines kept as one. None-words (whole cell) → ``None``."""
    if is_empty(raw):
        return EMPTY
    value = _as_text(raw)
    if value is None:
        return _fail("wrong_type", raw, expected="文本")
    value = _CONTROL.sub("", _LINE_BREAKS.sub("\n", value.translate(INVISIBLE)))
    if is_empty(value):
        return EMPTY
    lines: list[str] = []
    for line in value.split("\n"):
        line = _RUN.sub(" ", line).strip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return Normalized("\n".join(lines))


# --- dispatch ---------------------------------------------------------------------------------------------

#: Text fields whose key names an identifier, with the normaliser that knows its syntax.
_BY_KEY: tuple[tuple[Callable[[str], bool], Callable[[Any], Normalized]], ...] = (
    (lambda key: key == "uscc", uscc),
    (lambda key: key.endswith("mobile"), mobile),
    (lambda key: key.endswith("email"), email),
    (lambda key: key.endswith("postcode"), postcode),
    (lambda key: key.endswith("phone"), phone),
)


#: Types holding one number or date: a cell of them with two is never joined into one.
_SCALAR_TYPES = NUMERIC_TYPES | {FieldType.DATE}


def _several_values(raw: str, one: Callable[[str], Normalized]) -> Normalized | None:
    """Two or more values written in one number or date cell (``5000 6000``, a line break, two paragraphs)
    → ERROR ``several_values`` listing them, rather than one joined number (50006000) no one wrote.

    A piece counts as a value when ``one`` reads it alone without a problem: ``5000 万元`` or
    ``2025年 6月 30日`` are one value each; ``1 186`` is two (digits grouped by spaces are not a Chinese
    habit, and a person must say which was meant).
    """
    text = _nfkc(raw).strip()
    pieces = _WS.split(text)
    if len(pieces) < 2:
        return None
    readings = [one(piece) for piece in pieces]
    if all(r.ok and r.value is not None for r in readings):
        return _fail("several_values", raw, values="、".join(pieces))
    return None


def normalize(field: Field, raw: Any, *, percent_format: bool = False) -> Normalized:
    """Normalise one cell for ``field``: dispatch by type (a metric by its ``item_type``) and, for text, by
    key (``uscc``, ``*mobile``, ``*email``, ``*postcode``, ``*phone``).

    The value is record-ready: a multi-choice gives the chosen list (its ``其他`` text in ``.other``), not
    ``checkboxes``' pair; an empty cell gives ``None`` for every type (the record makes it ``[]`` for a list).
    A number or date cell holding several values is an error (``several_values``), never one joined value.
    A table is not one cell: ``TypeError``.
    """
    ftype = field.item_type if field.type is FieldType.METRIC else field.type
    if ftype in _SCALAR_TYPES and isinstance(raw, str):
        several = _several_values(raw, lambda piece: _one(field, ftype, piece, percent_format))
        if several is not None:
            return several
    return _one(field, ftype, raw, percent_format)


def _one(field: Field, ftype: FieldType | None, raw: Any, percent_format: bool) -> Normalized:
    """One cell's value by ``ftype`` (and, for text, by the field's key)."""
    match ftype:
        case FieldType.TEXT:
            for applies, normaliser in _BY_KEY:
                if applies(field.key):
                    return normaliser(raw)
            return text(raw)
        case FieldType.PROSE:
            return prose(raw)
        case FieldType.INT:
            return integer(raw, unit=field.unit)
        case FieldType.WAN:
            return money(raw)
        case FieldType.PCT:
            return percent(raw, percent_format=percent_format)
        case FieldType.M2:
            return decimal_number(raw, unit=field.unit)
        case FieldType.DATE:
            return date_value(raw)
        case FieldType.YEAR:
            return year(raw)
        case FieldType.BOOL:
            return boolean(raw)
        case FieldType.CHOICE:
            return choice(raw, field.options)
        case FieldType.MULTI:
            result = checkboxes(raw, field.options)
            if isinstance(result.value, tuple):
                return Normalized(result.value[0], result.problem, result.value[1])
            return result
    raise TypeError(f"{field.key}: a {field.type} field is not normalised cell by cell")


__all__ = [
    "Normalized",
    "boolean",
    "checkboxes",
    "choice",
    "date_value",
    "decimal_number",
    "email",
    "integer",
    "is_valid_email",
    "is_valid_mobile",
    "is_valid_postcode",
    "mobile",
    "money",
    "normalize",
    "percent",
    "phone",
    "postcode",
    "prose",
    "text",
    "uscc",
    "year",
]
