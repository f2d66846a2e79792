"""``itbforms check`` and ``itbforms schema``: exit codes, output, and clear errors on unusable input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from service.cli import main


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (what a user types)."""
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def record_file(tmp_path):
    def write(data, name="record.json"):
        path = tmp_path / name
        path.write_text(
            data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8"
        )
        return str(path)

    return write


def test_eligible_example_exits_0_with_a_json_report(record_file, annex1_json, capsys):
    assert main(["check", record_file(annex1_json)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["verdict"] == "eligible"
    assert {r["rule"] for r in report["results"]} >= {"E-LEGAL", "E-ASSETS", "V-USCC", "V-REQ"}


def test_failing_record_exits_1_and_text_names_the_article(record_file, annex1_json, capsys):
    annex1_json["applicant"]["itb_share"] = 59.9
    assert main(["check", record_file(annex1_json), "--format", "text"]) == 1
    out = capsys.readouterr().out
    assert "第六条（二）" in out and "不符合" in out


def test_annual_report_received_date(record_file, annex2_json, capsys):
    year = annex2_json["header"]["report_year"]
    assert main(["check", record_file(annex2_json), "--received", f"{year + 1}-03-31"]) == 0
    capsys.readouterr()
    main(["check", record_file(annex2_json), "--received", f"{year + 1}-04-01"])
    results = {r["rule"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["A-DEADLINE"]["passed"] is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "JSON 格式错误"),
        ("[1, 2]", "JSON 对象"),
        ('{"form": "annex7"}', "annex7"),
        ('{"applicant": {}}', "缺少"),
    ],
)
def test_unusable_input_exits_2_with_one_line_and_no_traceback(record_file, content, expected):
    result = run_cli("check", record_file(content))
    assert result.returncode == 2
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "record.json" in result.stderr


def test_missing_file_and_bad_date_exit_2(tmp_path, record_file, annex1_json):
    result = run_cli("check", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "nope.json" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("check", record_file(annex1_json), "--received", "2026/04/02")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_wrong_types_exit_2_and_the_report_shows_them_under_v_type(record_file, annex1_json):
    annex1_json["applicant"]["staff_total"] = "五十"
    result = run_cli("check", record_file(annex1_json))
    assert result.returncode == 2
    assert "从业人员总数" in result.stderr and "五十" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    report = json.loads(result.stdout)
    v_type = [r for r in report["results"] if r["rule"] == "V-TYPE" and r["passed"] is False]
    assert v_type and "applicant.staff_total" in v_type[0]["fields"]
    assert report["verdict"] != "eligible"


def test_schema_command(capsys):
    assert main(["schema", "annex2"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["form"] == {"const": "annex2"}
    result = run_cli("schema", "annex9")
    assert result.returncode == 2 and "annex9" in result.stderr and "Traceback" not in result.stderr
