"""Signature blocks as units: the 日期 beside or under a signature label is that block's date — same
paragraph, row, next row or line — in both forms, in Word, PDF and Excel, with or without a 签章 heading.
Layouts built here by hand, as units re-type the forms."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from extractor import parse_bytes
from tests.extractor.ooxml import docx_bytes, p, tbl, tc, tr
from tests.extractor.pdfs import pdf_drawn

ANNEX2_TITLE = "产业技术基础公共服务平台年度运行情况表"


def test_annex2_signoff_row_without_its_heading_keeps_name_and_date_in_word():
    data = docx_bytes(
        p(ANNEX2_TITLE),
        p("四、变更与重大事项"),
        tbl(tr(tc("是否发生重大变更"), tc("否"))),
        tbl(tr(tc("依托单位负责人（签字）"), tc("张三"), tc("日期"), tc("2026年1月15日")), cols=4),
    )
    signoff = parse_bytes(data, "年报.docx", form="annex2").record["signoff"]
    assert signoff["head_name"] == "张三" and signoff["signed_date"] == dt.date(2026, 1, 15)


def test_annex2_signoff_with_the_date_in_the_next_row_in_excel():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([ANNEX2_TITLE])
    ws.append(["四、变更与重大事项"])
    ws.append(["是否发生重大变更", "否"])
    ws.append(["依托单位负责人（签字）", "张三"])
    ws.append(["日期", dt.datetime(2026, 1, 15)])
    out = io.BytesIO()
    wb.save(out)
    signoff = parse_bytes(out.getvalue(), "年报.xlsx", form="annex2").record["signoff"]
    assert signoff["head_name"] == "张三" and signoff["signed_date"] == dt.date(2026, 1, 15)


def test_annex2_signoff_line_printed_in_a_pdf():
    texts = [
        (60, 740, ANNEX2_TITLE, ""),
        (60, 700, "四、变更与重大事项", ""),
        (60, 660, "依托单位负责人（签字）：张三", ""),
        (360, 660, "日期：2026年1月15日", ""),
    ]
    signoff = parse_bytes(pdf_drawn(texts), "年报.pdf", form="annex2").record["signoff"]
    assert signoff["head_name"] == "张三" and signoff["signed_date"] == dt.date(2026, 1, 15)


def test_annex1_dates_of_the_promise_and_of_the_recommender_in_word():
    data = docx_bytes(
        p("产业技术基础公共服务平台申报书"),
        p("六、承诺与推荐意见"),
        p("本单位郑重承诺：申报书所填内容及所附材料真实、准确、完整。"),
        p("法定代表人（签字）：                日期：2025年3月1日"),
        tbl(tr(tc("推荐单位意见"), tc("同意推荐。", "推荐单位（盖章）", "2025年3月10日"))),
    )
    declaration = parse_bytes(data, "申报书.docx", form="annex1").record["declaration"]
    assert declaration["signed_date"] == dt.date(2025, 3, 1)
    assert declaration["recommender_opinion"] == "同意推荐。"
    assert declaration["recommender_date"] == dt.date(2025, 3, 10)


def test_annex1_recommender_date_in_the_row_under_the_opinion_and_in_a_pdf():
    data = docx_bytes(
        p("产业技术基础公共服务平台申报书"),
        p("六、承诺与推荐意见"),
        tbl(tr(tc("推荐单位意见"), tc("同意推荐。")), tr(tc("日期"), tc("2025-03-10"))),
    )
    declaration = parse_bytes(data, "申报书.docx", form="annex1").record["declaration"]
    assert declaration["recommender_date"] == dt.date(2025, 3, 10)
    texts = [
        (60, 740, "产业技术基础公共服务平台申报书", ""),
        (60, 700, "六、承诺与推荐意见", ""),
        (60, 660, "法定代表人（签字）：", ""),
        (360, 660, "日期：2025年3月1日", ""),
    ]
    declaration = parse_bytes(pdf_drawn(texts), "申报书.pdf", form="annex1").record["declaration"]
    assert declaration["signed_date"] == dt.date(2025, 3, 1)


def test_a_date_far_from_any_signature_is_not_taken_for_one():
    data = docx_bytes(
        p("产业技术基础公共服务平台申报书"),
        p("六、承诺与推荐意见"),
        tbl(tr(tc("推荐单位意见"), tc("同意推荐。"))),
        p("五、建设目标与发展规划"),
        tbl(tr(tc("日期"), tc("2025-03-10"))),
    )
    declaration = parse_bytes(data, "申报书.docx", form="annex1").record["declaration"]
    assert declaration["recommender_date"] is None
