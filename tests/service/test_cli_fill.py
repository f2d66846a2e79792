"""``itbforms fill`` and ``itbforms prefill``: files written, partial records reported, unusable input → 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from service.cli import main
from tests.templates.docx_helpers import cells_after, value_after
from tests.templates.pdf_helpers import pdf_text, prints, squeeze


def write_json(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_fill_annex1_docx(
    tmp_path: Path, annex1_json: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.docx"
    assert main(["fill", "annex1", str(write_json(tmp_path / "r.json", annex1_json)), "-o", str(out)]) == 0
    doc = Document(str(out))
    assert value_after(doc, "单位名称") == annex1_json["applicant"]["name"]
    err = capsys.readouterr().err
    assert "尚未填写" not in err and str(out) in err


def test_fill_annex2_xlsx(tmp_path: Path, annex2_json: dict[str, Any]) -> None:
    out = tmp_path / "out.xlsx"
    assert main(["fill", "annex2", str(write_json(tmp_path / "r.json", annex2_json)), "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["基本信息", "能力建设", "服务运营", "年度计划", "典型案例"]
    assert wb["基本信息"]["B4"].value == annex2_json["header"]["platform_name"]


def test_fill_blank(tmp_path: Path) -> None:
    out = tmp_path / "blank.docx"
    assert main(["fill", "annex2", "--blank", "-o", str(out)]) == 0
    doc = Document(str(out))
    assert value_after(doc, "平台名称") == ""
    assert "None" not in "".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_partial_record_fills_what_it_has_and_lists_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = {"form": "annex1", "cover": {"platform_name": "部分填写的平台", "date": "不是日期"}}
    out = tmp_path / "part.docx"
    assert main(["fill", "annex1", str(write_json(tmp_path / "p.json", record)), "-o", str(out)]) == 0
    assert value_after(Document(str(out)), "平台名称") == "部分填写的平台"
    err = capsys.readouterr().err
    assert "cover.date：申报日期：应为日期" in err  # the unusable value, left blank
    assert "尚未填写的必填项" in err and "applicant.name：必填项未填写：单位名称" in err
    assert "cover.platform_name" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["fill", "annex1", "--blank", "-o", "{tmp}/x.xlsx"], "annex1 可输出 .docx、.pdf"),
        (["fill", "annex1", "--blank", "-o", "{tmp}/x.odt"], "无法从扩展名判断输出格式"),
        (["fill", "annex1", "-o", "{tmp}/x.docx"], "或使用 --blank"),
        (["fill", "annex1", "{tmp}/bad.json", "--blank", "-o", "{tmp}/x.docx"], "二者只能选一"),
        (["fill", "annex1", "{tmp}/bad.json", "-o", "{tmp}/x.docx"], "JSON 格式错误"),
        (["fill", "annex1", "{tmp}/annex2.json", "-o", "{tmp}/x.docx"], "与要求的 'annex1' 不一致"),
        (["fill", "annex1", "{tmp}/missing.json", "-o", "{tmp}/x.docx"], "missing.json：文件不存在"),
        (["prefill", "annex2", "--year", "2026", "-o", "{tmp}/x.docx"], "--from"),
        (
            ["prefill", "annex2", "--from", "{tmp}/annex2.json", "--year", "2030", "-o", "{tmp}/x.json"],
            "只能从 2029",
        ),
        (
            ["prefill", "annex2", "--from", "{tmp}/nothere.docx", "--year", "2026", "-o", "{tmp}/x.json"],
            "不存在",
        ),
    ],
)
def test_unusable_input_exits_2_with_one_line(
    argv: list[str],
    message: str,
    tmp_path: Path,
    annex2_json: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_json(tmp_path / "bad.json", "{not json")
    write_json(tmp_path / "annex2.json", annex2_json)
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1, err


def test_entry_point_prints_no_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "fill", "annex1", "--blank", "-o", str(tmp_path / "x.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("itbforms fill:")


def test_prefill_from_last_years_record(tmp_path: Path, annex2_json: dict[str, Any]) -> None:
    year = annex2_json["header"]["report_year"] + 1
    out = tmp_path / "this.json"
    last = write_json(tmp_path / "last.json", annex2_json)
    assert main(["prefill", "annex2", "--from", str(last), "--year", str(year), "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["form"] == "annex2" and data["header"]["report_year"] == year
    assert data["header"]["operator"] == annex2_json["header"]["operator"]
    assert data["capacity"]["staff_total"] == {
        "previous": annex2_json["capacity"]["staff_total"]["current"],
        "current": None,
    }
    assert data["operations"]["revenue_total"] is None


def test_prefill_from_the_application_to_word(
    tmp_path: Path, annex1_json: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "this.docx"
    app = write_json(tmp_path / "app.json", annex1_json)
    assert main(["prefill", "annex2", "--annex1", str(app), "--year", "2031", "-o", str(out)]) == 0
    doc = Document(str(out))
    assert value_after(doc, "依托单位（盖章）") == annex1_json["applicant"]["name"]
    assert value_after(doc, "填报年度") == "2031"
    assert "预填后仍需填写的必填项" in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_prefill_from_last_years_filled_file(
    tmp_path: Path, annex2_json: dict[str, Any], suffix: str
) -> None:
    """Last year's report as the Word or Excel file it was sent in (read back by the extractor)."""
    last = tmp_path / f"last{suffix}"
    assert main(["fill", "annex2", str(write_json(tmp_path / "r.json", annex2_json)), "-o", str(last)]) == 0
    year = annex2_json["header"]["report_year"] + 1
    out = tmp_path / "this.docx"
    assert main(["prefill", "annex2", "--from", str(last), "--year", str(year), "-o", str(out)]) == 0
    doc = Document(str(out))
    assert value_after(doc, "平台名称") == annex2_json["header"]["platform_name"]
    _, previous, current = cells_after(doc, "从业人员总数", count=3)
    assert previous == str(annex2_json["capacity"]["staff_total"]["current"]) and current == ""


@pytest.mark.soffice
def test_fill_pdf(tmp_path: Path, annex2_json: dict[str, Any]) -> None:
    out = tmp_path / "out.pdf"
    assert main(["fill", "annex2", str(write_json(tmp_path / "r.json", annex2_json)), "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        assert prints(annex2_json["header"]["platform_name"], squeeze(pdf_text(data)))


def test_fill_with_a_wrongly_shaped_section_exits_2_naming_it(
    tmp_path: Path, annex1_json: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    record = {**annex1_json, "attachments": annex1_json["attachments"]["attachments"]}
    out = tmp_path / "out.docx"
    assert main(["fill", "annex1", str(write_json(tmp_path / "r.json", record)), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "r.json" in err
    assert "“attachments”（附件目录）应为对象" in err and '例如 {"attachments": {"attachments": [{' in err
    assert "{label}" not in err and not out.exists()
