"""Hostile single files (a first part of the hostile corpus): refused quickly, with a clear reason, by the
library, the CLI (exit 2) and the API (4xx problem) — never parsed, expanded or leaked."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

import pytest

from extractor import parse_bytes
from extractor.errors import UnreadableFile, UnsupportedFile
from forms.records import load_record
from service.app import create_app
from templates.render import fill
from tests.conftest import read_example

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def good_docx() -> bytes:
    return fill("annex1", load_record(read_example("annex1.json")).record, "docx")


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The package with some members replaced or added (as an attacker edits a real file)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in replace.items():
            if name not in source.namelist():
                z.writestr(name, content)
    return out.getvalue()


def hostile(good: bytes) -> dict[str, tuple[bytes, type[Exception], str]]:
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()
    flood = (
        f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + b"<w:p/>" * 10_000_000 + b"</w:body></w:document>"
    )
    return {
        "xxe.docx": (rezip(good, {"word/document.xml": xxe}), UnreadableFile, "DOCTYPE"),
        "bomb.docx": (rezip(good, {"word/document.xml": flood}), UnreadableFile, "超过单个部件"),
        "macro.docx": (rezip(good, {"word/vbaProject.bin": b"\0" * 64}), UnsupportedFile, "含宏"),
        "random.docx": (bytes(range(256)) * 16, UnsupportedFile, "不是可识别的文件类型"),
        "empty.pdf": (b"", UnsupportedFile, "文件为空"),
        "truncated.pdf": (b"%PDF-1.7\n1 0 obj<<", UnreadableFile, "PDF"),
    }


def test_each_hostile_file_is_refused_with_its_reason(good_docx):
    for name, (data, error, reason) in hostile(good_docx).items():
        with pytest.raises(error) as caught:
            parse_bytes(data, name)
        assert name in str(caught.value) and reason in str(caught.value), name
        assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaks into a message


def test_the_xml_flood_is_refused_from_the_zip_directory_before_inflating(good_docx):
    data, _, _ = hostile(good_docx)["bomb.docx"]
    assert len(data) < 1_000_000  # 60 MB of XML compressed to a small upload
    with pytest.raises(UnreadableFile, match="60000"):
        parse_bytes(data, "bomb.docx")


def test_api_answers_the_right_problem_for_each(good_docx):
    client = create_app({"TESTING": True}).test_client()
    expected = {UnreadableFile: (422, "unreadable-file"), UnsupportedFile: (415, "unsupported-file")}
    for name, (data, error, reason) in hostile(good_docx).items():
        response = client.post(
            "/api/v1/parse", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
        )
        status, slug = expected[error]
        body = response.get_json(force=True)
        assert (response.status_code, body["type"]) == (status, f"urn:itbforms:problem:{slug}"), name
        assert reason in body["detail"]


def test_cli_exits_2_with_one_line(tmp_path, good_docx):
    for name, (data, _, reason) in hostile(good_docx).items():
        path = tmp_path / name
        path.write_bytes(data)
        result = subprocess.run(
            [sys.executable, "-m", "service.cli", "parse", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, name
        assert reason in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
