"""A filled application edited the way applicants edit forms, by code on the real .docx: a case row added,
the instructions deleted, a label re-spaced, a number typed with separators and unit, a cell written as two
paragraphs, a checkbox ticked with ``■``. ``EDITED`` says what the parser must then read."""

from __future__ import annotations

import copy
import io
from typing import Any

import docx
from docx.oxml.ns import qn
from lxml import etree

from forms import ANNEX1

#: The case row the applicant added (as JSON values).
ADDED_CASE = {
    "title": "储能电站电池簇一致性评价",
    "client": "某储能科技有限公司",
    "content": "开展电池簇容量、内阻一致性测试与热失控风险评估。",
    "period": "2025年1月—2025年9月",
    "impact": "帮助企业优化成组工艺，电池簇一致性提升。",
}
#: revenue_total typed as people type money.
TYPED_REVENUE = "1,234.50万元"


def edited_record(example: dict[str, Any]) -> dict[str, Any]:
    """The JSON record the edited document holds, given the example record it was filled from."""
    out = copy.deepcopy(example)
    out["performance"]["cases"].append(dict(ADDED_CASE))
    out["applicant"]["revenue_total"] = 1234.5
    return out


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(qn("w:t")))


def _cells(body: etree._Element) -> list[etree._Element]:
    return list(body.iter(qn("w:tc")))


def _label_cell(body: etree._Element, label: str) -> etree._Element:
    for tc in _cells(body):
        if _text(tc).strip() == label:
            return tc
    raise AssertionError(f"no cell {label!r} in the filled template")


def _value_cell(body: etree._Element, label: str) -> etree._Element:
    tc = _label_cell(body, label).getnext()
    while tc is not None and tc.tag != qn("w:tc"):
        tc = tc.getnext()
    assert tc is not None, label
    return tc


def _set_paragraphs(tc: etree._Element, *texts: str) -> None:
    """Replace a cell's content with one paragraph per text (keeping the first paragraph's formatting)."""
    paragraphs = tc.findall(qn("w:p"))
    template = copy.deepcopy(paragraphs[0])
    for p in paragraphs:
        tc.remove(p)
    for text in texts:
        p = copy.deepcopy(template)
        runs = p.findall(qn("w:r"))
        for r in runs[1:]:
            p.remove(r)
        if runs:
            run = runs[0]
            for child in list(run):
                if child.tag != qn("w:rPr"):
                    run.remove(child)
        else:
            run = etree.SubElement(p, qn("w:r"))
        t = etree.SubElement(run, qn("w:t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        tc.append(p)


def edited_annex1(data: bytes) -> bytes:
    document = docx.Document(io.BytesIO(data))
    body = document.element.body

    # the instructions deleted (their heading and every item)
    drop = {"填写说明", *ANNEX1.instructions}
    for p in list(body.iter(qn("w:p"))):
        if p.getparent() is body and _text(p).strip() in drop:
            body.remove(p)

    # a case row added after the last one
    header = _label_cell(body, "案例名称").getparent()
    table = header.getparent()
    rows = table.findall(qn("w:tr"))
    last = rows[-1]
    added = copy.deepcopy(last)
    for tc, key in zip(
        added.findall(qn("w:tc")), ("title", "client", "content", "period", "impact"), strict=True
    ):
        _set_paragraphs(tc, ADDED_CASE[key])
    last.addnext(added)

    # a number typed with a thousands separator and its unit
    _set_paragraphs(_value_cell(body, "上年度营业收入（万元）"), TYPED_REVENUE)

    # a cell written as two paragraphs (a long address broken by Enter; main business in two paragraphs)
    address = _text(_value_cell(body, "通讯地址"))
    _set_paragraphs(_value_cell(body, "通讯地址"), address[:6], address[6:])
    business = _value_cell(body, "主营业务")
    first, _, second = "\n".join(_br_text(p) for p in business.findall(qn("w:p"))).partition("\n")
    _set_paragraphs(business, first, second)

    # checkboxes ticked with ■ and left as □
    legal = _value_cell(body, "是否具有独立法人资格")
    _set_paragraphs(legal, _text(legal).replace("☑", "■").replace("☐", "□"))
    scopes = _value_cell(body, "服务范围")
    _set_paragraphs(scopes, _text(scopes).replace("☑", "■"))

    # a label re-spaced, another with a trailing full-width colon
    _set_paragraphs(_label_cell(body, "单位名称"), "单 位 名 称")
    _set_paragraphs(_label_cell(body, "成立时间"), "成立时间：")

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _br_text(p: etree._Element) -> str:
    parts = []
    for el in p.iter(qn("w:t"), qn("w:br")):
        parts.append("\n" if el.tag == qn("w:br") else el.text or "")
    return "".join(parts)
