"""The bundles page's annual view (``/bundles/jobs/<id>/annual``): the fragment of a done job with its
server-made SVG charts and the year-over-year table, text from the documents escaped, and its errors."""

from __future__ import annotations

import re

from tests.extractor.annual_bundles import annual_record, fill_annual
from tests.extractor.bundles import make_zip
from tests.service.api_calls import assert_problem, wait_done
from tests.service.bundles.fixtures import word_only_bundle
from tests.service.test_annual_api import account, app, client, post  # noqa: F401  (the app with its job runner)

HOSTILE = '<script>alert("x")</script>平台'


def run_job(test_client, bundle: bytes, **form) -> dict:
    """The bundle's job, once done (uploaded as the API tests upload)."""
    return wait_done(test_client, post(test_client, bundle, **form).headers["Location"])


def test_the_annual_fragment_has_charts_table_and_escaped_text(client):  # noqa: F811
    hostile = annual_record(2, header__platform_name=HOSTILE)
    bundle = make_zip(
        [
            ("a/年报.docx", fill_annual(annual_record(1), "docx")),
            ("b/年报.docx", fill_annual(hostile, "docx")),
        ]
    )
    done = run_job(client, bundle, received="2026-05-02")
    response = client.get(f"/bundles/jobs/{done['id']}/annual")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert html.count("<svg") == 3 and "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;平台" in html
    assert re.findall(r'data-status="([^"]+)"', html) == ["需关注", "需关注"]  # received after 31 March
    assert "收到日期 2026-03-25" not in html and "收到日期 2026-05-02" in html
    assert "未提供上年度材料" in html
    assert f'href="/api/v1/jobs/{done["id"]}/annual-summary.xlsx"' in html


def test_a_job_without_annual_reports_has_no_annual_view(client):  # noqa: F811
    done = run_job(client, word_only_bundle())
    response = client.get(f"/bundles/jobs/{done['id']}/annual")
    body = assert_problem(response, 404, "not-found")
    assert "没有年度运行情况表" in body["detail"]


def test_the_bundles_page_offers_the_annual_options(client):  # noqa: F811
    html = client.get("/bundles").get_data(as_text=True)
    assert 'name="received"' in html and 'name="previous"' in html
    assert 'id="annual"' in html
