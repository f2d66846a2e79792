"""Shared, expensive things for the template tests: typed example records and their PDFs (one LibreOffice
start for all of them, once per test session and worker)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from forms.records import Record, load_record
from templates.render import fill_pdfs
from tests.conftest import read_example

#: A value with every character XML escapes, quotes, and a line break.
TRICKY_TEXT = "A&B <测试> \"双引号\" '单引号' > 结束\n第二行 & <b>粗</b>"
LONG_PROSE = "\n".join(f"第{i}段：平台持续完善计量测试能力，扩大开放共享范围。" for i in range(1, 301))


def typed(name: str) -> Record:
    loaded = load_record(read_example(f"{name}.json"))
    assert not loaded.problems, [p.message for p in loaded.problems]
    return loaded.record


@pytest.fixture(scope="session")
def annex1_record() -> Record:
    return typed("annex1")


@pytest.fixture(scope="session")
def annex2_record() -> Record:
    return typed("annex2")


def tricky_annex1(base: Record) -> Record:
    """The annex1 example with markup characters, a line break, 30 cooperation rows and very long prose."""
    record: dict[str, Any] = copy.deepcopy(base)
    record["applicant"]["name"] = TRICKY_TEXT.split("\n")[0]
    record["applicant"]["main_business"] = TRICKY_TEXT
    record["platform"]["mechanism"] = LONG_PROSE
    record["platform"]["cooperation"] = [
        {
            "partner": f"合作单位{i:02d}",
            "partner_type": "企业",
            "form": "联合实验室",
            "content": f"合作内容{i:02d} & <共建>",
            "period": "2024年",
        }
        for i in range(1, 31)
    ]
    return record


@pytest.fixture(scope="session")
def tricky_record(annex1_record: Record) -> Record:
    return tricky_annex1(annex1_record)


@pytest.fixture(scope="session")
def pdfs(annex1_record: Record, annex2_record: Record, tricky_record: Record) -> dict[str, bytes]:
    """annex1, annex2 and the tricky annex1 as PDFs, converted in one batch."""
    batch = [("annex1", annex1_record), ("annex2", annex2_record), ("annex1", tricky_record)]
    a1, a2, tricky = fill_pdfs(batch)
    return {"annex1": a1, "annex2": a2, "tricky": tricky}
