"""The bundles page's annual view in real headless Chromium: an authority uploads its platforms' annual
reports with the received date and last year's bundle, sees the annual summary with its SVG charts and
year-over-year changes, filters 需关注/不符合, and downloads the 年度运行情况汇总表. The screenshot goes to
docs/screenshots/bundles-annual.png (with ``ITBFORMS_SCREENSHOTS=1``, as the other pages')."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.browsing import log_in
from tests.e2e.test_browser import screenshot
from tests.extractor.annual_bundles import fill_annual, last_year, this_year
from tests.extractor.bundles import make_zip

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

from playwright.sync_api import Page, expect  # noqa: E402  (after test_browser's skip when it is missing)

#: 01 正常, 02 需关注 (A-KEEP), 03 不符合 (A-INCIDENT), 05 需关注 (A-CARRY against last year's report)
SEQS = (1, 2, 3, 5)


def word_zip(records: dict) -> bytes:
    return make_zip([(f"{seq:02d}/年度运行情况表.docx", fill_annual(records[seq], "docx")) for seq in SEQS])


def test_annual_summary_with_charts_changes_and_filter(page: Page, server: str, tmp_path: Path) -> None:
    now = this_year()
    bundle, previous = tmp_path / "2025年报.zip", tmp_path / "2024年报.zip"
    bundle.write_bytes(word_zip(now))
    previous.write_bytes(word_zip(last_year(now)))
    log_in(page, server)
    expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
    page.set_input_files("#bundle-file", str(bundle))
    page.locator("details.annual-options summary").click()
    page.get_by_label("收到日期").fill("2026-03-25")
    page.set_input_files("#bundle-previous", str(previous))
    page.get_by_role("button", name="上传并审核").click()

    annual = page.locator("#annual")
    expect(annual).to_be_visible()
    expect(page.locator("#no-units")).to_be_hidden()  # annual reports only: not "no applications"
    expect(annual.locator("#annual-summary")).to_contain_text(
        "2025年度，共 4 个平台：正常 1，需关注 2，不符合 1，待补充 0"
    )
    expect(annual.locator("#annual-summary")).to_contain_text("上年度材料「2024年报.zip」（4 个平台）")
    charts = annual.locator("svg.chart")
    expect(charts).to_have_count(3)
    assert charts.nth(0).get_attribute("aria-label") == "主要指标：本年与上年合计"
    expect(charts.nth(0)).to_contain_text("产业技术基础服务收入（万元）")
    expect(charts.nth(0)).to_contain_text("（+25.0%）")
    expect(charts.nth(2).locator("rect")).to_have_count(4)  # one bar per platform

    rows = annual.locator("tr.annual-row")
    expect(rows).to_have_count(4)
    first = rows.nth(0).locator("td").all_inner_texts()
    assert first[1] == "第01号产业技术基础公共服务平台" and first[4] == "+25.0%" and first[-2] == "正常"
    expect(rows.nth(0).locator("td.up").first).to_have_text("+25.0%")
    colour = rows.nth(2).locator(".badge").evaluate("b => getComputedStyle(b).color")
    assert colour == "rgb(192, 54, 44)"  # 不符合 in --error red
    expect(rows.nth(3)).to_contain_text("上年度报告的本年末为 120")

    annual.get_by_label("需关注和不符合").check()
    expect(annual.locator("tr.annual-row:visible")).to_have_count(3)
    expect(annual.locator("#annual-shown")).to_have_text("显示 3 / 4 个平台")
    annual.get_by_label("仅不符合").check()
    visible = annual.locator("tr.annual-row:visible")
    expect(visible).to_have_count(1)
    expect(visible).to_contain_text("第03号产业技术基础公共服务平台")
    annual.get_by_label("全部").check()
    expect(annual.locator("tr.annual-row:visible")).to_have_count(4)
    annual.scroll_into_view_if_needed()
    screenshot(page, "bundles-annual.png", height=2200)

    with page.expect_download() as info:
        annual.get_by_role("link", name="下载年度运行情况汇总表（Excel）").click()
    download = info.value
    assert download.suggested_filename == "年度运行情况汇总表.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames == ["汇总", "核查明细", "解析问题", "统计图", "年度评价"]
    assert re.fullmatch(r"第0[1235]号产业技术基础公共服务平台", book["汇总"]["B8"].value)
