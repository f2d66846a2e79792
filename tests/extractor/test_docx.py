"""The .docx reader: merged cells, nested tables, content controls, checkboxes in every encoding."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from extractor.docx import read_docx
from extractor.errors import UnreadableFile
from extractor.model import Paragraph, Table
from extractor.settings import Limits
from tests.extractor.ooxml import (
    docx_bytes,
    formcheckbox,
    p,
    sdt,
    sym,
    symbol_run,
    t,
    tbl,
    tc,
    textbox,
    tr,
    w14_checkbox,
)


def tables(doc) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table)]


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_paragraphs_and_a_simple_table_in_order():
    data = docx_bytes(p("平 台 名 称：", "某平台"), tbl(tr(tc("单位名称"), tc("某检测中心"))), p("完"))
    doc = read_docx(data, "a.docx")
    assert doc.kind == "docx" and doc.file == "a.docx"
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    assert doc.blocks[0].text == "平 台 名 称：某平台"
    assert texts(doc.blocks[1]) == [["单位名称", "某检测中心"]]


def test_merged_cells_are_counted_once_with_their_span():
    data = docx_bytes(
        tbl(
            tr(tc("服务范围", vmerge="restart"), tc("☑计量检测"), tc("☐认证认可")),
            tr(tc(vmerge="continue"), tc("☐知识产权", span=2)),
            tr(tc("单位名称"), tc("某中心", span=2)),
            cols=3,
        )
    )
    (table,) = tables(read_docx(data, "m.docx"))
    assert texts(table) == [["服务范围", "☑计量检测", "☐认证认可"], ["☐知识产权"], ["单位名称", "某中心"]]
    label = table.rows[0][0]
    assert (label.row, label.col, label.rowspan, label.colspan) == (0, 0, 2, 1)
    merged = table.rows[1][0]
    assert (merged.row, merged.col, merged.colspan) == (1, 1, 2)
    assert table.rows[2][1].colspan == 2 and table.ncols == 3
    grid = table.grid()
    assert grid[1][0] is label and grid[1][2] is merged


def test_text_typed_into_a_continued_merge_is_kept_not_lost():
    data = docx_bytes(tbl(tr(tc("甲", vmerge="restart"), tc("x")), tr(tc("乙", vmerge="continue"), tc("y"))))
    (table,) = tables(read_docx(data, "m.docx"))
    assert table.rows[0][0].text == "甲\n乙" and table.rows[0][0].rowspan == 2


def test_nested_table_is_its_own_block_and_not_in_the_cell_text():
    inner = tbl(tr(tc("姓名"), tc("张三")))
    data = docx_bytes(tbl(tr(tc("学术带头人"), tc("见下表", inner))))
    outer, nested = tables(read_docx(data, "n.docx"))
    assert outer.parent is None and nested.parent == outer.index
    assert outer.rows[0][1].text == "见下表"
    assert texts(nested) == [["姓名", "张三"]]


def test_content_controls_at_block_row_cell_and_run_level_are_read():
    data = docx_bytes(
        sdt(p("块级内容")),
        tbl(
            tr(tc("单位名称"), tc(p(sdt(t("某中心"))))),
            sdt(tr(tc("所在地区"), tc("北京市"))),
            tr(tc("通讯地址"), sdt(tc("北京市海淀区某路1号"))),
        ),
    )
    doc = read_docx(data, "s.docx")
    assert doc.blocks[0].text == "块级内容"
    (table,) = tables(doc)
    assert texts(table) == [
        ["单位名称", "某中心"],
        ["所在地区", "北京市"],
        ["通讯地址", "北京市海淀区某路1号"],
    ]
    # python-docx itself does not see the row and the cell inside content controls
    seen = [[c.text for c in row.cells] for row in docx.Document(io.BytesIO(data)).tables[0].rows]
    assert seen != texts(table)


def test_placeholder_text_of_an_empty_content_control_is_not_a_value():
    data = docx_bytes(tbl(tr(tc("单位名称"), tc(p(sdt(t("单击或点击此处输入文字。"), placeholder=True))))))
    (table,) = tables(read_docx(data, "ph.docx"))
    assert texts(table) == [["单位名称", ""]]


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ((w14_checkbox(True), t("是"), w14_checkbox(False), t("否")), "☑是☐否"),
        ((formcheckbox(True), t("是"), formcheckbox(False), t("否")), "☑是☐否"),
        ((formcheckbox(None, default=True), t("是"), formcheckbox(None), t("否")), "☑是☐否"),
        ((sym("Wingdings", "F0FE"), t("是"), sym("Wingdings", "F0A8"), t("否")), "☑是☐否"),
        ((sym("Wingdings 2", "F052"), t("是"), sym("Wingdings 2", "F0A3"), t("否")), "☑是☐否"),
        ((symbol_run("Wingdings", "þ"), t("是"), symbol_run("Wingdings", "¨"), t("否")), "☑是☐否"),
        ((t("■是 □否"),), "■是 □否"),
    ],
    ids=[
        "w14-control",
        "formcheckbox",
        "formcheckbox-default",
        "wingdings-sym",
        "wingdings2-sym",
        "font",
        "glyph",
    ],
)
def test_checkbox_encodings_are_read_as_one(runs, expected):
    (table,) = tables(read_docx(docx_bytes(tbl(tr(tc("是否具有独立法人资格"), tc(p(*runs))))), "c.docx"))
    cell = table.rows[0][1]
    assert cell.text == expected
    assert cell.checked == (True, False)


def test_tracked_deletions_are_dropped_and_insertions_kept():
    body = p(
        t("某"),
        '<w:del w:id="1" w:author="a"><w:r><w:delText>旧</w:delText></w:r></w:del>',
        '<w:ins w:id="2" w:author="a"><w:r><w:t>新</w:t></w:r></w:ins>',
        t("中心"),
    )
    doc = read_docx(docx_bytes(body), "r.docx")
    assert doc.blocks[0].text == "某新中心"


def test_a_text_box_is_read_once():
    doc = read_docx(docx_bytes(p(t("封面"), textbox("平台名称：某平台"))), "tb.docx")
    found = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert found.count("平台名称：某平台") == 1 and "封面" in found


def test_cell_with_two_paragraphs_keeps_the_line_break():
    (table,) = tables(read_docx(docx_bytes(tbl(tr(tc("主营业务"), tc("第一段", "第二段")))), "p.docx"))
    assert table.rows[0][1].text == "第一段\n第二段"


def test_corrupt_docx_is_unreadable_with_the_file_named():
    data = docx_bytes(p("x"))
    with pytest.raises(UnreadableFile, match="broken.docx"):
        read_docx(data[: len(data) // 2], "broken.docx")


def test_docx_without_document_part_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UnreadableFile, match="word/document.xml"):
        read_docx(out.getvalue(), "empty.docx")


def test_a_doctype_in_the_document_xml_is_refused():
    data = docx_bytes(p("x"))
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            content = src.read(info)
            if info.filename == "word/document.xml":
                head, rest = content.split(b"?>", 1)
                content = head + b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + rest
            zf.writestr(info, content)
    with pytest.raises(UnreadableFile, match="DOCTYPE"):
        read_docx(out.getvalue(), "dtd.docx")


def test_limits_bound_the_work():
    data = docx_bytes(tbl(*(tr(tc(f"a{i}"), tc(f"b{i}")) for i in range(30))))
    with pytest.raises(UnreadableFile, match="单元格超过 20"):
        read_docx(data, "big.docx", Limits(max_cells=20))
    nested = tc("x")
    for _ in range(5):
        nested = tc(tbl(tr(nested)))
    with pytest.raises(UnreadableFile, match="嵌套"):
        read_docx(docx_bytes(tbl(tr(nested))), "deep.docx", Limits(max_nesting=3))


def test_limits_validate_their_values():
    with pytest.raises(ValueError, match="max_pages"):
        Limits(max_pages=0)
    assert Limits.from_env({"ITBFORMS_MAX_PAGES": "5", "ITBFORMS_CONVERT_TIMEOUT": "2.5"}).max_pages == 5
    assert Limits.from_env({"ITBFORMS_CONVERT_TIMEOUT": "2.5"}).convert_timeout == 2.5
    with pytest.raises(ValueError, match="ITBFORMS_MAX_CELLS"):
        Limits.from_env({"ITBFORMS_MAX_CELLS": "many"})


def _rewrite_document(data: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            content = src.read(info)
            zf.writestr(info, change(content) if info.filename == "word/document.xml" else content)
    return out.getvalue()


def test_a_strict_open_xml_document_is_read_like_a_transitional_one():
    data = docx_bytes(tbl(tr(tc("单位名称"), tc("某检测中心"))))
    strict = _rewrite_document(
        data,
        lambda xml: xml.replace(
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
            b"http://purl.oclc.org/ooxml/wordprocessingml/main",
        ),
    )
    (table,) = tables(read_docx(strict, "strict.docx"))
    assert texts(table) == [["单位名称", "某检测中心"]]


def test_a_document_part_expanding_beyond_the_limit_is_refused():
    data = docx_bytes(p("x" * 5000))
    with pytest.raises(UnreadableFile, match="解压后超过"):
        read_docx(data, "bomb.docx", Limits(max_unzipped_bytes=4000))
