"""``itbforms parse``: JSON on stdout (or -o); exit 0 when parsed, 2 (one line) when the file is unusable."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import openpyxl
import pytest

from forms.records import dump_record, load_record
from service.cli import main
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.pdfs import pdf_pages


def _salary_workbook() -> bytes:
    """A real workbook that is none of our forms."""
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "部门", "工资"])
    wb.active.append(["张三", "财务部", 8000])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def annex2_docx(tmp_path_factory):
    loaded = load_record(read_example("annex2.json"))
    path = tmp_path_factory.mktemp("cli") / "年度运行情况表.docx"
    path.write_bytes(fill(loaded.form, loaded.record, "docx"))
    return path, dump_record(loaded.record, loaded.form)


def test_parse_prints_the_record_json_and_exits_0(annex2_docx, capsys):
    path, expected = annex2_docx
    assert main(["parse", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"] == "annex2" and out["record"] == expected
    assert out["problems"] == [] and "checks" not in out
    assert out["provenance"]["header.uscc"]["file"] == path.name


def test_parse_with_checks_and_output_file(annex2_docx, tmp_path, capsys):
    path, _ = annex2_docx
    target = tmp_path / "out.json"
    assert main(["parse", str(path), "--form", "annex2", "--checks", "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    out = json.loads(target.read_text(encoding="utf-8"))
    assert {c["rule"] for c in out["checks"]} >= {"V-REQ", "A-DEADLINE"}


def test_a_parsed_file_with_problems_still_exits_0(annex2_docx, tmp_path, capsys):
    path, _ = annex2_docx
    assert main(["parse", str(path), "--form", "annex1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"] == "annex1"
    assert {p["code"] for p in out["problems"]} >= {"not_found"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("扫描件.pdf", pdf_pages(["image"]), "扫描件/无文本层"),
        ("损坏.docx", b"PK\x03\x04 broken", "损坏"),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "图片"),
        ("工资表.xlsx", _salary_workbook(), "不是《产业技术基础公共服务平台申报书》"),
    ],
)
def test_an_unusable_file_exits_2_with_one_line(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["parse", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert "\n" not in err and name in err and message in err and "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nothere.docx")]) == 2
    assert "nothere.docx" in capsys.readouterr().err


def test_the_console_entry_point(annex2_docx):
    path, expected = annex2_docx
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli", "parse", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["record"] == expected
