"""The web pages in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The app runs in a thread on 127.0.0.1 with a free port. The main test does what an applicant does: load a
draft into the generated 申报书 form, change a few values by typing and ticking, download the Word file,
upload it on the parse page and find the same values in the parsed record. Screenshots of the three pages
go to docs/screenshots/ for the README.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from tests.conftest import EXAMPLES, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Chromium on Linux takes its UI language (file pickers, date inputs) from LANGUAGE; zh-CN comes from the
#: chromium-l10n package, so the screenshots show the pages as a Chinese user sees them.
CHROMIUM_ENV = {**os.environ, "LANGUAGE": "zh_CN", "LC_ALL": "C.UTF-8"}
SCREENSHOTS = ROOT / "docs" / "screenshots"
TIMEOUT_MS = 15_000

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

if not os.environ.get("CI"):  # in CI the browser and Playwright must be there: scripts/system-deps.sh, .[dev]
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[dev]')")

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)  # a slow CI machine: waiting for the page is not a failure


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The real app on 127.0.0.1 (werkzeug, threaded) — the browser talks HTTP to it like to gunicorn."""
    httpd = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=CHROMIUM_ENV
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the page reported script errors: {errors}"


def by_id(page: Page, element_id: str):
    """A locator for an id with dots in it (``f-applicant.name``), which a CSS #id selector cannot take."""
    return page.locator(f'[id="{element_id}"]')


def download_json(page: Page, click) -> tuple[str, Any]:
    with page.expect_download() as info:
        click()
    download = info.value
    return download.suggested_filename, json.loads(Path(download.path()).read_text(encoding="utf-8"))


