"""The command line imports on demand: ``itbforms parse x.docx`` loads what a .docx parse needs and nothing
else (issue 17.7), checked in a fresh interpreter after a real parse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forms.records import load_record
from service.cli import main
from templates.render import fill
from tests.conftest import read_example

#: Packages a .docx parse must not load: the renderer, the bundle pool, the web layer, PDF and OCR.
NOT_FOR_A_DOCX = (
    "docxtpl",
    "openpyxl",
    "flask",
    "werkzeug",
    "jinja2",
    "pdfplumber",
    "pdfminer",
    "rapidocr",
    "rapidocr_onnxruntime",
    "onnxruntime",
    "cv2",
    "templates",
    "office",
    "service.bundles",
    "service.jobs",
    "service.accounts",
    "forms.checks",
    "multiprocessing",
    "concurrent.futures",
    "sqlite3",
)

PROBE = """
import json, sys
from service.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def modules_after(*argv: str) -> tuple[int, set[str]]:
    """The exit code of ``itbforms ARGV`` in a fresh interpreter, and every module it had loaded."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120, check=True
    )
    answer = json.loads(proc.stdout.splitlines()[-1])
    return answer["code"], set(answer["modules"])


def loaded(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(f"{package}.") for m in modules)


@pytest.fixture(scope="module")
def annex1_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    record = load_record(read_example("annex1.json"))
    path = tmp_path_factory.mktemp("imports") / "申报书.docx"
    path.write_bytes(fill(record.form, record.record, "docx"))
    return path


def test_parse_docx_loads_only_what_a_docx_parse_needs(annex1_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "record.json"
    code, modules = modules_after("parse", str(annex1_docx), "-o", str(out))
    assert code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["record"]["cover"]["platform_name"]
    assert {"extractor.docx", "extractor.mapper", "service.cli.parse"} <= modules  # the parse did run
    assert [p for p in NOT_FOR_A_DOCX if loaded(modules, p)] == []
    assert [m for m in modules if m.startswith("service.cli.") and m != "service.cli.parse"] == []


def test_parse_with_checks_loads_the_rules_then(annex1_docx: Path, tmp_path: Path) -> None:
    code, modules = modules_after("parse", str(annex1_docx), "--checks", "-o", str(tmp_path / "r.json"))
    assert code == 0 and loaded(modules, "forms.checks") and not loaded(modules, "docxtpl")


def test_every_command_is_still_listed_and_reachable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    commands = ("audit", "bundle", "check", "evaluation", "fill", "parse", "prefill", "schema", "users")
    assert all(command in listing for command in commands)
    for command in commands:  # each through its own module alone, prefill through fill's
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0 and f"usage: itbforms {command}" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main(["nonsense"])
    assert done.value.code == 2 and "invalid choice: 'nonsense'" in capsys.readouterr().err
