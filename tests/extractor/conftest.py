"""Documents shared by the extractor tests, built once per session: the example records filled into our
templates (Word, Excel), edited copies of them, documents laid out differently, and what LibreOffice makes
of them (PDF, .doc, .xls) — converted in as few LibreOffice runs as possible (each start costs ~1 s)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from forms.records import LoadedRecord, dump_record, load_record
from office.libreoffice import FONTS_CONF, soffice_path
from templates.render import fill
from tests.conftest import read_example
from tests.extractor import edits, layouts


def expected_json(loaded: LoadedRecord) -> dict[str, Any]:
    return dump_record(loaded.record, loaded.form)


@pytest.fixture(scope="session")
def examples() -> dict[str, LoadedRecord]:
    """The example records, typed (annex1: a complete application, annex2: a complete annual report)."""
    out = {}
    for name in ("annex1", "annex2"):
        loaded = load_record(read_example(f"{name}.json"))
        assert loaded.problems == []
        out[name] = loaded
    return out


@pytest.fixture(scope="session")
def documents(examples) -> dict[str, bytes]:
    """Every document the tests read, by name (``annex1.docx``, ``edited.docx``, ``layout-a1.docx`` …),
    without LibreOffice."""
    a1, a2 = examples["annex1"], examples["annex2"]
    docx1 = fill(a1.form, a1.record, "docx")
    return {
        "annex1.docx": docx1,
        "annex2.docx": fill(a2.form, a2.record, "docx"),
        "annex2.xlsx": fill(a2.form, a2.record, "xlsx"),
        "edited.docx": edits.edited_annex1(docx1),
        "layout-a1.docx": layouts.annex1_four_columns(a1.record),
        "layout-a2.xlsx": layouts.annex2_two_columns(a2.record),
    }


@pytest.fixture(scope="session")
def office(documents, tmp_path_factory) -> dict[str, bytes]:
    """What LibreOffice makes of the documents: PDFs printed from the Word files, every Word document
    saved as .doc and every workbook as .xls (three LibreOffice runs in all)."""
    from office.libreoffice import convert_many

    tmp = tmp_path_factory.mktemp("office")
    paths: dict[str, Path] = {}
    for name, data in documents.items():
        paths[name] = tmp / name
        paths[name].write_bytes(data)
    to_pdf = ["annex1.docx", "annex2.docx", "edited.docx", "layout-a1.docx"]
    out: dict[str, bytes] = {}
    for src, pdf in zip(to_pdf, convert_many([paths[n] for n in to_pdf], "pdf", tmp / "pdf"), strict=True):
        out[src.replace(".docx", ".pdf")] = pdf.read_bytes()
    for to in ("doc", "xls"):
        srcs = [paths[n] for n in documents if n.endswith(f".{to}x")]
        for src, data in zip(srcs, _convert_legacy(srcs, to, tmp / to), strict=True):
            out[f"{src.stem}.{to}"] = data
    return out


def _convert_legacy(srcs: list[Path], to: str, outdir: Path) -> list[bytes]:
    """Save a file in a 97–2003 format or as ODF with LibreOffice. The library only converts *from* those
    formats (``office.libreoffice``), so this test helper runs soffice itself, the same careful way: its own
    profile, its own process group, killed whole on timeout."""
    filters = {"doc": "doc:MS Word 97", "xls": "xls:MS Excel 97", "odt": "odt", "ods": "ods"}
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="itbforms-test-lo-") as tmp:
        cmd = [
            soffice_path() or "soffice",
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            filters[to],
            "--outdir",
            str(outdir),
            *map(str, srcs),
        ]
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": tmp}
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True
        )
        try:
            proc.wait(timeout=120 * len(srcs))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise
    return [(outdir / f"{src.stem}.{to}").read_bytes() for src in srcs]
