"""The defences themselves, apart from any one hostile file: safe versions of the parsers, XML parsed
without entities, limits that an operator can set, deadlines, and the zip directory judged before it is
read."""

from __future__ import annotations

import io
import tomllib
import zipfile
from importlib.metadata import version

import openpyxl.xml
import pytest

from extractor import parse_bytes
from extractor._zip import check_zip_directory, zip_directory
from extractor.errors import UnreadableFile
from extractor.settings import Limits
from service.api.transfer import limits as request_limits
from service.app import create_app
from tests.clocks import ManualClock
from tests.hostile.corpus import by_name, cve_2025_64512, form_fanout, good_docx, plant_pickle, text_pages
from tests.hostile.harness import ROOT
from tests.service.api_calls import post_file

FIXED_PDFMINER = 20251107  # CVE-2025-64512: before it, a crafted PDF could unpickle a file of its choice


def test_openpyxl_parses_workbooks_through_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML is True


def test_pdfminer_is_a_version_without_cve_2025_64512_and_the_project_pins_it() -> None:
    assert int(version("pdfminer.six")) >= FIXED_PDFMINER
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"pdfminer.six>={FIXED_PDFMINER}" in [
        d.replace(" ", "") for d in pyproject["project"]["dependencies"]
    ]
    assert any(d.startswith("defusedxml") for d in pyproject["project"]["dependencies"])


def test_a_pdf_naming_a_pickle_as_its_cmap_runs_no_code(tmp_path) -> None:
    """The exploit of CVE-2025-64512: the font's /Encoding is the absolute path of a planted pickle."""
    planted, marker = tmp_path / "evil", tmp_path / "PWNED"
    plant_pickle(planted, marker)
    with pytest.raises(UnreadableFile, match="没有任何文字"):
        parse_bytes(cve_2025_64512(planted), "cve.pdf")
    assert not marker.exists()


def zipped(n: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            z.writestr(f"w/{i}", b"")
    return buffer.getvalue()


def test_the_member_count_is_read_from_the_end_record_zip64_included() -> None:
    data = zipped(70_000)  # over 65,535 members: zipfile writes a zip64 end record
    assert zip_directory(data) == (70_000, pytest.approx(70_000 * 54, rel=0.2))
    with pytest.raises(UnreadableFile, match="部件过多"):
        check_zip_directory(data, "x.docx", Limits())
    check_zip_directory(good_docx(), "ok.docx", Limits())
    assert zip_directory(b"%PDF-1.7") is None


def test_an_end_record_that_understates_the_count_is_caught_by_the_directory_size() -> None:
    """zipfile lists as many members as the directory's declared size holds, whatever the count says."""
    data = bytearray(zipped(60_000))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (5).to_bytes(2, "little") * 2  # "5 members"
    assert len(zipfile.ZipFile(io.BytesIO(bytes(data))).infolist()) == 60_000
    with pytest.raises(UnreadableFile, match="部件过多"):
        parse_bytes(bytes(data), "liar.docx")


def test_the_page_limit_is_configurable_in_the_library_and_the_service(monkeypatch) -> None:
    data = text_pages(60)
    result = parse_bytes(data, "long.pdf", form="annex1", limits=Limits(max_pages=10))
    truncated = [p for p in result.problems if p.code == "pages_truncated"]
    assert truncated and truncated[0].params == {"total": 60, "limit": 10}

    client = create_app({"TESTING": True, "LIMITS": Limits(max_pages=12)}).test_client()
    response, _ = post_file(client, "/api/v1/parse", data, "long.pdf", form="annex1")
    assert "超过 12 页的上限" in str(response.get_json()["problems"])

    monkeypatch.setenv("ITBFORMS_MAX_PAGES", "7")
    assert create_app({"TESTING": True}).config["LIMITS"].max_pages == 7
    monkeypatch.setenv("ITBFORMS_MAX_PAGES", "many")
    with pytest.raises(ValueError, match="ITBFORMS_MAX_PAGES"):
        create_app({"TESTING": True})


def test_the_service_bounds_legacy_conversions_by_its_libreoffice_timeout() -> None:
    app = create_app({"TESTING": True, "soffice_timeout_s": 5})
    with app.test_request_context():
        assert request_limits().convert_timeout == 5


def test_reading_a_pdf_stops_at_the_deadline(reader_clock: ManualClock) -> None:
    """2^20 paths under an unlimited object budget: the document deadline ends it, at the first check past
    it (the clock advancing 1 s a read; reads: the start, the first page, then every 512 objects)."""
    reader_clock.step = 1.0
    unlimited = Limits(max_page_objects=10**9, parse_timeout=5)
    with pytest.raises(UnreadableFile, match="处理超时（读取超过 5 秒）"):
        parse_bytes(form_fanout(20), "slow.pdf", limits=unlimited)
    assert reader_clock.reads == 7


def test_reading_a_workbook_stops_at_the_deadline(reader_clock: ManualClock) -> None:
    reader_clock.step = 1.0
    with pytest.raises(UnreadableFile, match="处理超时"):
        parse_bytes(by_name()["million-rows.xlsx"].data, "slow.xlsx", limits=Limits(parse_timeout=3))
    assert reader_clock.reads == 5


def test_the_object_budget_of_a_page_is_configurable() -> None:
    with pytest.raises(UnreadableFile, match="超过 20 个绘图对象"):
        parse_bytes(text_pages(1), "one.pdf", limits=Limits(max_page_objects=20))
