"""Parsing through the application layer: the checks run here (not in the reader), and a record is read
from either a JSON record or a filled document, told apart by the bytes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.errors import UnsupportedFile
from forms.errors import RecordError
from forms.records import load_record
from service.workflows import parse, read_source
from templates.render import fill
from tests.conftest import read_example

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def annex1_docx() -> bytes:
    loaded = load_record(read_example("annex1.json"))
    return fill(loaded.form, loaded.record, "docx")


def test_parse_with_checks_gives_the_verdict(annex1_docx: bytes) -> None:
    out = parse(annex1_docx, "申报书.docx", checks=True).to_dict()
    assert {"V-REQ", "E-STAFF", "E-ASSETS"} <= {c["rule"] for c in out["checks"]}
    assert out["verdict"] == "eligible"
    assert "checks" not in parse(annex1_docx, "申报书.docx").to_dict()


def test_a_source_is_a_json_record_or_a_document_by_its_bytes(annex1_docx: bytes) -> None:
    example = read_example("annex2.json")
    as_json = read_source(json.dumps(example).encode(), "上年.bin", max_record_bytes=1 << 20)
    assert as_json.form.id == "annex2" and as_json.record["header"]["uscc"] == example["header"]["uscc"]
    as_document = read_source(annex1_docx, "申报书.json.docx", max_record_bytes=1 << 20)
    assert as_document.form.id == "annex1"
    assert as_document.record["applicant"]["uscc"] == read_example("annex1.json")["applicant"]["uscc"]
    with pytest.raises(RecordError, match="上年.json"):
        read_source(b"not json", "上年.json", max_record_bytes=1 << 20)


def test_an_expected_form_is_held_to(annex1_docx: bytes) -> None:
    record = json.dumps(read_example("annex1.json")).encode()
    with pytest.raises(RecordError, match="annex2"):
        read_source(record, "上年.json", max_record_bytes=1 << 20, form="annex2")


def test_an_unknown_source_is_told_it_may_also_be_a_json_record() -> None:
    """The pre-fill source takes a JSON record too, so the refusal lists it beside the documents."""
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    with pytest.raises(UnsupportedFile) as caught:
        read_source(png, "上年.png", max_record_bytes=1 << 20)
    message = str(caught.value)
    assert message.startswith("上年.png：") and "Word" in message and "JSON 记录" in message


def test_the_package_gives_the_functions_whichever_name_is_asked_for_first():
    """``service.workflows.parse`` is both a module and the function the package exports: asking for
    ``read_source`` first must not leave the module where ``workflows.parse`` is expected."""
    code = (
        "import inspect\n"
        "from service import workflows\n"
        "workflows.uncertain_crops, workflows.read_source\n"
        "assert inspect.isfunction(workflows.parse), workflows.parse\n"
        "workflows.check\n"
        "assert inspect.isfunction(workflows.check), workflows.check\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
