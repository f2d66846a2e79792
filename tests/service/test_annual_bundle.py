"""Grouping and checking a bundle's annual reports (``service.bundles.annual``) on the records its files
carry: one platform's Word and PDF compared, the same platform twice reported, last year's loaded."""

from __future__ import annotations

import copy

import pytest

from extractor.errors import UnsupportedFile
from service.bundles.annual import annual_section, load_previous, screen_annual
from service.bundles.files import FileOutcome
from tests.extractor.annual_bundles import RECEIVED, annual_record, salary_workbook


def outcome(index: int, name: str, folder: str, kind: str, record: dict) -> FileOutcome:
    return FileOutcome(index, name, folder, 0, "parsed", kind, form="annex2", record=record)


def test_word_and_pdf_of_one_platform_are_one_unit_and_compared():
    word = annual_record(1)
    pdf = copy.deepcopy(word)
    pdf["capacity"]["staff_total"] = {"previous": 128, "current": 124}
    files = [outcome(0, "a/年报.docx", "a", "docx", word), outcome(1, "a/年报（盖章）.pdf", "a", "pdf", pdf)]
    (unit,) = screen_annual(files, received=RECEIVED).to_dict()["units"]
    assert [f["role"] for f in unit["files"]] == ["primary", "compared"]
    (difference,) = unit["differences"]
    assert difference["label"] == "从业人员总数（本年）"
    assert [v["value"] for v in difference["values"]] == ["142", "124"]
    assert unit["notes"] == ["同一平台的文件内容不一致：从业人员总数（本年）"]


def test_one_platform_in_two_folders_is_reported_twice():
    files = [
        outcome(0, "a/年报.docx", "a", "docx", annual_record(1)),
        outcome(1, "b/年报.docx", "b", "docx", annual_record(1)),
    ]
    units = screen_annual(files, received=RECEIVED).to_dict()["units"]
    assert [u["duplicates"] for u in units] == [[2], [1]]
    assert units[0]["notes"] == ["重复报送：统一社会信用代码与第2项相同"]


def test_no_annual_report_no_annual_section():
    application = FileOutcome(0, "申报书.docx", "", 0, "parsed", "docx", form="annex1", record={})
    assert annual_section([application], received=RECEIVED) is None


def test_last_years_material_that_holds_no_annual_report_is_refused_by_name():
    with pytest.raises(UnsupportedFile, match="工资.xlsx："):
        load_previous(salary_workbook(), "工资.xlsx")
    with pytest.raises(UnsupportedFile, match="说明.txt："):
        load_previous("上年材料".encode("gbk"), "说明.txt")


def test_an_upload_late_on_31_march_utc_is_received_on_1_april_in_beijing():
    from datetime import UTC, date, datetime  # noqa: PLC0415

    from service.bundles.annual import china_date  # noqa: PLC0415

    assert china_date(datetime(2026, 3, 31, 15, 59, tzinfo=UTC).timestamp()) == date(2026, 3, 31)
    assert china_date(datetime(2026, 3, 31, 16, 0, tzinfo=UTC).timestamp()) == date(2026, 4, 1)
