"""The label mapper on small intermediate documents: where values are found, and what is never guessed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from extractor.mapper import collect, map_document, resolve
from extractor.model import Cell, Paragraph, SourceDoc, Table, checkbox_states
from forms import ANNEX1, ANNEX2
from forms.model import Field, FieldType, FormDef, Section


def cell(text: str, row: int, col: int, **kw) -> Cell:
    return Cell(text=text, row=row, col=col, checked=checkbox_states(text), **kw)


def table(rows: list[list[str]], index: int = 0, **kw) -> Table:
    """A table whose rows are lists of texts, one grid column each."""
    cells = tuple(tuple(cell(text, r, c) for c, text in enumerate(row)) for r, row in enumerate(rows))
    return Table(rows=cells, index=index, ncols=max((len(r) for r in rows), default=0), **kw)


def doc(*blocks, kind="docx") -> SourceDoc:
    numbered = []
    tables = 0
    for i, b in enumerate(blocks):
        if isinstance(b, str):
            numbered.append(Paragraph(text=b, index=i))
        else:
            numbered.append(Table(rows=b.rows, index=tables, ncols=b.ncols, name=b.name, page=b.page))
            tables += 1
    return SourceDoc(file="t.docx", kind=kind, blocks=tuple(numbered))


def problems_of(mapped, code: str) -> list:
    return [p for p in mapped.problems if p.code == code]


def test_two_different_values_for_one_field_are_a_conflict_never_a_pick():
    mapped = map_document(
        doc(table([["单位名称", "甲检测中心"]]), table([["单位名称", "乙检测中心"]])),
        ANNEX1,
    )
    assert mapped.record["applicant"]["name"] is None
    (conflict,) = problems_of(mapped, "conflict")
    assert conflict.field == "applicant.name" and conflict.severity == "error"
    assert "甲检测中心" in conflict.raw and "乙检测中心" in conflict.raw
    assert "表1" in conflict.message and "表2" in conflict.message


def test_the_same_value_found_twice_is_fine():
    mapped = map_document(
        doc(
            table([["统一社会信用代码", "91320000MA1XYZ1234"]]),
            table([["统一社会信用代码", "91320000ma1xyz1234"]]),
        ),
        ANNEX1,
    )
    assert mapped.record["applicant"]["uscc"] == "91320000MA1XYZ1234"
    assert problems_of(mapped, "conflict") == []


def test_a_value_that_cannot_be_read_is_null_with_a_problem_holding_its_text():
    mapped = map_document(doc(table([["从业人员总数（人）", "五十余人"]])), ANNEX1)
    assert mapped.record["applicant"]["staff_total"] is None
    (problem,) = [p for p in mapped.problems if p.field == "applicant.staff_total"]
    assert problem.code == "invalid_number" and problem.raw == "五十余人" and problem.severity == "error"
    assert mapped.provenance["applicant.staff_total"]["row"] == 0


def test_required_fields_not_found_or_blank_are_problems():
    mapped = map_document(doc(table([["单位名称", "无"], ["从业人员总数（人）", "120"]])), ANNEX1)
    assert mapped.record["applicant"]["name"] is None
    codes = {p.field: p.code for p in mapped.problems}
    assert codes["applicant.name"] == "required"  # its label is there, its value is 无
    assert codes["applicant.uscc"] == "not_found"  # its label is nowhere
    assert codes["performance.cases"] == "not_found"
    assert "applicant.staff_total" not in codes and "applicant.registered_capital" not in codes


def test_shared_labels_are_told_apart_by_the_label_before_them_in_the_row():
    rows = [
        ["法定代表人", "王建国", "职务", "院长", "联系电话", "025-52100001"],
        ["联系人", "李晓梅", "职务", "主任", "手机", "13912345678"],
    ]
    mapped = map_document(doc(table(rows)), ANNEX1)
    applicant = mapped.record["applicant"]
    assert (applicant["legal_rep_title"], applicant["contact_title"]) == ("院长", "主任")
    assert applicant["legal_rep_phone"] == "025-52100001" and applicant["contact_mobile"] == "13912345678"


def test_a_shared_label_without_context_is_reported_not_guessed():
    mapped = map_document(doc(table([["职务", "主任"]])), ANNEX1)
    assert mapped.record["applicant"]["legal_rep_title"] is None
    assert mapped.record["applicant"]["contact_title"] is None
    (problem,) = problems_of(mapped, "ambiguous_label")
    assert problem.raw == "职务"


TWO_SECTIONS = FormDef(
    id="annex1",
    title="测试表",
    short_title="测试表",
    schema_version="1.0",
    sections=(
        Section("first", "一、甲部分", (Field("name", "负责人", FieldType.TEXT),)),
        Section("second", "二、乙部分", (Field("name", "负责人", FieldType.TEXT),)),
    ),
)


def test_headings_scope_a_label_printed_in_two_sections():
    mapped = map_document(
        doc("一、甲部分", table([["负责人", "张三"]]), "二、乙部分", table([["负责 人：", "李四"]])),
        TWO_SECTIONS,
    )
    assert mapped.record == {"first": {"name": "张三"}, "second": {"name": "李四"}}
    without = map_document(doc(table([["负责人", "张三"]])), TWO_SECTIONS)
    assert without.record["first"]["name"] is None and problems_of(without, "ambiguous_label")


def test_value_below_its_label_and_labels_with_breaks_colons_and_full_width_digits():
    rows = [
        ["从业人员\n总数（人）：", "单位名称"],
        ["３２０人", "某检测中心"],
        ["主营业务", ""],
        ["检验检测\n计量校准", ""],
    ]
    mapped = map_document(doc(table(rows)), ANNEX1)
    applicant = mapped.record["applicant"]
    assert applicant["staff_total"] == 320 and applicant["name"] == "某检测中心"
    assert applicant["main_business"] is None  # an empty cell to its right: the value is blank, not below
    rows[2] = ["主营业务"]
    mapped = map_document(doc(table(rows)), ANNEX1)
    assert mapped.record["applicant"]["main_business"] == "检验检测\n计量校准"


def test_checkboxes_spread_over_cells_and_over_rows_of_a_tall_label():
    label = Cell(text="服务范围", row=0, col=0, rowspan=2)
    rows = (
        (label, cell("☑计量检测", 0, 1), cell("☐标准验证与检测", 0, 2)),
        (cell("■知识产权", 1, 1), cell("□其他", 1, 2)),
        (cell("是否为分支机构", 2, 0), cell("☐是", 2, 1), cell("☑否", 2, 2)),
    )
    mapped = map_document(doc(Table(rows=rows, index=0, ncols=3)), ANNEX1)
    assert mapped.record["platform"]["service_scopes"] == ["计量检测", "知识产权"]
    assert mapped.record["applicant"]["is_branch"] is False


def test_repeating_table_by_its_header_in_any_order_with_extra_columns_blank_and_total_rows():
    rows = [
        ["具有行业影响力的典型服务案例", "", "", "", "", "", ""],
        ["序号", "成效与行业影响", "服务时间", "案例名称", "备注", "服务对象", "服务内容"],
        ["1", "效果一", "2024年", "案例一", "x", "甲公司", "内容一"],
        ["", "", "", "", "", "", ""],
        ["2", "效果二", "2025年", "案例二", "", "乙公司", "内容二"],
        ["3", "效果三", "2025年", "案例三（新增）", "", "丙公司", "内容三"],
        ["合计", "", "", "", "", "", ""],
        ["未来三年建设目标", "建成国内一流平台", "", "", "", "", ""],
    ]
    mapped = map_document(doc(table(rows)), ANNEX1)
    cases = mapped.record["performance"]["cases"]
    assert [c["title"] for c in cases] == ["案例一", "案例二", "案例三（新增）"]
    assert cases[0] == {
        "title": "案例一",
        "client": "甲公司",
        "content": "内容一",
        "period": "2024年",
        "impact": "效果一",
    }
    assert mapped.record["plan"]["goals"] == "建成国内一流平台"  # a label row ends the table
    assert mapped.provenance["performance.cases.1.client"]["row"] == 4


def test_capacity_table_by_its_previous_and_current_columns():
    rows = [
        ["指标", "单位", "上年末", "本年末"],
        ["从业人员总数", "人", "128", "142"],
        ["技术服务仪器设备（含软件）原值", "万元", "9,680.50", "10456.3万元"],
        ["本年度能力建设投入（万元）", "1280.6", "", ""],
    ]
    mapped = map_document(doc(table(rows)), ANNEX2)
    capacity = mapped.record["capacity"]
    assert capacity["staff_total"] == {"previous": 128, "current": 142}
    assert capacity["equipment_value"] == {"previous": Decimal("9680.50"), "current": Decimal("10456.30")}
    assert capacity["investment"] == Decimal("1280.60")
    assert capacity["site_area"] == {"previous": None, "current": None}
    assert mapped.provenance["capacity.staff_total.current"]["col"] == 3


def test_none_words_are_empty_and_undecodable_text_is_reported():
    mapped = map_document(
        doc(table([["上级主管部门或所属集团", "—"], ["所在地区", "(cid:12)(cid:34)"]])), ANNEX1
    )
    assert mapped.record["applicant"]["parent"] is None
    assert [p for p in mapped.problems if p.field == "applicant.parent"] == []
    assert mapped.record["applicant"]["region"] is None
    (problem,) = [p for p in mapped.problems if p.field == "applicant.region"]
    assert problem.code == "undecodable_value" and "字体无法解码" in problem.message


def test_cover_lines_as_paragraphs_and_several_pairs_on_one_line():
    mapped = map_document(
        doc(
            "平 台 名 称：____某某计量测试服务平台____",
            "申报单位（盖章）：",
            "联系人：张三　　　手机：138 1234 5678",
            "平台简介（定位、主要服务内容、服务对象，不超过1000字）",
            "本平台面向装备制造业。",
            "提供计量检测服务。",
            "一、申报单位基本情况",
        ),
        ANNEX1,
    )
    record = mapped.record
    assert record["cover"]["platform_name"] == "某某计量测试服务平台"
    assert record["cover"]["applicant"] is None
    assert (
        record["applicant"]["contact_name"] == "张三"
        and record["applicant"]["contact_mobile"] == "13812345678"
    )
    assert record["platform"]["summary"] == "本平台面向装备制造业。\n提供计量检测服务。"
    assert mapped.provenance["cover.platform_name"]["paragraph"] == 0


def test_a_cell_holding_label_and_value_and_a_percent_formatted_spreadsheet_cell():
    rows = (
        (cell("单位名称：某检测中心", 0, 0),),
        (cell("产业技术基础服务业务占比（%）", 1, 0), cell("78.45%", 1, 1, value=0.7845, percent=True)),
    )
    mapped = map_document(
        doc(Table(rows=rows, index=0, ncols=2, name="基本信息", page=1), kind="xlsx"), ANNEX1
    )
    assert mapped.record["applicant"]["name"] == "某检测中心"
    assert mapped.record["applicant"]["itb_share"] == Decimal("78.45")
    assert mapped.provenance["applicant.itb_share"]["sheet"] == "基本信息"


def _line(text: str, index: int, top: float, page: int = 1) -> Paragraph:
    return Paragraph(text=text, index=index, page=page, top=top, bottom=top + 16)


def test_pdf_cover_values_wrapped_onto_the_line_above_or_below_their_label():
    below = SourceDoc(
        file="c.pdf",
        kind="pdf",
        blocks=(
            _line("平 台 名 称 先进制造计量测试与可靠性验证公", 0, 100),
            _line("共服务平台", 1, 120),
            _line("申报单位（盖章） 江苏省某某中心", 2, 180),
            _line("中华人民共和国工业和信息化部制", 3, 400),
        ),
    )
    above = SourceDoc(
        file="c.pdf",
        kind="pdf",
        blocks=(
            _line("工业和信息化部", 0, 40),
            _line("先进制造计量测试与可靠性验证公", 1, 100),
            _line("平 台 名 称 共服务平台", 2, 120),
            _line("申 报 单 位（盖章） 江苏省某某中心", 3, 180),
            _line("一段与任何栏目都不相邻的文字", 4, 300),
        ),
    )
    for document in (below, above):
        cover = map_document(document, ANNEX1).record["cover"]
        assert cover["platform_name"] == "先进制造计量测试与可靠性验证公共服务平台"
        assert cover["applicant"] == "江苏省某某中心"


def test_a_signature_line_is_no_value_even_without_headings():
    rows = [
        ["法定代表人", "王建国"],
        ["本单位郑重承诺：所填内容真实。\n\n法定代表人（签字）：\u3000\u3000\u3000\u3000（盖章）"],
    ]
    mapped = map_document(doc(table(rows)), ANNEX1)
    assert mapped.record["applicant"]["legal_rep_name"] == "王建国"
    assert problems_of(mapped, "conflict") == []


def test_the_mapper_reads_what_the_intermediate_says_not_which_format_it_came_from():
    """Printed lines are known by their position and a worksheet's grid by ``drawn=False``: the same
    blocks map to the same record whatever ``kind`` the reader reported (a new format needs no mapper)."""
    lines = (
        _line("平 台 名 称 先进制造计量测试与可靠性验证公", 0, 100),
        _line("共服务平台", 1, 120),
    )
    grid = Table(
        rows=((cell("单位名称", 0, 0), cell("", 0, 1)), (cell("某检测中心", 1, 0),)),
        index=0,
        ncols=2,
        drawn=False,
    )
    boxes = replace(grid, drawn=True)
    for kind in ("pdf", "xlsx", "docx", "toy"):
        printed = map_document(SourceDoc(file="c", kind=kind, blocks=lines), ANNEX1).record
        assert printed["cover"]["platform_name"] == "先进制造计量测试与可靠性验证公共服务平台", kind
        sheet = map_document(SourceDoc(file="s", kind=kind, blocks=(grid,)), ANNEX1).record
        assert sheet["applicant"]["name"] == "某检测中心", kind
        # in a drawn table the empty box beside the label is its value: nothing is taken from below
        drawn = map_document(SourceDoc(file="d", kind=kind, blocks=(boxes,)), ANNEX1).record
        assert drawn["applicant"]["name"] is None, kind


def test_the_stages_can_be_looked_at_one_by_one():
    """``collect`` keeps both readings of a field; ``resolve`` decides they conflict."""
    document = doc(table([["单位名称", "甲检测中心"]]), table([["单位名称", "乙检测中心"]]))
    found = collect(document, ANNEX1)
    assert [c.raw for c in found.values["applicant.name"]] == ["甲检测中心", "乙检测中心"]
    assert [c.where.table for c in found.values["applicant.name"]] == [0, 1]
    assert "applicant.name" in found.seen and found.problems == []
    mapped = resolve(found)
    assert mapped.record["applicant"]["name"] is None
    assert [p.code for p in mapped.problems if p.field == "applicant.name"] == ["conflict"]
    assert found.problems == []  # resolution adds its problems to its own list
