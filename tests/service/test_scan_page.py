"""The parse page for a scan: beside every value recognised uncertainly, the crop of the page it was read
from. One real one-page scan (the 申报书's cover, two of its values holding ``&``, beside which recognition
guesses the spacing), recognised once for the module."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from extractor.crops import MAX_HEIGHT, MAX_WIDTH
from tests.extractor.scans import UNSURE, unsure_cover
from tests.service.page_calls import follow, start
from tests.service.test_pages import html, post_file, row

pytestmark = [pytest.mark.xdist_group("extractor-scan"), pytest.mark.soffice]


@pytest.fixture(scope="module")
def cover_scan() -> bytes:
    return unsure_cover()


@pytest.fixture(scope="module")
def cover_page(app, cover_scan):
    """The parse page's answer to the scan (recognised once)."""
    return html(post_file(app.test_client(), cover_scan, "封面扫描件.pdf", form="annex1"))


def png(src: str) -> Image.Image:
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(src[len(prefix) :])))


def test_every_uncertain_value_has_the_crop_of_the_scan_beside_it(cover_page):
    notes = cover_page.xpath("//tr[@data-path]//ul[@class='notes']/li[contains(., '识别不确定')]")
    crops = cover_page.xpath("//img[@class='crop']")
    assert len(notes) == len(crops) == len(UNSURE)
    for path in UNSURE:
        (img,) = row(cover_page, path).xpath(".//ul[@class='notes']/li/img[@class='crop']")
        label = row(cover_page, path).findtext("th")
        assert img.get("alt") == f"{label}在扫描件上的原样"
        image = png(img.get("src"))
        assert image.format == "PNG" and image.width <= MAX_WIDTH and image.height <= MAX_HEIGHT
        assert image.width > 3 * image.height  # one printed line, not the page
    assert not row(cover_page, "cover.applicant").xpath(".//img")  # read surely: no crop


def test_a_scan_parsed_in_the_background_reports_its_page_then_shows_the_crops(app, cover_scan):
    client = app.test_client()
    answer = start(client, cover_scan, "封面扫描件.pdf", form="annex1")
    states = follow(client, answer)
    assert states[-1] == {"page": 1, "pages": 1, "done": True}
    assert all(s["pages"] in (None, 1) and s["page"] in (0, 1) for s in states)
    doc = html(client.get(answer.json["result"]))
    assert len(doc.xpath("//img[@class='crop']")) == len(UNSURE)
