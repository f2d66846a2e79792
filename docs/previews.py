"""Pictures for people: ``make docs`` (``python -m docs.previews``) renders the example records to PDF and
writes PNG previews of the cover and of a table page of each form into ``docs/``, and the first printed
page of the workbooks: the annual report's ``.xlsx`` and a 推荐汇总表 of a bundle of three example
applications (eligible, failing 第六条, incomplete).

Needs LibreOffice (the PDF) and poppler-utils (``pdftoppm``, ``pdftotext``): ``scripts/system-deps.sh``.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from forms.records import load_record
from office.libreoffice import convert_many
from service.workflows import screen_bundle
from templates.render import fill, fill_pdfs
from templates.summary import summary_xlsx

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
#: form id → a label on the table page to show (the first page after the cover that prints it)
TABLE_PAGES: dict[str, str] = {"annex1": "学术带头人或技术带头人", "annex2": "典型服务案例"}
RESOLUTION = 60  # dpi: an A4 page of about 500 × 700 pixels
#: The applications of the example bundle behind the 推荐汇总表 preview.
BUNDLE = ("annex1.json", "failing/annex1-E-STAFF.json", "failing/annex1-incomplete.json")


def main() -> int:
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"缺少 {tool}：请安装 poppler-utils（scripts/system-deps.sh）", file=sys.stderr)
            return 2
    records = []
    for form_id in TABLE_PAGES:
        path = EXAMPLES / f"{form_id}.json"
        loaded = load_record(json.loads(path.read_text(encoding="utf-8")), form_id, source=str(path))
        records.append((loaded.form, loaded.record))
    pdfs = fill_pdfs(records)
    with tempfile.TemporaryDirectory(prefix="itbforms-docs-") as tmp:
        for (form, _), data in zip(records, pdfs, strict=True):
            pdf = Path(tmp, f"{form.id}.pdf")
            pdf.write_bytes(data)
            _png(pdf, 1, HERE / f"{form.id}-cover.png")
            _png(pdf, _page_with(pdf, TABLE_PAGES[form.id]), HERE / f"{form.id}-table.png")
        annex2 = next(record for form, record in records if form.id == "annex2")
        _workbook_previews(Path(tmp), fill("annex2", annex2, "xlsx"))
    return 0


def _workbook_previews(tmp: Path, annex2_xlsx: bytes) -> None:
    """The first printed page of the annual report's workbook and of an example 推荐汇总表."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for i, name in enumerate(BUNDLE, start=1):
            loaded = load_record(json.loads((EXAMPLES / name).read_text(encoding="utf-8")), "annex1")
            bundle.writestr(f"{i:02d}/申报书.docx", fill("annex1", loaded.record, "docx"))
    report = screen_bundle(buffer.getvalue(), name="推荐材料.zip", recommender="江苏省工业和信息化厅")
    sources = [tmp / "annex2-xlsx.xlsx", tmp / "summary.xlsx"]
    sources[0].write_bytes(annex2_xlsx)
    sources[1].write_bytes(summary_xlsx(report.to_dict()))
    for pdf in convert_many(sources, "pdf", tmp):
        _png(pdf, 1, HERE / f"{pdf.stem}.png")


def _page_with(pdf: Path, text: str) -> int:
    """The first page (1-based) after the first whose text contains ``text``."""
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    for number, page in enumerate(pages[1:], start=2):
        if text in "".join(page.split()):
            return number
    raise SystemExit(f"{pdf.name}: no page shows {text!r}")


def _png(pdf: Path, page: int, target: Path) -> None:
    """One page of a PDF as a PNG (``pdftoppm -singlefile`` writes ``<stem>.png``)."""
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(RESOLUTION), "-f", str(page), "-l", str(page), "-singlefile", str(pdf)]
        + [str(stem)],
        check=True,
    )
    print(f"wrote {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    sys.exit(main())
