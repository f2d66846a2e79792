"""``itbforms bundle`` with annual reports: ten platforms' reports as Word, Excel and PDF, checked with the
received date and against last year's bundle or last year's 年度运行情况汇总表; a zip holding both kinds
gives both workbooks."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pytest
from openpyxl import load_workbook

from service.cli import main
from templates.annual_summary import annual_summary_xlsx
from tests.extractor.annual_bundles import (
    CARRY_MISMATCH,
    annual_record,
    fill_annual,
    last_year,
    last_year_bundle,
    mixed_bundle,
    outcomes,
    screened,
    this_year,
)
from tests.extractor.bundles import make_zip, unit_record
from tests.service.bundles.fixtures import docx

ANNUAL_GROUP = pytest.mark.xdist_group("annual-soffice")


def run(tmp_path, bundle: bytes, *extra: str) -> tuple[int, dict]:
    path = tmp_path / "年报.zip"
    path.write_bytes(bundle)
    report = tmp_path / "report.json"
    args = ["bundle", str(path), "-o", str(tmp_path / "推荐汇总表.xlsx"), "--json", str(report), "--quiet"]
    code = main([*args, "--workers", "1", *extra])
    return code, json.loads(report.read_text(encoding="utf-8"))


def statuses(report: dict) -> dict[int, str]:
    return {u["seq"]: u["status"] for u in report["annual"]["units"]}


@pytest.mark.soffice
@ANNUAL_GROUP
def test_a_mixed_annual_bundle_against_last_years_bundle(tmp_path, capsys):
    previous = tmp_path / "2024年报.zip"
    previous.write_bytes(last_year_bundle())
    code, report = run(tmp_path, mixed_bundle(), "--received", "2026-03-25", "--previous", str(previous))
    assert code == 1
    err = capsys.readouterr().err
    assert "年度运行情况表 10 个平台：正常 6，需关注 2，不符合 1，待补充 1" in err
    assert not (tmp_path / "推荐汇总表.xlsx").exists()  # no applications in the bundle
    annual = report["annual"]
    assert annual["received"] == "2026-03-25"
    assert annual["previous"] == {"source": "2024年报.zip", "platforms": 10}
    assert sorted({f["kind"] for u in annual["units"] for f in u["files"]}) == ["docx", "pdf", "xlsx"]
    assert list(statuses(report).values()).count("正常") == 6
    carry = [c for c in annual["units"][CARRY_MISMATCH - 1]["checks"] if c["rule"] == "A-CARRY"]
    assert carry[0]["passed"] is False and "120" in carry[0]["message"]
    assert [f["name"] for f in report["failed"]] == ["报送说明.txt"]
    book = load_workbook(tmp_path / "年度运行情况汇总表.xlsx")
    ws = book["汇总"]
    assert [ws.cell(row=r, column=2).value for r in range(5, 15)] == [
        f"第{i:02d}号产业技术基础公共服务平台" for i in range(1, 11)
    ]
    assert ws.cell(row=5, column=16).value == "+25.0%"  # revenue against last year's report
    assert book["解析问题"]["A2"].value == "报送说明.txt"


@pytest.mark.soffice
@ANNUAL_GROUP
@pytest.mark.soffice
@ANNUAL_GROUP
def test_last_years_summary_workbook_serves_as_last_years_reports(tmp_path):
    from service.bundles.annual import screen_annual  # noqa: PLC0415

    last = screen_annual(outcomes(last_year(this_year()))).to_dict()
    previous = tmp_path / "2024年度运行情况汇总表.xlsx"
    previous.write_bytes(annual_summary_xlsx(last["units"]))
    code, report = run(tmp_path, mixed_bundle(), "--received", "2026-03-25", "--previous", str(previous))
    assert report["annual"]["previous"] == {"source": previous.name, "platforms": 10}
    carry = {
        u["seq"]: next(c for c in u["checks"] if c["rule"] == "A-CARRY") for u in report["annual"]["units"]
    }
    assert [seq for seq, c in carry.items() if c["passed"] is not True] == [CARRY_MISMATCH]
    assert "120" in carry[CARRY_MISMATCH]["message"]
    assert statuses(report) == {u["seq"]: u["status"] for u in screened()["units"]}


def test_a_zip_of_both_kinds_gives_both_workbooks_and_the_received_date_defaults_to_the_zips(
    tmp_path, capsys
):
    bundle = make_zip(
        [
            ("申报/申报书.docx", docx(unit_record(61))),
            ("年报/年度运行情况表.docx", fill_annual(annual_record(1), "docx")),
        ]
    )
    path = tmp_path / "年报.zip"
    path.write_bytes(bundle)
    late = datetime(2026, 5, 6, 10, 0).timestamp()
    os.utime(path, (late, late))
    report_path = tmp_path / "r.json"
    code = main(
        ["bundle", str(path), "-o", str(tmp_path / "推荐汇总表.xlsx"), "--json", str(report_path), "--quiet"]
    )
    assert code == 1  # received after 31 March: A-DEADLINE asks a person to look
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert [u["verdict"] for u in report["units"]] == ["eligible"]
    assert report["annual"]["received"] == "2026-05-06"
    (unit,) = report["annual"]["units"]
    assert unit["status"] == "需关注"
    assert next(c for c in unit["checks"] if c["rule"] == "A-DEADLINE")["passed"] is False
    assert load_workbook(tmp_path / "推荐汇总表.xlsx").worksheets[0]["C4"].value == "测试单位061检测中心"
    assert load_workbook(tmp_path / "年度运行情况汇总表.xlsx")["汇总"]["R5"].value == "需关注"
    assert "汇总表：" in capsys.readouterr().err


def test_a_previous_file_without_annual_reports_exits_2(tmp_path, capsys):
    previous = tmp_path / "上年.zip"
    previous.write_bytes(make_zip([("申报书.docx", docx(unit_record(62)))]))
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(make_zip([("年报.docx", fill_annual(annual_record(1), "docx"))]))
    assert main(["bundle", str(bundle), "--previous", str(previous), "--quiet", "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("itbforms bundle: 上年.zip：其中没有可用的上年度年度运行情况表") and "\n" not in err
