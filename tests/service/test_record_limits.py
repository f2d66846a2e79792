"""Record limits before any work: fill and prefill (API and CLI) refuse a record beyond the form's lengths
or the caps on text and rows without rendering anything; parsing still reads such a form and warns."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from extractor import parse_bytes
from forms.checks import run_checks
from forms.records import load_record
from service.app import create_app
from service.cli import main
from templates import render
from tests.service.test_api import API, assert_problem


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats ``templates.render.fill`` was asked for (it still renders): what work a request caused."""
    calls: list[str] = []
    real = render.fill

    def counting(form: Any, record: Any, fmt: str, **kwargs: Any) -> bytes:
        calls.append(fmt)
        return real(form, record, fmt, **kwargs)

    monkeypatch.setattr(render, "fill", counting)
    return calls


def huge_field(annex1_json: dict[str, Any]) -> dict[str, Any]:
    annex1_json["applicant"]["main_business"] = "检" * 300_000
    return annex1_json


def long_table(annex1_json: dict[str, Any]) -> dict[str, Any]:
    row = annex1_json["capability"]["equipment"][0]
    annex1_json["capability"]["equipment"] = [row] * 10_000
    return annex1_json


def test_fill_refuses_a_300000_character_field_with_a_422_naming_it_before_rendering(
    client, annex1_json, renders
):
    for fmt in ("pdf", "docx"):
        response = client.post(f"{API}/forms/annex1/fill?format={fmt}", json=huge_field(annex1_json))
        body = assert_problem(response, 422, "invalid-record")
        assert body["detail"].startswith(
            "请求体: 记录超出限制：主营业务：长度 300000 字，超过 10000 字的限制"
        )
        assert [e["field"] for e in body["errors"]] == ["applicant.main_business"]
    assert renders == []
    assert client.post(f"{API}/forms/annex1/fill?format=docx", json=read_ok(annex1_json)).status_code == 200
    assert renders == ["docx"]


def read_ok(record: dict[str, Any]) -> dict[str, Any]:
    record["applicant"]["main_business"] = "检" * 10_000
    return record


def test_fill_refuses_a_10000_row_table_and_the_forms_own_length_limit(client, annex1_json, renders):
    body = assert_problem(
        client.post(f"{API}/forms/annex1/fill?format=pdf", json=long_table(annex1_json)),
        422,
        "invalid-record",
    )
    assert "主要仪器设备（含软件）：10000 行，超过 1000 行的限制" in body["detail"]
    annex1_json["capability"]["equipment"] = annex1_json["capability"]["equipment"][:3]
    annex1_json["platform"]["summary"] = "简" * 1001
    body = assert_problem(client.post(f"{API}/forms/annex1/fill", json=annex1_json), 422, "invalid-record")
    assert body["errors"][0]["field"] == "platform.summary" and "超过 1000 字的限制" in body["detail"]
    assert renders == []


def test_the_caps_are_settings(annex1_json, tmp_path: Path):
    small = create_app({"TESTING": True, "data_dir": str(tmp_path), "record_max_rows": 2}).test_client()
    body = assert_problem(small.post(f"{API}/forms/annex1/fill", json=annex1_json), 422, "invalid-record")
    assert "超过 2 行的限制" in body["detail"]


def test_prefill_refuses_a_source_whose_carried_value_is_beyond_the_limits(client, annex2_json, renders):
    annex2_json["header"]["platform_name"] = "平" * 10_001  # (under werkzeug's test client's spooling size)
    last = json.dumps(annex2_json, ensure_ascii=False).encode()
    response = client.post(
        f"{API}/forms/annex2/prefill",
        data={
            "file": (io.BytesIO(last), "2025年报.json"),
            "year": str(annex2_json["header"]["report_year"] + 1),
        },
        content_type="multipart/form-data",
    )
    body = assert_problem(response, 422, "invalid-record")
    assert body["detail"].startswith("2025年报.json: 记录超出限制：平台名称：长度 10001 字")
    assert renders == []


def test_cli_fill_exits_2_with_one_chinese_line_naming_the_file_and_field(
    tmp_path: Path, annex1_json, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, renders
):
    path = tmp_path / "申报书.json"
    path.write_text(json.dumps(huge_field(annex1_json), ensure_ascii=False), encoding="utf-8")
    assert main(["fill", "annex1", str(path), "-o", str(tmp_path / "out.pdf")]) == 2
    err = capsys.readouterr().err
    assert f"{path}: 记录超出限制：主营业务：长度 300000 字，超过 10000 字的限制" in err
    assert "Traceback" not in err and not (tmp_path / "out.pdf").exists()
    monkeypatch.setenv("ITBFORMS_RECORD_MAX_ROWS", "3")
    path.write_text(json.dumps(read_ok(annex1_json), ensure_ascii=False), encoding="utf-8")
    assert main(["fill", "annex1", str(path), "-o", str(tmp_path / "out.docx")]) == 2
    assert "超过 3 行的限制" in capsys.readouterr().err
    assert renders == []


def test_parse_still_reads_an_over_long_value_and_warns(annex1_json):
    """A submitted form is read whatever its length: V-LEN warns, nothing is refused or cut."""
    annex1_json["platform"]["summary"] = "简" * 1200
    loaded = load_record(annex1_json)
    parsed = parse_bytes(render.fill(loaded.form, loaded.record, "docx"), "申报书.docx")
    assert parsed.record["platform"]["summary"] == "简" * 1200
    (v_len,) = [r for r in run_checks(parsed.record, "annex1").results if r.rule == "V-LEN"]
    assert v_len.passed is False and v_len.fields == ["platform.summary"]
