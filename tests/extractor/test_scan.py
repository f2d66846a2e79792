"""Scanned PDFs read by text recognition: our filled forms printed by LibreOffice, scanned by code (skew,
noise, JPEG, a red seal, a signature) and parsed back. Recognition costs seconds a page, so each scan is
parsed once per session and the tests run on one worker."""

from __future__ import annotations

import io
import json

import pypdfium2 as pdfium
import pytest

from extractor import ParseResult, parse_bytes, read_document
from extractor.errors import PagesPending, UnsupportedFile
from extractor.pdf import read_pdf
from extractor.scan import ScannedPage, read_scan, recognise_page, render
from extractor.settings import Limits
from extractor.sniff import sniff
from forms.records import dump_record, load_record
from templates.render import fill
from tests.conftest import read_example
from tests.extractor.pdfs import pdf_pages
from tests.extractor.scans import (
    attachment_pages,
    joined,
    leaves,
    same,
    scan,
    sealed,
    with_text_layer,
)

pytestmark = pytest.mark.xdist_group("extractor-scan")

#: Recognition's deadline is wall-clock time: a busy test machine must not time these parses out.
UNHURRIED = Limits(ocr_timeout=3600.0)
#: How each form is scanned: resolution and skew differ, as scanners do.
SCANS = {"annex1": {"dpi": 200, "skew": 0.8}, "annex2": {"dpi": 150, "skew": -1.0}}


@pytest.fixture(scope="session")
def printed() -> dict[str, bytes]:
    """The example records filled and printed to PDF by LibreOffice."""
    out = {}
    for name in SCANS:
        loaded = load_record(read_example(f"{name}.json"))
        out[name] = fill(loaded.form, loaded.record, "pdf")
    return out


@pytest.fixture(scope="session")
def scanned(printed) -> dict[str, tuple[bytes, ParseResult]]:
    """Each printed form scanned and parsed back (once: ~4 s a page)."""
    out = {}
    for name, how in SCANS.items():
        data = scan(printed[name], **how)
        out[name] = (data, parse_bytes(data, f"{name}-盖章扫描件.pdf", limits=UNHURRIED))
    return out


@pytest.mark.soffice
@pytest.mark.parametrize("name", list(SCANS))
def test_a_sealed_scan_gives_back_its_fields_and_flags_every_wrong_one(scanned, name):
    data, result = scanned[name]
    assert sniff(data, "x.pdf") == "scan"
    assert result.kind == "scan" and result.form == name
    expected = leaves(dump_record(load_record(read_example(f"{name}.json")).record, name))
    got = leaves(result.to_dict()["record"])
    for key in ("form", "schema_version"):
        expected.pop(key)
        got.pop(key)
    right = [path for path, value in expected.items() if same(got.get(path), value)]
    assert len(right) / len(expected) >= 0.97, sorted(set(expected) - set(right))
    flagged = {p.field for p in result.problems}  # 识别不确定, or not found, or not valid
    for path in set(expected) - set(right):  # a wrong value is never silent
        assert any(path == f or path.startswith(f"{f}.") for f in flagged if f), path
    uncertain = [p for p in result.problems if p.code == "ocr_uncertain"]
    assert all(p.raw and "识别不确定" in p.message for p in uncertain)


@pytest.mark.soffice
def test_recognised_values_say_so_in_their_provenance(scanned):
    _, result = scanned["annex1"]
    where = result.provenance["applicant.uscc"]
    assert where["source"] == "ocr" and 0 < where["confidence"] <= 1
    assert where["file"] == "annex1-盖章扫描件.pdf" and where["page"] is not None
    x0, top, x1, bottom = where["bbox"]  # the cell on its page, in points: A4 is 595 × 842
    assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842 and bottom - top < 100
    values = leaves(result.to_dict()["record"])
    read = [w for path, w in result.provenance.items() if values.get(path) not in (None, "", [])]
    assert read and all(w["source"] == "ocr" for w in read)  # an empty cell has no text to be sure of
    assert all(w["page"] and len(w["bbox"]) == 4 for w in read)