def screenshot(page: Page, name: str, *, height: int | None = None) -> None:
    """The viewport (or the page's top ``height`` pixels) into docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if height is None:
        page.screenshot(path=str(SCREENSHOTS / name))
    else:
        width = page.viewport_size["width"] if page.viewport_size else 1280
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True, clip=clip)


def test_home_page_offers_the_tasks(page: Page, server: str) -> None:
    page.goto(server + "/")
    expect(page).to_have_title("首页 · 产业技术基础公共服务平台表单服务")
    expect(page.get_by_role("link", name="填写申报书").first).to_have_attribute("href", "/fill/annex1")
    expect(page.get_by_role("link", name="填写年度运行情况表").first).to_have_attribute(
        "href", "/fill/annex2"
    )
    expect(page.locator(".task").filter(has_text="批量审核")).to_contain_text("即将提供")
    screenshot(page, "home.png")
    page.get_by_role("link", name="上传文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传解析")


def test_fill_download_parse_round_trip(page: Page, server: str, tmp_path: Path) -> None:
    example = json.loads((EXAMPLES / "annex1.json").read_text(encoding="utf-8"))
    page.goto(server + "/fill/annex1")
    expect(page.locator("#record-form")).to_have_attribute("data-ready", "true")

    # load the example through the page's own "载入草稿" file input: every value lands in its input …
    page.set_input_files("#draft-file", str(EXAMPLES / "annex1.json"))
    expect(page.locator("#status")).to_contain_text("已载入草稿 annex1.json")
    expect(page.locator("#check-verdict")).to_contain_text("符合申报条件")
    expect(by_id(page, "f-applicant.name")).to_have_value(example["applicant"]["name"])
    expect(page.locator('[data-table="performance.cases"] tbody tr')).to_have_count(
        len(example["performance"]["cases"])
    )
    # … and comes back out unchanged: the page serialises exactly the record JSON of the spec
    _, saved = download_json(page, page.get_by_role("button", name="保存草稿").click)
    assert saved == example

    # inline validation from /api/v1/check, placed beside the field by its dotted path
    staff = by_id(page, "f-applicant.staff_total")
    staff.fill("30")
    expect(page.locator('[data-msgs="applicant.staff_total"]')).to_contain_text("第六条（五）")
    expect(staff).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-msgs="applicant.staff_senior"]')).to_contain_text("V-PART")
    staff.evaluate("element => element.scrollIntoView({block: 'center'})")
    screenshot(page, "fill.png")

    # change values by typing and ticking, add a table row
    name = "苏州工业园区先进计量测试研究院"
    by_id(page, "f-applicant.name").fill(name)
    by_id(page, "f-cover.applicant").fill(name)
    staff.fill("240")
    by_id(page, "f-platform.service_scopes").get_by_label("认证认可").check()
    achievements = page.locator('[data-table="capability.qualifications"]')
    rows_before = achievements.locator("tbody tr").count()
    achievements.get_by_role("button", name="添加一行").click()
    new_row = rows_before  # rows are numbered from 0
    by_id(page, f"f-capability.qualifications.{new_row}.name").fill("检验检测机构资质认定证书（CMA）")
    by_id(page, f"f-capability.qualifications.{new_row}.valid_until").fill("2029-12-31")
    key_staff = page.locator('[data-table="capability.key_staff"] tbody tr')
    staff_rows = key_staff.count()
    assert staff_rows == len(example["capability"]["key_staff"]) >= 2
    key_staff.last.get_by_role("button", name="删除此行").click()
    expect(key_staff).to_have_count(staff_rows - 1)
    expect(page.locator('[data-msgs="applicant.staff_total"]')).to_be_empty()
    expect(page.locator("#check-verdict")).to_contain_text("符合申报条件")
    _, edited = download_json(page, page.get_by_role("button", name="保存草稿").click)
    assert edited["applicant"]["name"] == name and edited["applicant"]["staff_total"] == 240
    assert "认证认可" in edited["platform"]["service_scopes"]
    assert edited["capability"]["key_staff"] == example["capability"]["key_staff"][:-1]
    assert edited["capability"]["qualifications"][-1] == {
        "name": "检验检测机构资质认定证书（CMA）",
        "cert_no": None,
        "issuer": None,
        "valid_until": "2029-12-31",
        "scope": None,
    }

    # download the Word file the server fills from the form's record
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Word").click()
    word = info.value
    assert word.suggested_filename == f"{example['cover']['platform_name']}-申报书.docx"
    docx_path = tmp_path / word.suggested_filename
    word.save_as(docx_path)
    expect(page.locator("#status")).to_contain_text("已下载")

    # upload it on the parse page: the same values come back
    page.goto(server + "/parse")
    page.set_input_files("#parse-file", str(docx_path))
    page.get_by_role("button", name="上传并解析").click()
    result = page.locator("#result")
    expect(result).to_contain_text(f"解析结果：{docx_path.name}")
    expect(page.locator('tr[data-path="applicant.name"] .value')).to_have_text(name)
    expect(page.locator('tr[data-path="applicant.staff_total"] .value')).to_have_text("240")
    expect(page.locator('tr[data-path="platform.service_scopes"] .value')).to_contain_text("认证认可")
    expect(page.locator('tr[data-path="capability.qualifications"]')).to_contain_text(
        "检验检测机构资质认定证书（CMA）"
    )
    expect(page.locator('tr[data-path="applicant.staff_total"] .value')).to_have_attribute(
        "title", re.compile(rf"^来源：{re.escape(docx_path.name)}，表 \d+ 第 \d+ 行 第 \d+ 列$")
    )
    expect(page.locator("#verdict")).to_contain_text("符合申报条件")
    expect(page.locator('#verdict tr[data-rule="E-STAFF"]')).to_contain_text("第六条（五）")
    screenshot(page, "parse.png", height=1500)

    # and the record JSON offered for download is the record the form sent
    filename, parsed = download_json(page, page.locator("#download-record").click)
    assert filename == f"{docx_path.stem}.json"
    assert parsed == edited


def test_annex2_prefill_from_last_years_report(page: Page, server: str) -> None:
    last = json.loads((EXAMPLES / "annex2.json").read_text(encoding="utf-8"))
    year = last["header"]["report_year"] + 1
    page.goto(server + "/fill/annex2")
    expect(page.locator("#record-form")).to_have_attribute("data-ready", "true")
    page.get_by_text("从上年报告预填").click()
    page.set_input_files("#prefill-file", str(EXAMPLES / "annex2.json"))
    page.get_by_label("本次填报年度").fill(str(year))
    page.get_by_role("button", name="预填", exact=True).click()
    expect(page.locator("#status")).to_contain_text("预填")
    expect(by_id(page, "f-header.report_year")).to_have_value(str(year))
    expect(by_id(page, "f-header.platform_name")).to_have_value(last["header"]["platform_name"])
    staff = last["capacity"]["staff_total"]["current"]
    expect(by_id(page, "f-capacity.staff_total.previous")).to_have_value(str(staff))
    expect(by_id(page, "f-capacity.staff_total.current")).to_have_value("")

    with page.expect_download() as info:
        page.get_by_role("button", name="下载 Excel").click()
    assert info.value.suggested_filename == f"{last['header']['platform_name']}-年度运行情况表.xlsx"
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"

    # a draft of the other form is refused, and the form keeps what it had
    page.set_input_files("#draft-file", str(EXAMPLES / "annex1.json"))
    expect(page.locator("#status")).to_contain_text("是 annex1 的记录")
    expect(by_id(page, "f-header.report_year")).to_have_value(str(year))


@pytest.mark.parametrize("path", ["/", "/fill/annex2", "/parse"])
def test_pages_fit_a_phone(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        phone = context.new_page()
        phone.goto(server + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a phone screen"
    finally:
        context.close()
