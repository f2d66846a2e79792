"""A recognising process gives its large blocks back (``service.memory``): after the same pages, the one
with the setting holds far less memory than one without (each a fresh process, as a worker is)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import scan

ROOT = Path(__file__).resolve().parents[2]

RECOGNISE = """
import sys
from extractor.scan import recognise_page
from extractor.settings import Limits
if sys.argv[2] == "on":
    from service.memory import return_large_blocks
    assert return_large_blocks()
data = open(sys.argv[1], "rb").read()
for number in (1, 2, 1, 2):
    recognise_page(data, "s.pdf", number, Limits())
print(int(open("/proc/self/statm").read().split()[1]) * 4096 // 2**20)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc")
def test_a_recognising_process_gives_its_large_blocks_back(tmp_path):
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(scan(pdf_pages(["text:Quarterly sales figures 2025", "text:Second quarter"]), dpi=200))

    def resident_mb(setting: str) -> int:
        run = [sys.executable, "-c", RECOGNISE, str(pdf), setting]
        return int(subprocess.run(run, check=True, capture_output=True, text=True, cwd=ROOT).stdout)

    kept, given_back = resident_mb("off"), resident_mb("on")
    assert given_back < kept - 100, (kept, given_back)