@pytest.mark.soffice
def test_a_scan_with_a_text_layer_gives_the_same_record_as_without_one(scanned):
    data, without = scanned["annex2"]
    layered = with_text_layer(data)  # under the image on page 1, invisible over it on the others
    assert b"/Font" in layered and sniff(layered, "x.pdf") == "pdf"
    result = parse_bytes(layered, "annex2-盖章扫描件.pdf", limits=UNHURRIED)
    assert result.form == "annex2" and result.to_dict()["record"] == without.to_dict()["record"]
    assert result.source is not None and "TEXTLAYER" not in " ".join(result.source.texts())
    assert {p.field for p in result.problems} == {p.field for p in without.problems}


@pytest.mark.soffice
def test_a_text_pdf_is_not_taken_for_a_scan(printed):
    assert sniff(printed["annex1"], "申报书.pdf") == "pdf"


def test_a_mixed_pdf_reads_text_pages_as_text_and_recognises_its_image_pages():
    image_page = scan(pdf_pages(["text:The second page of the quarterly sales report"]), dpi=150)
    text_page = pdf_pages(["text:The first page"])
    mixed = pdfium.PdfDocument(text_page)
    mixed.import_pages(pdfium.PdfDocument(image_page))
    out = io.BytesIO()
    mixed.save(out)
    data = out.getvalue()
    assert sniff(data, "mixed.pdf") == "pdf"
    told: list[tuple[int, int]] = []
    doc = read_pdf(data, "mixed.pdf", progress=lambda n, total: told.append((n, total)))
    assert told == [(1, 1)]  # the one page recognised
    assert [(b.text, b.page, b.confidence is not None) for b in doc.paragraphs()] == [
        ("The first page", 1, False),
        ("The second page of the quarterly sales report", 2, True),
    ]
    assert doc.problems == () and doc.meta["ocr"]


def test_an_image_only_pdf_that_is_no_form_is_still_not_one_and_its_blank_page_no_error():
    data = scan(pdf_pages(["text:Quarterly sales figures 2025", "text: "]), dpi=150)
    assert sniff(data, "sales.pdf") == "scan"
    told: list[tuple[int, int]] = []
    doc = read_document(data, "sales.pdf", progress=lambda n, total: told.append((n, total)))
    assert told == [(1, 2), (2, 2)]
    assert doc.pages == 2 and "Quarterly" in " ".join(doc.texts())
    with pytest.raises(UnsupportedFile, match="sales.pdf.*不是"):
        parse_bytes(data, "sales.pdf")


def test_the_caller_chooses_where_pages_are_recognised_and_the_reader_takes_them_in_order():
    """A page source may recognise the pages anywhere, in any order (here: last first, each carried as
    JSON as the task queue's workers store it): the document is the one read in turn."""
    data = scan(pdf_pages(["text:Quarterly sales figures 2025", "text:Second quarter results"]), dpi=150)
    asked: list[list[int]] = []

    def elsewhere(data, name, numbers, limits):
        asked.append(list(numbers))
        done = {n: json.dumps(recognise_page(data, name, n, limits).to_dict()) for n in reversed(numbers)}
        for n in numbers:
            yield ScannedPage.from_dict(json.loads(done[n]))

    told: list[tuple[int, int]] = []
    doc = read_document(
        data, "sales.pdf", progress=lambda n, total: told.append((n, total)), page_source=elsewhere
    )
    assert asked == [[1, 2]] and told == [(1, 2), (2, 2)]
    assert doc == read_document(data, "sales.pdf")


def test_pages_recognised_elsewhere_and_not_ready_stop_the_read_untouched():
    data = scan(pdf_pages(["text:Quarterly sales figures 2025"]), dpi=150)

    def not_ready(data, name, numbers, limits):
        raise PagesPending(list(numbers))
        yield  # a generator, as page sources are

    with pytest.raises(PagesPending) as caught:
        parse_bytes(data, "sales.pdf", page_source=not_ready)
    assert caught.value.pages == [1]


def closing_pages(pdf: bytes) -> list[int]:
    """The pages of a printed annex1 from the one with 证明材料目录 (its last field) to the end."""
    document = pdfium.PdfDocument(pdf)
    texts = [page.get_textpage().get_text_range() for page in document]
    first = next(n for n, text in enumerate(texts, start=1) if "证明材料目录" in text)
    return list(range(first, len(texts) + 1))


