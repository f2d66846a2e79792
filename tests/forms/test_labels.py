"""Label folding and matching: spacing, punctuation and suffixes folded; nothing matched by guesswork."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms import ANNEX1, ANNEX2, FORMS
from forms.labels import LabelIndex, detect_form, fold_label, is_label, metric_columns
from forms.model import Field, FieldType, FormDef, Section

ALL_LABELS = sorted(
    {label for fd in FORMS.values() for _, f in fd.iter_fields() for label in f.labels}
    | {label for fd in FORMS.values() for _, f in fd.iter_fields() for c in f.columns for label in c.labels}
)


# --- fold_label -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found", "printed"),
    [
        ("单 位 名 称", "单位名称"),
        ("单位名称：", "单位名称"),
        ("单位名称:", "单位名称"),
        ("单\u3000位\u3000名\u3000称 ：", "单位名称"),
        ("从业人员\n总数", "从业人员总数"),
        ("从业人员总数（人）", "从业人员总数"),
        ("从业人员总数(人)", "从业人员总数"),
        ("从业人员总数（人", "从业人员总数"),  # a suffix cut off by the cell
        ("申报单位（盖章）", "申报单位"),
        ("申报单位【盖章】", "申报单位"),
        ("产业技术基础服务业务占比(%)", "产业技术基础服务业务占比（%）"),
        ("技术服务仪器设备(含软件)台套数", "技术服务仪器设备台套数"),
        ("其中：产业技术基础服务收入（万元）", "产业技术基础服务收入"),
        ("其中，硕士及以上学历或中级及以上职称人员", "硕士及以上学历或中级及以上职称人员"),
        ("E-mail", "Email"),
        ("E-MAIL：", "email"),
        (
            "与产业联盟，行业协会、高校/科研院所—企业等的合作情况",
            "与产业联盟、行业协会、高校、科研院所、企业等的合作情况",
        ),
        ("*单位名称", "单位名称"),
        ("ａｂｃ１２３", "abc123"),
        ("平台简介（定位、主要服务内容（含对象），不超过1000字）", "平台简介"),
    ],
)
def test_fold_meets_the_printed_label(found: str, printed: str) -> None:
    assert fold_label(found) == fold_label(printed)


def test_fold_keeps_what_tells_labels_apart() -> None:
    assert fold_label("其中") == "其中"  # only a leading 其中 before more text is dropped
    assert fold_label("近3年是否被移出服务平台名录") != fold_label("近2年是否被移出服务平台名录")
    assert fold_label("（盖章）") == ""
    assert fold_label("资产总额") != fold_label("净资产")


@pytest.mark.parametrize("label", ALL_LABELS)
def test_definition_labels_survive_decoration(label: str) -> None:
    key = fold_label(label)
    assert key, label
    for decorated in (f"{label}：", f" {label}: ", f"{label}（盖章）", f"其中：{label}", f"{label}\n"):
        assert fold_label(decorated) == key or label.startswith("其中"), decorated


@given(
    st.sampled_from(ALL_LABELS),
    st.lists(st.tuples(st.integers(0, 60), st.sampled_from(" \u3000\n\t")), max_size=5),
)
def test_whitespace_anywhere_in_a_label_is_folded(label: str, inserts: list[tuple[int, str]]) -> None:
    spaced = label
    for pos, ws in inserts:
        spaced = spaced[: pos % (len(spaced) + 1)] + ws + spaced[pos % (len(spaced) + 1) :]
    assert fold_label(spaced) == fold_label(label)


@given(st.sampled_from(ALL_LABELS))
def test_full_width_and_half_width_punctuation_fold_alike(label: str) -> None:
    half = label.translate(str.maketrans("（）：，；", "():,;"))
    assert fold_label(half) == fold_label(label)


# --- the definitions fold without collisions ------------------------------------------------------------


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=lambda fd: fd.id)
def test_no_two_fields_of_a_section_fold_alike_without_context(form: FormDef) -> None:
    assert LabelIndex.of(form).collisions() == []


@pytest.mark.parametrize("form", [ANNEX1, ANNEX2], ids=lambda fd: fd.id)
def test_columns_of_each_table_fold_apart(form: FormDef) -> None:
    for path, f in form.iter_fields():
        keys = [(fold_label(label), c.key) for c in f.columns for label in c.labels]
        owners: dict[str, set[str]] = {}
        for key, col in keys:
            owners.setdefault(key, set()).add(col)
        assert all(len(cols) == 1 for cols in owners.values()), (path, owners)


def _tiny_form(*fields: Field) -> FormDef:
    return FormDef("tiny", "小表", "小表", "1.0", (Section("s", "一、小节", fields),))


def test_collision_check_catches_a_collision() -> None:
    form = _tiny_form(Field("a", "职务", FieldType.TEXT), Field("b", "职 务：", FieldType.TEXT))
    assert LabelIndex(form).collisions() == [("s", "职务", ["s.a", "s.b"])]
    same_context = _tiny_form(
        Field("a", "职务", FieldType.TEXT, context="联系人"),
        Field("b", "职务", FieldType.TEXT, context="联系人"),
    )
    assert LabelIndex(same_context).collisions() == [("s", "职务", ["s.a", "s.b"])]
    told_apart = _tiny_form(
        Field("a", "职务", FieldType.TEXT, context="法定代表人"),
        Field("b", "职务", FieldType.TEXT, context="联系人"),
    )
    assert LabelIndex(told_apart).collisions() == []


# --- lookup -----------------------------------------------------------------------------------------------


def paths(matches: list) -> list[str]:
    return [m.path for m in matches]


def test_index_is_built_once_per_form() -> None:
    assert LabelIndex.of(ANNEX1) is LabelIndex.of("annex1")
    assert LabelIndex.of(ANNEX1) is not LabelIndex.of(ANNEX2)
    other = _tiny_form(Field("a", "平台名称", FieldType.TEXT))
    assert LabelIndex.of(other).form is other


@pytest.mark.parametrize(
    ("form", "text", "expected"),
    [
        ("annex1", "单 位 名 称：", ["applicant.name"]),
        ("annex1", "申报单位名称", ["applicant.name"]),
        ("annex1", "申报单位（盖章）", ["cover.applicant"]),
        ("annex1", "申报单位", ["cover.applicant"]),
        ("annex1", "统一社会信用代码", ["applicant.uscc"]),
        ("annex1", "从业人员总数", ["applicant.staff_total"]),
        ("annex1", "其中：硕士及以上学历或中级及以上职称人员（人）", ["applicant.staff_senior"]),
        ("annex1", "产业技术基础服务业务占比(%)", ["applicant.itb_share"]),
        ("annex1", "E-mail:", ["applicant.contact_email"]),
        ("annex1", "近三年是否被移出服务平台名录", ["applicant.removed_within_3y"]),
        ("annex1", "平台简介", ["platform.summary"]),
        ("annex1", "合作情况", ["platform.cooperation"]),
        ("annex2", "从业人员总数（人）", ["capacity.staff_total"]),
        ("annex2", "依托单位（盖章）", ["header.operator"]),
        ("annex2", "填报年度：", ["header.report_year"]),
        ("annex1", "填报年度", []),
        ("annex1", "单位", []),
        ("annex1", "单位名", []),
        ("annex1", "", []),
        ("annex1", "（盖章）", []),
    ],
)
def test_lookup(form: str, text: str, expected: list[str]) -> None:
    assert paths(LabelIndex.of(form).lookup(text)) == expected


def test_context_tells_the_two_job_titles_apart() -> None:
    index = LabelIndex.of(ANNEX1)
    both = ["applicant.legal_rep_title", "applicant.contact_title"]
    assert paths(index.lookup("职务")) == both
    assert paths(index.lookup("职 务：", context="法定代表人：")) == ["applicant.legal_rep_title"]
    assert paths(index.lookup("职务", context="联 系 人")) == ["applicant.contact_title"]
    # A context that names neither leaves the ambiguity to the caller instead of picking one.
    assert paths(index.lookup("职务", context="单位名称")) == both
    # A unique label needs no context, and a context does not remove it.
    assert paths(index.lookup("手机", context="固定电话")) == ["applicant.contact_mobile"]


def test_section_filter() -> None:
    index = LabelIndex.of(ANNEX1)
    matches = index.lookup("产业技术基础服务收入（万元）")
    assert paths(matches) == ["applicant.revenue_itb", "performance.yearly.revenue_itb"]
    assert paths(index.lookup("产业技术基础服务收入", section="performance")) == [
        "performance.yearly.revenue_itb"
    ]
    assert index.lookup("单位名称", section="cover") == []


def test_columns_are_candidates_after_fields() -> None:
    index = LabelIndex.of(ANNEX1)
    (match,) = index.lookup("数量\n（台套）")
    assert match.path == "capability.equipment.quantity"
    assert match.is_column and match.table == "capability.equipment"
    assert match.field.type is FieldType.INT and match.section == "capability"
    (field_match, column_match) = index.lookup("产业技术基础服务收入")
    assert not field_match.is_column and field_match.table is None
    assert column_match.is_column


def test_is_label_and_split_label() -> None:
    index = LabelIndex.of(ANNEX1)
    assert index.is_label("成 立 时 间")
    assert not index.is_label("2025年3月1日")
    assert index.is_label("单位名称", section="applicant") and not index.is_label("单位名称", section="cover")
    assert is_label("填报年度") and not is_label("填报年度", "annex1") and is_label("填报年度", ANNEX2)
    matches, rest = index.split_label("平台名称：国家某某检测平台") or ([], "")
    assert paths(matches) == ["cover.platform_name"] and rest == "国家某某检测平台"
    matches, rest = index.split_label("申报日期:  2025年3月1日") or ([], "")
    assert paths(matches) == ["cover.date"] and rest == "2025年3月1日"
    assert index.split_label("备注：平台名称") is None
    assert index.split_label("平台名称 国家某某检测平台") is None


@pytest.mark.parametrize(
    ("text", "path", "rest"),
    [
        (
            "平 台 名 称第001号产业技术基础公共服务平台",
            "cover.platform_name",
            "第001号产业技术基础公共服务平台",
        ),
        ("申报单位（盖章） 测试单位001检测中心", "cover.applicant", "测试单位001检测中心"),
        ("申报单位（北京）某某科技有限公司", "cover.applicant", "（北京）某某科技有限公司"),
        ("申 报 日 期 2026年3月10日", "cover.date", "2026年3月10日"),
        ("从业人员总数（人）56", "applicant.staff_total", "56"),
        ("联系人手机13800138000", "applicant.contact_mobile", "13800138000"),  # the longer label wins
        ("联系人张三", "applicant.contact_name", "张三"),
    ],
)
def test_split_prefix_of_a_glued_line(text: str, path: str, rest: str) -> None:
    found = LabelIndex.of(ANNEX1).split_prefix(text)
    assert found is not None and paths(found[0]) == [path] and found[1] == rest


@pytest.mark.parametrize("text", ["平台名称", "平台名称：", "某某平台名称", "", "随便一行字"])
def test_split_prefix_needs_a_label_and_a_value(text: str) -> None:
    assert LabelIndex.of(ANNEX1).split_prefix(text) is None


# --- header rows ------------------------------------------------------------------------------------------


def test_table_for_headers_in_any_order_with_extra_columns() -> None:
    index = LabelIndex.of(ANNEX1)
    headers = ["序号", "型号规格", "设备名称", "数量\n（台套）", "原值(万元)", "购置年份", "主要用途", "备注"]
    match = index.table_for_headers(headers)
    assert match is not None and match.path == "capability.equipment" and match.section == "capability"
    assert match.columns == {1: "model", 2: "name", 3: "quantity", 4: "value", 5: "year", 6: "use"}


def test_table_for_headers_picks_the_table_that_fits_best() -> None:
    index = LabelIndex.of(ANNEX1)
    # 姓名 学历 职称 belong to both people tables; 专业 only to the leaders'.
    leaders = index.table_for_headers(["姓名", "学历", "职称", "专业"])
    assert leaders is not None and leaders.path == "capability.leaders"
    staff = index.table_for_headers(["姓名", "学历", "职称", "从业资质证书", "在平台承担工作"])
    assert staff is not None and staff.path == "capability.key_staff"
    # 3 of the leaders' 6 columns are no majority; 3 of key_staff's 5 are.
    staff = index.table_for_headers(["姓名", "学历", "职称"])
    assert staff is not None and staff.path == "capability.key_staff"


def test_table_for_headers_does_not_break_a_tie() -> None:
    def table(key: str, *labels: str) -> Field:
        cols = tuple(Field(f"c{i}", label, FieldType.TEXT) for i, label in enumerate(labels))
        return Field(key, key, FieldType.TABLE, columns=cols)

    form = _tiny_form(table("a", "姓名", "学历", "职称"), table("b", "姓名", "学历", "专业"))
    index = LabelIndex(form)
    assert index.table_for_headers(["姓名", "学历"]) is None
    match = index.table_for_headers(["姓名", "学历", "专业"])
    assert match is not None and match.path == "s.b"


@pytest.mark.parametrize(
    "headers",
    [
        ["设备名称", "型号规格"],  # 2 of 6 columns: no majority
        ["设备名称", "型号规格", "数量", "甲", "乙", "丙"],  # as many unknown headers as found ones
        ["单位名称", "某某公司", "统一社会信用代码", "91350100M000100Y43"],  # a label/value row
        [],
        ["", "", ""],
    ],
)
def test_table_for_headers_needs_a_clear_majority(headers: list[str]) -> None:
    assert LabelIndex.of(ANNEX1).table_for_headers(headers) is None


def test_table_for_headers_section_and_form() -> None:
    cases = ["案例名称", "服务对象", "服务内容", "成效"]
    annex2 = LabelIndex.of(ANNEX2).table_for_headers(cases)
    assert annex2 is not None and annex2.path == "operations.cases"
    assert annex2.columns == {0: "title", 1: "client", 2: "content", 3: "impact"}
    annex1 = LabelIndex.of(ANNEX1).table_for_headers([*cases[:3], "服务时间", "成效与行业影响"])
    assert annex1 is not None and annex1.path == "performance.cases"
    assert (
        LabelIndex.of(ANNEX1).table_for_headers(["案例名称", "服务对象", "服务内容"], section="capability")
        is None
    )


def test_duplicate_header_counts_once() -> None:
    match = LabelIndex.of(ANNEX1).table_for_headers(["序号", "材料名称", "材料名称", "页码"])
    assert match is not None and match.columns == {0: "seq", 1: "title", 3: "pages"}


def test_metric_columns() -> None:
    assert metric_columns(["指标", "单位", "上年末", "本年末"]) == {2: "previous", 3: "current"}
    assert metric_columns(["指标", "本年末（2025年12月31日）", "上 年 末"]) == {1: "current", 2: "previous"}
    assert metric_columns(["指标", "单位"]) == {}


# --- headings and forms -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "text", "section"),
    [
        ("annex1", "一、申报单位基本情况", "applicant"),
        ("annex1", "二、平台基本情况", "platform"),
        ("annex1", "二、 平台基本情况（续）", "platform"),
        ("annex1", "平台基本情况", "platform"),
        ("annex1", "三、服务能力", "capability"),
        ("annex1", "（三）服务能力", "capability"),
        ("annex1", "第四部分 服务业绩", "performance"),
        ("annex1", "4. 服务业绩", "performance"),
        ("annex1", "五、建设目标与发展规划", "plan"),
        ("annex1", "附件目录", "attachments"),
        ("annex2", "一、能力建设情况", "capacity"),
        ("annex2", "三、本年度工作目标和计划", "plan"),
        ("annex1", "单位名称", None),
        ("annex1", "一、能力建设情况", None),
        ("annex1", "一、", None),
        ("annex1", "", None),
    ],
)
def test_section_for_heading(form: str, text: str, section: str | None) -> None:
    assert LabelIndex.of(form).section_for_heading(text) == section


@pytest.mark.parametrize(
    ("texts", "form"),
    [
        (["附件1", "工业和信息化部产业技术基础公共服务平台申报书", "平台名称："], "annex1"),
        (["附件2", "产业技术基础公共服务平台\n年 度 运 行 情 况 表"], "annex2"),
        (["单位名称", "某公司", "单位性质", "成立时间", "邮政编码"], "annex1"),
        (["填报年度", "2025", "认定批次", "认定年份", "依托单位（盖章）"], "annex2"),
        (["平台名称", "统一社会信用代码", "联系人", "手机"], None),  # labels both forms have
        (["单位名称", "填报年度"], None),  # too few to tell
        (["申报书", "年度运行情况表"], None),  # both titles and nothing else
        (["申报书", "年度运行情况表", "填报年度", "认定批次", "认定年份"], "annex2"),
        ([], None),
        (["随便一段文字", ""], None),
    ],
)
def test_detect_form(texts: list[str], form: str | None) -> None:
    assert detect_form(texts) == form


def test_detect_form_takes_any_iterable() -> None:
    assert detect_form(iter(["产业技术基础公共服务平台申报书"])) == "annex1"


@given(st.text(), st.lists(st.text(max_size=8), max_size=8))
def test_any_text_is_answered_without_an_exception(text: str, row: list[str]) -> None:
    key = fold_label(text)
    assert not any(ch.isspace() for ch in key)
    for form in FORMS.values():
        index = LabelIndex.of(form)
        assert all(m.path.startswith(m.section + ".") for m in index.lookup(text, context=text))
        index.split_label(text)
        index.split_prefix(text)
        index.section_for_heading(text)
        match = index.table_for_headers(row)
        assert match is None or set(match.columns) <= set(range(len(row)))
    assert detect_form([text, *row]) in (None, *FORMS)
