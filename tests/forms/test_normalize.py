"""Normalisers: every format the spec lists gives the typed value back; anything unsure says so."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms import ANNEX1, ANNEX2, FORMS
from forms import normalize as nz
from forms.model import Field, FieldType
from forms.normalize import Normalized
from forms.options import PROJECT_LEVELS, SERVICE_FIELDS, SERVICE_SCOPES, UNIT_NATURES
from forms.problems import MESSAGES, Severity
from forms.uscc import ALPHABET, check_character
from forms.vocabulary import is_empty

FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")
D = Decimal


def clean(result: Normalized, value: Any) -> None:
    assert result.problem is None, result.problem
    assert result.value == value
    assert type(result.value) is type(value)


def warned(result: Normalized, code: str, value: Any) -> None:
    assert result.problem is not None and result.problem.code == code, result.problem
    assert result.problem.severity is Severity.WARN
    assert result.value == value


def failed(result: Normalized, code: str, *, kept: Any = None) -> None:
    assert result.problem is not None and result.problem.code == code, result.problem
    assert result.problem.severity is Severity.ERROR
    assert result.value == kept


# --- empty cells ------------------------------------------------------------------------------------------

EMPTY_CELLS: list[Any] = [
    None,
    "",
    "   ",
    "\u3000",
    "\n",
    "____",
    "＿＿＿",
    "无",
    " 无 ",
    "无。",
    "/",
    "／",
    "\\",
    "—",
    "——",
]
EMPTY_CELLS += [
    "–",
    "-",
    "－",
    "--",
    "暂无",
    "没有",
    "空",
    "N/A",
    "n/a",
    "NA",
    "nil",
    "None",
    "不适用",
    [],
    ["", "无"],
]


@pytest.mark.parametrize("raw", EMPTY_CELLS)
def test_empty_cells(raw: Any) -> None:
    assert is_empty(raw)
    for normaliser in (nz.money, nz.percent, nz.integer, nz.decimal_number, nz.year, nz.date_value, nz.text):
        assert normaliser(raw) == Normalized(None), normaliser.__name__
    assert nz.checkboxes(raw, SERVICE_FIELDS) == Normalized(None)
    assert nz.choice(raw, UNIT_NATURES) == Normalized(None)


@pytest.mark.parametrize("raw", ["0", 0, "无锡", "无人机", "-5", "没有问题", "nan", False, "N"])
def test_not_empty(raw: Any) -> None:
    assert not is_empty(raw)


# --- money ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,200.5", "1200.50"),
        ("1200.50万元", "1200.50"),
        ("1200.5 万元", "1200.50"),
        ("1200.5万", "1200.50"),
        ("１２００", "1200.00"),
        ("１，２００．５万元", "1200.50"),
        ("12,345,678.9", "12345678.90"),
        ("¥1,000", "1000.00"),
        ("人民币 1000 万元", "1000.00"),
        ("1200.5（万元）", "1200.50"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("3.", "3.00"),
        (1200, "1200.00"),
        (1200.5, "1200.50"),
        (0.1 + 0.2, "0.30"),  # binary noise of a spreadsheet sum is not a third decimal
        (1234.5600000000001, "1234.56"),
        (D("99.9"), "99.90"),
    ],
)
def test_money(raw: Any, value: str) -> None:
    clean(nz.money(raw), D(value))
    assert nz.money(raw).value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("raw", "code", "value"),
    [
        ("125,000元", "money_in_yuan", "12.50"),
        ("125000 元", "money_in_yuan", "12.50"),
        ("12345元", "money_in_yuan", "1.2345"),  # converted exactly, not rounded
        ("1.2亿元", "money_in_yi", "12000.00"),
        ("1.2亿", "money_in_yi", "12000.00"),
        ("1.005", "money_too_precise", "1.005"),  # kept as written: never rounded
        ("1,200.555万元", "money_too_precise", "1200.555"),
        ("999.995", "money_too_precise", "999.995"),  # must not become 1000.00 (第六条（六）)
    ],
)
def test_money_converted_or_rounded_is_flagged(raw: str, code: str, value: str) -> None:
    result = nz.money(raw)
    warned(result, code, D(value))
    assert result.problem is not None and result.problem.params["value"] == value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("-5", "negative"),
        ("－1,200.5万元", "negative"),
        ("−3", "negative"),
        (-0.5, "negative"),
        ("abc", "invalid_money"),
        ("约1200万元", "invalid_money"),
        ("1200美元", "invalid_money"),
        ("1,2", "invalid_money"),
        ("1200,5", "invalid_money"),
        ("12,00.5", "invalid_money"),
        ("1.2.3", "invalid_money"),
        ("1e3", "invalid_money"),
        ("万元", "invalid_money"),
        ("一千万", "invalid_money"),
        (True, "invalid_money"),
        (float("nan"), "invalid_money"),
        (float("inf"), "invalid_money"),
        (D("NaN"), "invalid_money"),
        (dt.date(2025, 1, 1), "invalid_money"),
        ("1e15", "invalid_money"),
        (10**15, "out_of_range"),
    ],
)
def test_money_refused(raw: Any, code: str) -> None:
    failed(nz.money(raw), code)


amounts = st.decimals(min_value=0, max_value=D("999999999.99"), places=2)


@given(amounts)
def test_money_round_trips_every_spelling(amount: Decimal) -> None:
    spellings = [
        f"{amount:f}",
        f"{amount:,.2f}",
        f"{amount:.2f}万元",
        f"{amount:,} 万元",
        f"{amount:,.2f}".translate(FULL_WIDTH) + "万元",
        f" {amount:.2f} ",
    ]
    for spelling in spellings:
        result = nz.money(spelling)
        assert result.ok and result.value == amount, spelling
    assert nz.money(float(amount)).value == amount
    assert nz.money(amount).value == amount


@given(amounts.filter(lambda a: a < D("99999")))
def test_money_in_yuan_round_trips(amount: Decimal) -> None:
    result = nz.money(f"{amount * 10000:,.0f}元")
    assert result.value == amount and result.problem is not None and result.problem.code == "money_in_yuan"


# --- percentages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kwargs", "value"),
    [
        ("79.95%", {}, "79.95"),
        ("79.95", {}, "79.95"),
        ("７９．９５％", {}, "79.95"),
        ("79.95 %", {}, "79.95"),
        ("100%", {}, "100"),
        ("0", {}, "0"),
        ("0%", {}, "0"),
        ("0.8%", {}, "0.8"),
        ("60.0", {}, "60"),
        (79.95, {}, "79.95"),
        (0.7995, {"percent_format": True}, "79.95"),
        (1, {"percent_format": True}, "100"),
        ("0.6", {"percent_format": True}, "60"),
        ("60%", {"percent_format": True}, "60"),
    ],
)
def test_percent(raw: Any, kwargs: dict[str, bool], value: str) -> None:
    clean(nz.percent(raw, **kwargs), D(value))


@pytest.mark.parametrize(("raw", "alt"), [("0.8", "80"), ("1", "100"), (0.25, "25"), ("0.05", "5")])
def test_bare_fraction_is_ambiguous(raw: Any, alt: str) -> None:
    result = nz.percent(raw)
    warned(result, "percent_ambiguous", D(str(raw)))
    assert result.problem is not None and result.problem.params["alt"] == alt


@pytest.mark.parametrize(
    ("raw", "kwargs", "code"),
    [
        ("101", {}, "out_of_range"),
        ("-1%", {}, "out_of_range"),
        (1.5, {"percent_format": True}, "out_of_range"),
        ("abc", {}, "invalid_percent"),
        ("80%%", {}, "invalid_percent"),
        ("百分之八十", {}, "invalid_percent"),
        ("80人", {}, "invalid_percent"),
        ("%", {}, "invalid_percent"),
    ],
)
def test_percent_refused(raw: Any, kwargs: dict[str, bool], code: str) -> None:
    failed(nz.percent(raw, **kwargs), code)


@given(st.decimals(min_value=D("1.01"), max_value=100, places=2))
def test_percent_round_trips(pct: Decimal) -> None:
    for spelling in (f"{pct}%", f"{pct:f}", f"{pct} %", f"{pct}%".translate(FULL_WIDTH)):
        assert nz.percent(spelling) == Normalized(pct.normalize() if pct % 1 else pct.quantize(D(1)))
    assert nz.percent(float(pct) / 100, percent_format=True).value == pct


# --- counts, areas, years ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "unit", "value"),
    [
        ("1,234", None, 1234),
        ("56人", "人", 56),
        ("56 人", "人", 56),
        ("５６", None, 56),
        ("５６人", None, 56),
        ("56.0", None, 56),
        ("56.00", "人", 56),
        ("12台（套）", "台套", 12),
        ("12台/套", "台套", 12),
        ("12套", "台套", 12),
        ("0", None, 0),
        (56, None, 56),
        (56.0, None, 56),
        (D("56"), None, 56),
    ],
)
def test_integer(raw: Any, unit: str | None, value: int) -> None:
    clean(nz.integer(raw, unit=unit), value)


@pytest.mark.parametrize(
    ("raw", "unit", "code"),
    [
        ("56.5", None, "not_integer"),
        (56.5, None, "not_integer"),
        ("-3", None, "negative"),
        ("56人次", "人", "wrong_unit"),
        ("56万元", None, "invalid_number"),
        ("约50", None, "invalid_number"),
        ("50+", None, "invalid_number"),
        ("五十六", None, "invalid_number"),
        ("56 个人", "人", "invalid_number"),
        (True, None, "invalid_number"),
    ],
)
def test_integer_refused(raw: Any, unit: str | None, code: str) -> None:
    failed(nz.integer(raw, unit=unit), code)


def test_wrong_unit_names_the_expected_one() -> None:
    result = nz.integer("56台", unit="人")
    assert result.problem is not None and result.problem.params == {"expected": "人"}


@given(st.integers(min_value=0, max_value=10**9))
def test_integer_round_trips(n: int) -> None:
    for spelling in (f"{n}", f"{n:,}", f"{n}人", f"{n} 人", f"{n:,}".translate(FULL_WIDTH), f"{n}.0"):
        assert nz.integer(spelling, unit="人") == Normalized(n), spelling


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,200.5平方米", "1200.5"),
        ("1200㎡", "1200"),
        ("1200 m²", "1200"),
        ("1200平米", "1200"),
        ("1200.50", "1200.5"),
        (1200.5, "1200.5"),
    ],
)
def test_decimal_number(raw: Any, value: str) -> None:
    clean(nz.decimal_number(raw, unit="平方米"), D(value))
    clean(nz.decimal_number(raw), D(value))


@pytest.mark.parametrize(
    ("raw", "code"), [("12万元", "wrong_unit"), ("-1", "negative"), ("大约一千", "invalid_number")]
)
def test_decimal_number_refused(raw: str, code: str) -> None:
    failed(nz.decimal_number(raw, unit="平方米"), code)


@pytest.mark.parametrize(
    "raw",
    [
        "2025",
        "2025年",
        "2025年度",
        "２０２５",
        " 2025 ",
        2025,
        2025.0,
        "2025.0",
        "二〇二五年",
        dt.date(2025, 7, 1),
    ],
)
def test_year(raw: Any) -> None:
    clean(nz.year(raw), 2025)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1899", "out_of_range"),
        (2101, "out_of_range"),
        ("25", "invalid_year"),
        ("2024-2025", "invalid_year"),
        ("2025.5", "invalid_year"),
        (2025.5, "invalid_year"),
        ("今年", "invalid_year"),
    ],
)
def test_year_refused(raw: Any, code: str) -> None:
    failed(nz.year(raw), code)


@given(st.integers(min_value=1900, max_value=2100))
def test_year_round_trips(y: int) -> None:
    for spelling in (str(y), f"{y}年", f"{y}年度", str(y).translate(FULL_WIDTH), float(y)):
        assert nz.year(spelling) == Normalized(y)


# --- dates ------------------------------------------------------------------------------------------------

MARCH_1 = dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    "raw",
    [
        "2025年3月1日",
        "2025年03月01日",
        "2025 年 3 月 1 日",
        "２０２５年３月１日",
        "2025.3.1",
        "2025．3．1",
        "2025/03/01",
        "2025-3-1",
        "2025-03-01",
        "20250301",
        20250301,
        "二〇二五年三月一日",
        "2025-03-01 00:00:00",
        "2025-03-01T00:00:00",
        MARCH_1,
        dt.datetime(2025, 3, 1, 14, 30),
    ],
)
def test_date(raw: Any) -> None:
    clean(nz.date_value(raw), MARCH_1)


def test_chinese_numeral_days() -> None:
    assert nz.date_value("二〇二四年十二月三十一日").value == dt.date(2024, 12, 31)
    assert nz.date_value("二〇二四年十月二十日").value == dt.date(2024, 10, 20)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2025年3月", "invalid_date"),  # the day is not guessed
        ("2025-03", "invalid_date"),
        ("2025.3", "invalid_date"),
        ("2025", "invalid_date"),
        (2025, "invalid_date"),
        ("2025-02-30", "invalid_date"),
        ("2025年2月29日", "invalid_date"),  # not a leap year
        ("2025-13-01", "invalid_date"),
        ("2025/3-1", "invalid_date"),  # mixed separators
        ("20251301", "invalid_date"),
        ("二〇二五年十三月一日", "invalid_date"),
        ("3/1/2025", "invalid_date"),
        ("明天", "invalid_date"),
        (45717.0, "invalid_date"),  # a spreadsheet serial number is not read as a date
        (True, "invalid_date"),
        ("1899-12-31", "out_of_range"),
        (dt.date(1, 1, 1), "out_of_range"),
    ],
)
def test_date_refused(raw: Any, code: str) -> None:
    failed(nz.date_value(raw), code)


CN_DIGITS = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    tens, ones = divmod(n, 10)
    return ("" if tens < 2 else CN_DIGITS[tens]) + ("十" if tens else "") + (CN_DIGITS[ones] if ones else "")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_date_round_trips_every_spelling(d: dt.date) -> None:
    y, m, day = d.year, d.month, d.day
    spellings = [
        f"{y}年{m}月{day}日",
        f"{y}年{m:02}月{day:02}日",
        f"{y}.{m}.{day}",
        f"{y}/{m:02}/{day:02}",
        f"{y}-{m}-{day}",
        d.isoformat(),
        f"{y}{m:02}{day:02}",
        f"{y}年{m}月{day}日".translate(FULL_WIDTH),
        "".join(CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn_small(m)}月{_cn_small(day)}日",
        dt.datetime(y, m, day, 9, 15),
    ]
    for spelling in spellings:
        assert nz.date_value(spelling) == Normalized(d), spelling


# --- yes/no -----------------------------------------------------------------------------------------------

CHOSEN = ["☑", "■", "√", "✓", "✔", "☒", "⊠", "[x]", "[X]", "(x)", "（x）", "［ｘ］", "[√]"]
NOT_CHOSEN = ["☐", "□", "[ ]", "( )", "（ ）", "[]"]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (True, True),
        (False, False),
        ("是", True),
        ("否", False),
        (" 是 ", True),
        ("☑是 ☐否", True),
        ("☐是 ☑否", False),
        ("☑ 是  ☐ 否", True),
        ("■是□否", True),
        ("[x]是 [ ]否", True),
        ("（x）是（ ）否", True),
        ("√是 否", True),  # only the chosen option is marked
        ("是 √否", False),
        ("是√ 否", True),  # the mark after its option
        ("是 否√", False),
        ("是☐ 否☑", False),
        ("√", True),
        ("✓", True),
        ("☑", True),
        ("×", False),
        ("不是", False),
        ("Yes", True),
        ("no", False),
    ],
)
def test_boolean(raw: Any, value: bool) -> None:
    clean(nz.boolean(raw), value)


@pytest.mark.parametrize(("raw", "value"), [("有", True), ("无", False), ("没有", False), ("暂无", False)])
def test_have_words_answer_but_ask_for_a_look(raw: str, value: bool) -> None:
    result = nz.boolean(raw)
    warned(result, "bool_word", value)
    assert result.problem is not None and result.problem.params["value"] == ("是" if value else "否")


@pytest.mark.parametrize("raw", [None, "", "/", "—", "☐是 ☐否", "□是 □否", "[ ]是 [ ]否"])
def test_boolean_none_chosen_is_empty(raw: Any) -> None:
    assert nz.boolean(raw) == Normalized(None)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("☑是 ☑否", "bool_conflict"),
        ("■是 √否", "bool_conflict"),
        ("[x]是 [x]否", "bool_conflict"),
        ("是否", "invalid_bool"),
        ("maybe", "invalid_bool"),
        ("☑可能", "invalid_bool"),
        (1, "invalid_bool"),
        (0, "invalid_bool"),
        ("是 √ 否", "ambiguous_marks"),  # the mark touches neither side
    ],
)
def test_boolean_refused(raw: Any, code: str) -> None:
    failed(nz.boolean(raw), code)


@given(
    st.booleans(),
    st.sampled_from(CHOSEN),
    st.sampled_from(NOT_CHOSEN),
    st.sampled_from(["", " ", "  ", "\u3000"]),
)
def test_boolean_every_mark(value: bool, on: str, off: str, gap: str) -> None:
    row = f"{on}是{gap}{off}否" if value else f"{off}是{gap}{on}否"
    assert nz.boolean(row) == Normalized(value)
    assert nz.boolean(f"{on}是{gap}{on}否").problem.code == "bool_conflict"  # type: ignore[union-attr]


# --- checkboxes and choices -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "chosen", "other"),
    [
        ("☑装备 ☐石化化工 ■钢铁", ["装备", "钢铁"], None),
        ("[x] 装备 [ ] 钢铁", ["装备"], None),
        ("钢铁、装备", ["装备", "钢铁"], None),
        ("装备，钢铁; 新能源/新材料", ["装备", "钢铁", "新能源", "新材料"], None),
        ("装备\n钢铁", ["装备", "钢铁"], None),
        ("装备、装备", ["装备"], None),
        ("装备、其他：智能制造、工业软件", ["装备", "其他"], "智能制造、工业软件"),
        ("其他（智能制造）、钢铁", ["钢铁", "其他"], "智能制造"),
        ("☑其他（智能制造） ☐装备", ["其他"], "智能制造"),
        ("☐装备 ☑其他：智能 制造", ["其他"], "智能 制造"),
        ("服务行业领域：☑装备 ☐钢铁", ["装备"], None),  # a repeated label before the row is ignored
        ("☑装备 钢铁 ☐新能源", ["装备"], None),  # 钢铁 has no mark of its own
        (["装备", "钢铁"], ["装备", "钢铁"], None),
        (("钢铁", "其他：氢能"), ["钢铁", "其他"], "氢能"),
        (["☑装备", "☐钢铁", ""], ["装备"], None),
    ],
)
def test_checkboxes(raw: Any, chosen: list[str], other: str | None) -> None:
    result = nz.checkboxes(raw, SERVICE_FIELDS)
    clean(result, (chosen, other))
    assert result.other == other


def test_checkboxes_unknown_names_lose_nothing_silently() -> None:
    result = nz.checkboxes("装备、钢材、新能源、芯片", SERVICE_FIELDS)
    failed(result, "unknown_option")
    assert result.problem is not None and result.problem.params["unknown"] == "钢材、芯片"
    assert "新一代信息技术" in result.problem.params["options"]
    failed(nz.checkboxes("☑装备 ☑钢材", SERVICE_FIELDS), "unknown_option")
    failed(nz.checkboxes([1, 2], SERVICE_FIELDS), "unknown_option")  # type: ignore[list-item]
    # 其他 is only free text where the options offer it.
    failed(nz.checkboxes("其他：国家级", PROJECT_LEVELS), "unknown_option")


def test_checkboxes_loose_ends_of_other() -> None:
    warned(nz.checkboxes("☑装备 ☑其他", SERVICE_FIELDS), "other_text_missing", (["装备", "其他"], None))
    warned(nz.checkboxes("☑其他：____", SERVICE_FIELDS), "other_text_missing", (["其他"], None))
    result = nz.checkboxes("☑装备 ☐其他：氢能", SERVICE_FIELDS)
    warned(result, "other_text_unchecked", (["装备"], None))
    assert result.problem is not None and result.problem.params["other"] == "氢能"
    warned(nz.checkboxes("☐装备 ☐其他：氢能", SERVICE_FIELDS), "other_text_unchecked", None)
    assert nz.checkboxes("☐装备 ☐其他：____", SERVICE_FIELDS) == Normalized(None)


def test_checkboxes_none_chosen_is_empty() -> None:
    assert nz.checkboxes("☐装备 ☐钢铁 ☐其他", SERVICE_FIELDS) == Normalized(None)
    assert nz.checkboxes(["☐装备"], SERVICE_FIELDS) == Normalized(None)


@given(
    st.sets(st.sampled_from(SERVICE_SCOPES[:-1]), min_size=1),
    st.sampled_from(CHOSEN),
    st.sampled_from(NOT_CHOSEN),
)
def test_checkboxes_round_trip(chosen: set[str], on: str, off: str) -> None:
    expected = [o for o in SERVICE_SCOPES if o in chosen]
    row = " ".join(f"{on if o in chosen else off}{o}" for o in SERVICE_SCOPES)
    assert nz.checkboxes(row, SERVICE_SCOPES) == Normalized((expected, None))
    assert nz.checkboxes("、".join(sorted(chosen)), SERVICE_SCOPES) == Normalized((expected, None))
    assert nz.checkboxes(sorted(chosen), SERVICE_SCOPES) == Normalized((expected, None))


@pytest.mark.parametrize(
    ("raw", "value", "other"),
    [
        ("企业", "企业", None),
        (" 事业 单位 ", "事业单位", None),
        ("☐企业 ☑事业单位 ☐社会团体 ☐其他", "事业单位", None),
        ("其他（民办非企业单位）", "其他", "民办非企业单位"),
        ("其他：民办非企业单位", "其他", "民办非企业单位"),
        ("☐企业 ☑其他（民办非企业单位）", "其他", "民办非企业单位"),
        ("企业√ 事业单位", "企业", None),
    ],
)
def test_choice(raw: str, value: str, other: str | None) -> None:
    result = nz.choice(raw, UNIT_NATURES)
    clean(result, value)
    assert result.other == other


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("☑企业 ☑事业单位", "choice_conflict"),
        ("企业、事业单位", "choice_conflict"),
        ("国有企业", "unknown_option"),
        ("☑国企", "unknown_option"),
        (3, "unknown_option"),
    ],
)
def test_choice_refused(raw: Any, code: str) -> None:
    failed(nz.choice(raw, UNIT_NATURES), code)


def test_choice_none_chosen_and_other_missing() -> None:
    assert nz.choice("☐企业 ☐事业单位", UNIT_NATURES) == Normalized(None)
    warned(nz.choice("☑其他", UNIT_NATURES), "other_text_missing", "其他")


# --- identifiers and contact details ----------------------------------------------------------------------

USCC = "91350100M000100Y43"


@pytest.mark.parametrize(
    "raw", [USCC, USCC.lower(), "９１３５０１００Ｍ０００１００Ｙ４３", " 9135 0100 M000 100Y 43"]
)
def test_uscc(raw: str) -> None:
    clean(nz.uscc(raw), USCC)


@pytest.mark.parametrize(
    ("raw", "kept", "reason"),
    [
        ("91350100M000100Y44", "91350100M000100Y44", "校验码应为“3”"),
        ("91350100m000100y4", "91350100M000100Y4", "长度不是18位"),
        ("91350100I000100Y43", "91350100I000100Y43", "含非法字符“I”"),
    ],
)
def test_invalid_uscc_is_kept_and_reported(raw: str, kept: str, reason: str) -> None:
    result = nz.uscc(raw)
    failed(result, "invalid_uscc", kept=kept)
    assert result.problem is not None and result.problem.params["reason"] == reason
    assert reason in result.problem.at("applicant.uscc", label="统一社会信用代码").message


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.booleans(), st.booleans())
def test_uscc_round_trips(head: str, lower: bool, wide: bool) -> None:
    code = head + check_character(head)
    typed = code.lower() if lower else code
    if wide:
        typed = "".join(chr(ord(c) + 0xFEE0) for c in typed)
    assert nz.uscc(typed) == Normalized(code)


@pytest.mark.parametrize(
    "raw",
    [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "+86-13800138000",
        "(+86)13800138000",
        "008613800138000",
        "8613800138000",
        "１３８００１３８０００",
        13800138000,
        13800138000.0,
    ],
)
def test_mobile(raw: Any) -> None:
    clean(nz.mobile(raw), "13800138000")
    assert nz.is_valid_mobile(str(raw) if not isinstance(raw, float) else "13800138000")


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("1380013800", "1380013800"),
        ("23800138000", "23800138000"),
        ("010-68208888", "010-68208888"),
        ("138001380001", "138001380001"),
        ("手机 13800138000", "手机 13800138000"),
        ("１３８ ００１３", "138 0013"),
    ],
)
def test_invalid_mobile_is_kept(raw: str, kept: str) -> None:
    failed(nz.mobile(raw), "invalid_mobile", kept=kept)
    assert not nz.is_valid_mobile(raw)


@given(st.from_regex(r"1[0-9]{10}", fullmatch=True), st.sampled_from(["", "+86 ", "+86-", "86", "0086 "]))
def test_mobile_round_trips(number: str, prefix: str) -> None:
    for spelling in (
        number,
        f"{number[:3]} {number[3:7]} {number[7:]}",
        f"{number[:3]}-{number[3:7]}-{number[7:]}",
    ):
        assert nz.mobile(prefix + spelling) == Normalized(number)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("010-68208888", "010-68208888"),
        ("（010）6820 8888", "(010)6820 8888"),
        ("０１０－６８２０８８８８", "010-68208888"),
        ("010  6820\u30008888 转 123", "010 6820 8888 转 123"),
        ("0591-87654321、13800138000", "0591-87654321、13800138000"),
        ("010—68208888", "010-68208888"),
        (68208888, "68208888"),
    ],
)
def test_phone(raw: Any, value: str) -> None:
    clean(nz.phone(raw), value)


@pytest.mark.parametrize(
    ("raw", "kept"), [("12345", "12345"), ("电话待定", "电话待定"), ("abc1234567", "abc1234567")]
)
def test_invalid_phone_is_kept(raw: str, kept: str) -> None:
    failed(nz.phone(raw), "invalid_phone", kept=kept)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("zhang.san@example.com.cn", "zhang.san@example.com.cn"),
        (" li_si+itb@caict.ac.cn ", "li_si+itb@caict.ac.cn"),
        ("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "wang@example.com"),
        ("Wang.Wu@Example.COM", "Wang.Wu@Example.COM"),
    ],
)
def test_email(raw: str, value: str) -> None:
    clean(nz.email(raw), value)
    assert nz.is_valid_email(raw)


@pytest.mark.parametrize(
    "raw",
    ["zhang@example", "zhang.example.com", "zhang@@example.com", "zhang san@example.com", "a@b.c", ".a@b.cn"],
)
def test_invalid_email_is_kept(raw: str) -> None:
    failed(nz.email(raw), "invalid_email", kept=raw.strip())
    assert not nz.is_valid_email(raw)


@pytest.mark.parametrize(
    ("raw", "value"), [("100081", "100081"), ("１００ ０８１", "100081"), (100081, "100081")]
)
def test_postcode(raw: Any, value: str) -> None:
    clean(nz.postcode(raw), value)


def test_postcode_that_lost_its_leading_zero() -> None:
    warned(nz.postcode(10010), "postcode_leading_zero", "010010")
    failed(nz.postcode("10010"), "invalid_postcode", kept="10010")  # typed text: not padded


@pytest.mark.parametrize("raw", ["1000811", "10008", "10008a", "北京"])
def test_invalid_postcode_is_kept(raw: str) -> None:
    failed(nz.postcode(raw), "invalid_postcode", kept=raw)
    assert not nz.is_valid_postcode(raw)


def test_validators_for_the_checks() -> None:
    assert nz.is_valid_postcode("100 081") and nz.is_valid_postcode("１０００８１")
    assert nz.is_valid_mobile("+86 138-0013-8000")
    assert nz.is_valid_email("a@b.cn") and not nz.is_valid_email("a@b")


# --- free text --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("  国家某某检测平台  ", "国家某某检测平台"),
        ("中国电子技术标准化研\n究院", "中国电子技术标准化研究院"),  # a wrapped cell
        (
            "中国电子技术标准化研究院\n（工业和信息化部电子第四研究院）",
            "中国电子技术标准化研究院（工业和信息化部电子第四研究院）",
        ),
        ("Beijing\nInstitute", "Beijing Institute"),
        ("北京市  海淀区\u3000学院路", "北京市 海淀区 学院路"),
        ("某某\u200b公司\ufeff", "某某公司"),
        ("张\u3000三", "张 三"),
        ("无锡", "无锡"),
        (12345, "12345"),
        (12345.0, "12345"),
        (D("1.50"), "1.5"),
        (True, "是"),
        (dt.date(2025, 3, 1), "2025-03-01"),
        (dt.datetime(2025, 3, 1), "2025-03-01"),
    ],
)
def test_text(raw: Any, value: str) -> None:
    clean(nz.text(raw), value)


def test_text_keeps_full_width_brackets_of_names() -> None:
    assert nz.text("某某（北京）科技有限公司").value == "某某（北京）科技有限公司"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("\n\n\u3000\u3000第一段。\n\n\n\n第二段  内容。\n\n", "第一段。\n\n第二段 内容。"),
        ("第一段\r\n第二段\r第三段\x0b第四段", "第一段\n第二段\n第三段\n第四段"),
        ("  一行  ", "一行"),
        ("无\n", None),
    ],
)
def test_prose(raw: str, value: str | None) -> None:
    assert nz.prose(raw) == Normalized(value)


def test_text_of_something_that_is_no_text() -> None:
    failed(nz.text(["a"]), "wrong_type")
    failed(nz.prose({"a": 1}), "wrong_type")


# --- dispatch ---------------------------------------------------------------------------------------------


def test_every_field_of_both_forms_dispatches() -> None:
    for fd in FORMS.values():
        for path, f in fd.iter_fields():
            if f.type is FieldType.TABLE:
                with pytest.raises(TypeError, match=f.key):
                    nz.normalize(f, "x")
                for col in f.columns:
                    assert nz.normalize(col, None) == Normalized(None), f"{path}.{col.key}"
            else:
                assert nz.normalize(f, None) == Normalized(None), path
                assert nz.normalize(f, "无").value in (None, False), path


@pytest.mark.parametrize(
    ("path", "raw", "value"),
    [
        ("applicant.uscc", "91350100m000100y43", USCC),
        ("applicant.contact_mobile", "138 0013 8000", "13800138000"),
        ("applicant.contact_email", "ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "wang@example.com"),
        ("applicant.postcode", "１００ ０８１", "100081"),
        ("applicant.legal_rep_phone", "０１０－６８２０８８８８", "010-68208888"),
        ("applicant.name", " 某某 研究院 ", "某某 研究院"),
        ("applicant.registered_capital", "1,200.5万元", D("1200.50")),
        ("applicant.itb_share", "79.95%", D("79.95")),
        ("applicant.staff_total", "56人", 56),
        ("applicant.site_area", "1200㎡", D("1200")),
        ("applicant.established", "2001年5月8日", dt.date(2001, 5, 8)),
        ("applicant.independent_legal_person", "☑是 ☐否", True),
        ("applicant.nature", "☑事业单位", "事业单位"),
        ("platform.service_scopes", "☑计量检测 ☐认证认可 ☑知识产权", ["计量检测", "知识产权"]),
        ("platform.summary", "第一段\n\n第二段", "第一段\n\n第二段"),
        ("capability.equipment.quantity", "12台（套）", 12),
        ("capability.leaders.birth_year", "1975年", 1975),
        ("performance.projects.level", "国家级", "国家级"),
    ],
)
def test_normalize_annex1(path: str, raw: Any, value: Any) -> None:
    clean(nz.normalize(ANNEX1.field(path), raw), value)


def test_normalize_metric_uses_its_item_type() -> None:
    clean(nz.normalize(ANNEX2.field("capacity.staff_total"), "56人"), 56)
    clean(nz.normalize(ANNEX2.field("capacity.equipment_value"), "1,200.5"), D("1200.50"))
    clean(nz.normalize(ANNEX2.field("capacity.site_area"), "1200平方米"), D("1200"))
    failed(nz.normalize(ANNEX2.field("capacity.staff_total"), "56台"), "wrong_unit")
    with pytest.raises(TypeError):
        nz.normalize(Field("m", "指标", FieldType.METRIC), "1")


def test_normalize_percent_format_and_other_text() -> None:
    share = ANNEX2.field("operations.itb_share")
    clean(nz.normalize(share, 0.7995, percent_format=True), D("79.95"))
    warned(nz.normalize(share, 0.7995), "percent_ambiguous", D("0.7995"))
    fields = nz.normalize(ANNEX1.field("platform.service_fields"), "☑装备 ☑其他（氢能）")
    assert fields == Normalized(["装备", "其他"], None, "氢能")
    nature = nz.normalize(ANNEX1.field("applicant.nature"), "其他：民办非企业单位")
    assert nature == Normalized("其他", None, "民办非企业单位")
    failed(nz.normalize(ANNEX1.field("platform.service_fields"), "装备、芯片"), "unknown_option")


# --- messages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normaliser", "code", "fragment"),
    [
        ("125,000元", nz.money, "money_in_yuan", "已换算为 12.50 万元"),
        ("1.2亿", nz.money, "money_in_yi", "已换算为 12000.00 万元"),
        ("0.8", nz.percent, "percent_ambiguous", "是 0.8% 还是 80%"),
        ("2025年3月", nz.date_value, "invalid_date", "2025年3月"),
        ("☑是 ☑否", nz.boolean, "bool_conflict", "同时被勾选"),
        ("101", nz.percent, "out_of_range", "0–100"),
    ],
)
def test_messages_name_label_raw_and_params(raw: str, normaliser: Any, code: str, fragment: str) -> None:
    problem = normaliser(raw).problem
    assert problem is not None and problem.code == code and problem.field is None and problem.raw == raw
    placed = problem.at("applicant.itb_share", label="产业技术基础服务业务占比（%）")
    assert placed.field == "applicant.itb_share"
    assert placed.message.startswith("产业技术基础服务业务占比（%）：") and fragment in placed.message


#: One input per problem code the normalisers give (with the normaliser that gives it).
PROBLEM_SAMPLES: list[tuple[Any, Any]] = [
    (lambda raw: nz.normalize(ANNEX1.field("applicant.staff_total"), raw), "186 190"),
    (nz.money, "abc"),
    (nz.money, "125,000元"),
    (nz.money, "1.2亿"),
    (nz.money, "1.005"),
    (nz.money, "-5"),
    (nz.money, 10**15),
    (nz.percent, "abc"),
    (nz.percent, "0.8"),
    (nz.percent, "101"),
    (lambda raw: nz.integer(raw, unit="人"), "56台"),
    (nz.integer, "56.5"),
    (nz.integer, "abc"),
    (nz.year, "abc"),
    (nz.date_value, "2025-02-30"),
    (nz.boolean, "maybe"),
    (nz.boolean, "☑是 ☑否"),
    (nz.boolean, "无"),
    (nz.boolean, "是 √ 否"),
    (lambda raw: nz.choice(raw, UNIT_NATURES), "☑企业 ☑事业单位"),
    (lambda raw: nz.choice(raw, UNIT_NATURES), "☑其他"),
    (lambda raw: nz.checkboxes(raw, SERVICE_FIELDS), "装备、芯片"),
    (lambda raw: nz.checkboxes(raw, SERVICE_FIELDS), "☑装备 ☐其他：氢能"),
    (nz.uscc, "91350100M000100Y44"),
    (nz.mobile, "1380013800"),
    (nz.phone, "12345"),
    (nz.email, "a@b"),
    (nz.postcode, "10008"),
    (nz.postcode, 10008),
    (nz.text, ["a"]),
]


def test_every_problem_code_has_a_complete_message() -> None:
    """Each code the normalisers can give is in MESSAGES, and its template is filled by the params the
    normaliser gives plus the label the caller adds (no ``{placeholder}`` left)."""
    source = Path(nz.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r"_(?:fail|warn|keep_with_error)\((?:[^,()]+, )?\"(\w+)\"", source))
    codes |= {code for _, code in nz._MONEY_UNITS.values() if code}
    assert len(codes) >= 20 and codes <= set(MESSAGES), codes - set(MESSAGES)
    seen = set()
    for normaliser, raw in PROBLEM_SAMPLES:
        problem = normaliser(raw).problem
        assert problem is not None and problem.field is None, raw
        seen.add(problem.code)
        message = problem.at("x.y", label="某字段").message
        assert message.startswith("某字段：") and not re.search(r"\{\w+\}", message), (problem.code, message)
    assert seen == codes, codes ^ seen


# --- never a traceback ------------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.dates(),
    st.datetimes(),
    st.text(),
    st.text(alphabet="0123456789.,-%年月日元万亿☑☐√x[]() 、其他：是否装备钢铁"),
    st.lists(st.text(max_size=5), max_size=3),
)
KEEP_WITH_ERROR = {"uscc", "mobile", "phone", "email", "postcode"}
NORMALISERS = [
    nz.money,
    nz.percent,
    lambda raw: nz.percent(raw, percent_format=True),
    nz.integer,
    lambda raw: nz.integer(raw, unit="人"),
    nz.decimal_number,
    nz.year,
    nz.date_value,
    nz.boolean,
    lambda raw: nz.checkboxes(raw, SERVICE_FIELDS),
    lambda raw: nz.choice(raw, UNIT_NATURES),
    nz.uscc,
    nz.mobile,
    nz.phone,
    nz.email,
    nz.postcode,
    nz.text,
    nz.prose,
]


@given(ANY_CELL)
def test_any_cell_gives_a_value_or_a_problem_never_an_exception(raw: Any) -> None:
    for normaliser in NORMALISERS:
        result = normaliser(raw)
        assert isinstance(result, Normalized)
        problem = result.problem
        if problem is not None:
            assert problem.code in MESSAGES and problem.field is None
            if (
                problem.severity is Severity.ERROR
                and getattr(normaliser, "__name__", "") not in KEEP_WITH_ERROR
            ):
                assert result.value is None, (normaliser, raw, result)


def test_several_values_in_one_number_or_date_cell_are_an_error_listing_them():
    fields = {f.key: f for s in ANNEX1.sections for f in s.fields}
    for key, raw in [
        ("registered_capital", "5000 6000"),
        ("staff_total", "186\n190"),
        ("established", "2015-03-01 2016-01-01"),
    ]:
        result = nz.normalize(fields[key], raw)
        assert result.value is None and result.problem.code == "several_values", key
        assert result.problem.params["values"] == "、".join(raw.split())
    assert nz.normalize(fields["staff_total"], "1 186").problem.code == "several_values"
    # one value: a unit, a date spaced out, text fields
    assert nz.normalize(fields["registered_capital"], "5000 万元").value == Decimal("5000.00")
    assert str(nz.normalize(fields["established"], "2015 年 3 月 1 日").value) == "2015-03-01"
    assert nz.normalize(fields["name"], "某某 检测中心").value == "某某 检测中心"