@pytest.mark.soffice
def test_pages_after_the_form_are_listed_as_attachments_and_not_recognised(printed):
    pages = closing_pages(printed["annex1"])
    assert len(pages) == 1  # the example's list of attachments fits its page
    data = joined(scan(printed["annex1"], pages=pages), attachment_pages())
    told: list[tuple[int, int]] = []
    doc = read_scan(data, "申报书.pdf", UNHURRIED, progress=lambda n, total: told.append((n, total)))
    assert told == [(1, 3)]  # the form's last page only
    text = " ".join(doc.texts())
    assert "证明材料目录" in text and "Business" not in text and "Audit" not in text
    (problem,) = doc.problems
    assert problem.code == "attachment_pages" and "第 2–3 页" in problem.message


@pytest.mark.soffice
def test_a_list_of_attachments_running_on_to_the_next_page_is_read_to_its_end():
    loaded = load_record(read_example("annex1.json"))
    rows = [{"seq": n, "title": f"证明材料{n}", "pages": str(n)} for n in range(1, 41)]
    loaded.record["attachments"]["attachments"] = rows
    pdf = fill(loaded.form, loaded.record, "pdf")
    pages = closing_pages(pdf)
    assert len(pages) >= 2  # the list runs on
    data = joined(scan(pdf, pages=pages), attachment_pages())
    result = parse_bytes(data, "申报书.pdf", form="annex1", limits=UNHURRIED)
    read = result.record["attachments"]["attachments"]
    assert [row["seq"] for row in read] == list(range(1, 41))
    (problem,) = [p for p in result.problems if p.code == "attachment_pages"]
    assert f"第 {len(pages) + 1}–{len(pages) + 2} 页" in problem.message


def test_pages_after_the_recognised_ones_are_listed_not_read():
    pages = [f"text:The {n} page of the quarterly sales report" for n in ("first", "second", "third")]
    data = scan(pdf_pages(pages), dpi=150)
    told: list[tuple[int, int]] = []
    doc = read_scan(
        data, "long.pdf", Limits(max_ocr_pages=1), progress=lambda n, total: told.append((n, total))
    )
    assert told == [(1, 1)]  # progress counts the pages recognised, not the file's
    assert doc.pages == 3 and "first page" in " ".join(doc.texts())
    assert "second" not in " ".join(doc.texts())
    (problem,) = doc.problems
    assert problem.code == "pages_not_recognised" and "共 3 页" in problem.message


def test_a_huge_page_is_rendered_within_the_pixel_bound():
    # 14400 pt square (200 inches, the largest PDF page) would be 40000² pixels at 200 dpi
    data = pdf_pages(["image"]).replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 14400 14400]")
    document = pdfium.PdfDocument(data)
    image, scale = render(document[0], Limits(max_page_pixels=1_000_000))
    assert image.shape[0] * image.shape[1] <= 1_000_000 and scale < 200 / 72
    document.close()


@pytest.mark.soffice
def test_the_seal_over_the_applicant_is_found_near_its_label(scanned):
    _, result = scanned["annex1"]
    (seal,) = result.to_dict()["seals"]
    assert seal["page"] == 1 and "盖章" in seal["near"]
    x0, top, x1, bottom = seal["bbox"]
    assert 80 < x1 - x0 < 160 and 80 < bottom - top < 160  # the 120-pt stamp drawn, in points


@pytest.mark.soffice
def test_a_text_pdf_reports_its_electronic_seal_and_an_unsealed_one_none(printed):
    assert parse_bytes(printed["annex2"], "年报.pdf").to_dict()["seals"] == []
    result = parse_bytes(sealed(printed["annex1"]), "申报书.pdf")
    assert result.kind == "pdf"
    (seal,) = result.to_dict()["seals"]
    assert seal["page"] == 1 and "盖章" in seal["near"]
    assert "seals" not in parse_bytes(fill_docx(), "申报书.docx").to_dict()


def fill_docx() -> bytes:
    loaded = load_record(read_example("annex1.json"))
    return fill(loaded.form, loaded.record, "docx")
