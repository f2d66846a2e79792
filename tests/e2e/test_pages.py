"""The pages as an applicant on a laptop or a phone, and a screen-reader or keyboard user, meet them:
drafts kept in the browser and offered back, the warning before leaving unsaved changes, the 其他 box,
the missing-required list, 390 px without sideways scrolling, and axe-core on every page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from forms.records import load_record
from templates.render import fill
from tests.conftest import EXAMPLES, ROOT
from tests.e2e.browsing import TIMEOUT_MS, log_in, require_browser, visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
require_browser()

from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)

#: axe-core from npm (package.json; `make setup` runs `npm ci`): injected into each page, never served.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PAGES = ["/", "/fill/annex1", "/fill/annex2", "/parse", "/bundles", "/docs"]


def field(page: Page, path: str):
    return page.locator(f'[id="f-{path}"]')


def ready(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#record-form")).to_have_attribute("data-ready", "true")


@pytest.fixture(scope="module")
def filled_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example 申报书 as a Word file, for the parse page's result view."""
    record = load_record(json.loads((EXAMPLES / "annex1.json").read_text(encoding="utf-8"))).record
    path = tmp_path_factory.mktemp("e2e-parse") / "申报书.docx"
    path.write_bytes(fill("annex1", record, "docx"))
    return path


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(locale="zh-CN", **PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def test_typing_is_kept_in_the_browser_and_offered_back(page: Page, server: str) -> None:
    ready(page, server + "/fill/annex1")
    expect(page.locator("#restore")).to_be_hidden()  # nothing kept yet: nothing offered
    expect(page.locator(".lead")).to_contain_text("自动保存在本浏览器")
    field(page, "applicant.name").fill("苏州计量测试研究院")
    field(page, "applicant.staff_total").fill("120")
    field(page, "platform.service_scopes").get_by_label("认证认可").check()

    page.once("dialog", lambda dialog: dialog.accept())  # leave despite the warning
    page.get_by_role("link", name="上传解析").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传解析")

    ready(page, server + "/fill/annex1")
    expect(field(page, "applicant.name")).to_have_value("")  # the form starts empty …
    expect(page.locator("#restore-text")).to_contain_text("自动保存的申报书草稿")  # … and offers the draft
    page.get_by_role("button", name="恢复草稿").click()
    expect(field(page, "applicant.name")).to_have_value("苏州计量测试研究院")
    expect(field(page, "applicant.staff_total")).to_have_value("120")
    expect(field(page, "platform.service_scopes").get_by_label("认证认可")).to_be_checked()
    expect(page.locator("#status")).to_contain_text("已载入自动保存的草稿")

    page.reload()  # restoring is not discarding: still offered; discarding removes it
    expect(page.locator("#restore")).to_be_visible()
    page.get_by_role("button", name="丢弃，重新填写").click()
    page.reload()
    expect(page.locator("#record-form")).to_have_attribute("data-ready", "true")
    expect(page.locator("#restore")).to_be_hidden()


def test_leaving_with_unsaved_changes_asks_first(page: Page, server: str) -> None:
    ready(page, server + "/fill/annex2")
    field(page, "header.platform_name").fill("工业产品质量可靠性试验检测公共服务平台")
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="上传解析").click()
    assert asked == ["beforeunload"]  # and dismissed: the typing is still there
    expect(page).to_have_url(server + "/fill/annex2")
    expect(field(page, "header.platform_name")).to_have_value("工业产品质量可靠性试验检测公共服务平台")

    with page.expect_download():  # saved as a file: leaving asks nothing
        page.get_by_role("button", name="保存草稿").click()
    more: list[Dialog] = []
    page.on("dialog", lambda dialog: more.append(dialog))
    page.get_by_role("link", name="上传解析").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("上传解析")
    assert more == []


def test_the_other_box_shows_only_while_other_is_chosen(page: Page, server: str) -> None:
    ready(page, server + "/fill/annex1")
    nature_other = page.locator('[data-other-of="applicant.nature"]')
    expect(nature_other).to_be_hidden()
    field(page, "applicant.nature").select_option("其他")
    expect(nature_other).to_be_visible()
    field(page, "applicant.nature").select_option("企业")
    expect(nature_other).to_be_hidden()

    scopes_other = page.locator('[data-other-of="platform.service_scopes"]')
    expect(scopes_other).to_be_hidden()
    field(page, "platform.service_scopes").get_by_label("其他", exact=True).check()
    expect(scopes_other).to_be_visible()


def test_missing_required_fields_are_listed_as_links_below_the_toolbar(page: Page, server: str) -> None:
    ready(page, server + "/fill/annex1")
    page.get_by_role("button", name="检查").click()
    required = page.locator("#check-list > li").filter(has_text="必填项尚未填写")
    expect(required.locator("ul > li > a").first).to_be_visible()
    assert required.locator("ul > li > a").count() > 20
    expect(required.get_by_role("link", name="统一社会信用代码", exact=True)).to_be_visible()

    # the 检查结果 heading is not hidden under the sticky toolbar
    toolbar = page.locator(".toolbar").bounding_box()
    heading = page.locator("#check-title").bounding_box()
    assert toolbar and heading and heading["y"] >= toolbar["y"] + toolbar["height"] - 1

    required.get_by_role("link", name="统一社会信用代码", exact=True).click()
    expect(field(page, "applicant.uscc")).to_be_focused()
    box = field(page, "applicant.uscc").bounding_box()
    toolbar = page.locator(".toolbar").bounding_box()
    assert box and toolbar and box["y"] >= toolbar["y"] + toolbar["height"] - 1


def test_menu_marks_the_current_page_and_the_site_has_an_icon(page: Page, server: str) -> None:
    page.goto(server + "/parse")
    expect(page.get_by_role("link", name="上传解析")).to_have_attribute("aria-current", "page")
    expect(page.locator('nav a[aria-current="page"]')).to_have_count(1)
    assert page.request.get(server + "/favicon.ico").ok
    page.goto(server + "/docs")
    page.get_by_role("link", name="返回首页").first.click()
    expect(page).to_have_url(server + "/")


def test_a_value_s_source_shows_on_keyboard_focus(page: Page, server: str, filled_docx: Path) -> None:
    page.goto(server + "/parse")
    page.set_input_files("#parse-file", str(filled_docx))
    page.get_by_role("button", name="上传并解析").click()
    value = page.locator('tr[data-path="applicant.name"] .value')
    expect(value).to_have_attribute("tabindex", "0")
    value.focus()
    shown = value.evaluate("el => getComputedStyle(el, '::after').content")
    assert shown.startswith('"出处：来源：申报书.docx'), shown


def no_sideways_scroll(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what} is {overflow}px wider than a 390px phone screen"


@pytest.mark.parametrize("path", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone: BrowserContext, server: str, path: str) -> None:
    page = phone.new_page()
    visit(page, server, path)
    page.wait_for_load_state("networkidle")
    no_sideways_scroll(page, path)


def test_parse_results_fit_a_phone_as_cards(phone: BrowserContext, server: str, filled_docx: Path) -> None:
    page = phone.new_page()
    page.goto(server + "/parse")
    page.set_input_files("#parse-file", str(filled_docx))
    page.get_by_role("button", name="上传并解析").click()
    expect(page.locator("#result")).to_be_visible()
    page.locator("#verdict details summary").tap()  # the full check table
    no_sideways_scroll(page, "/parse with its result")
    cell = page.locator('#verdict tr[data-rule="E-STAFF"] td').first
    expect(cell).to_have_attribute("data-label", "规则")
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"  # a card, not a table row
    wide = page.locator('tr[data-path="capability.leaders"] .scroll')  # a wide table scrolls in its box
    assert wide.evaluate("el => getComputedStyle(el).overflowX") == "auto"


#: Rules left to the upstream project on a page that is its work: Swagger UI names each operation's button
#: by its path with zero-width spaces, which axe reads as a label that does not match the text.
UPSTREAM_RULES = {"/docs": ["label-content-name-mismatch"]}


def test_bundle_results_fit_a_phone_as_cards(phone: BrowserContext, server: str, tmp_path: Path) -> None:
    from tests.service.bundles.fixtures import word_only_bundle  # noqa: PLC0415  (docxtpl, no LibreOffice)

    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(word_only_bundle())
    page = phone.new_page()
    log_in(page, server)
    expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
    page.set_input_files("#bundle-file", str(bundle))
    page.get_by_role("button", name="上传并审核").click()
    expect(page.locator("#units tbody tr")).to_have_count(2)
    page.locator("#units tbody tr").nth(1).locator("button, a").first.tap()  # the unit's detail
    expect(page.locator("#unit-detail")).to_be_visible()
    no_sideways_scroll(page, "/bundles with results and a unit's detail")
    verdict = page.locator("#units tbody tr").first.locator("td").nth(4)
    expect(verdict).to_have_attribute("data-label", "条件核查")
    box = verdict.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390  # 条件核查 on the screen
    name = page.locator("#files tbody tr").first.locator("td.name")
    assert name.evaluate("el => el.getBoundingClientRect().width") > 200  # not a character a line


def axe_violations(page: Page, path: str = "") -> list[str]:
    """Serious and critical axe-core violations of the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the test, not a page script: no CSP applies
    off = {rule: {"enabled": False} for rule in UPSTREAM_RULES.get(path, [])}
    results = page.evaluate("rules => axe.run(document, { resultTypes: ['violations'], rules: rules })", off)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: `make setup` (npm ci)")
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_violation(page: Page, server: str, path: str) -> None:
    visit(page, server, path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page, path) == []


@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed: `make setup` (npm ci)")
def test_axe_finds_no_serious_violation_in_results(
    page: Page, server: str, filled_docx: Path, tmp_path: Path
) -> None:
    page.goto(server + "/parse")
    page.set_input_files("#parse-file", str(filled_docx))
    page.get_by_role("button", name="上传并解析").click()
    expect(page.locator("#result")).to_be_visible()
    assert axe_violations(page) == []
    ready(page, server + "/fill/annex1")
    page.set_input_files("#draft-file", str(EXAMPLES / "failing" / "annex1-E-STAFF.json"))
    expect(page.locator("#check-summary")).to_be_visible()
    assert axe_violations(page) == []

    from tests.service.bundles.fixtures import word_only_bundle  # noqa: PLC0415  (docxtpl, no LibreOffice)

    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(word_only_bundle())
    log_in(page, server)
    page.set_input_files("#bundle-file", str(bundle))
    page.get_by_role("button", name="上传并审核").click()
    expect(page.locator("#units tbody tr")).to_have_count(2)
    page.locator("#units tbody tr").nth(1).click()
    expect(page.locator("#unit-detail")).to_be_visible()
    assert axe_violations(page) == []


#: How long the browser waits for one scanned page's recognition (a bound on waiting, not a speed test).
RECOGNITION_MS = 300_000


@pytest.mark.soffice
def test_a_scan_shows_its_page_progress_then_the_crops_beside_uncertain_values(
    page: Page, server: str, tmp_path: Path
) -> None:
    from tests.extractor.scans import UNSURE, unsure_cover  # noqa: PLC0415  (LibreOffice, this test only)

    scan = tmp_path / "封面扫描件.pdf"
    scan.write_bytes(unsure_cover())
    page.goto(server + "/parse")
    page.set_input_files("#parse-file", str(scan))
    page.select_option("#parse-form", "annex1")
    page.get_by_role("button", name="上传并解析").click()
    # Recognising the page takes seconds on an idle machine and far longer on a loaded one: wait for it.
    expect(page.locator("#parse-status")).to_contain_text("正在识别第 1/1 页", timeout=RECOGNITION_MS)
    expect(page.locator("#result")).to_be_visible(timeout=RECOGNITION_MS)
    crops = page.locator("img.crop")
    expect(crops).to_have_count(len(UNSURE))
    for path in UNSURE:
        crop = page.locator(f'tr[data-path="{path}"] img.crop')
        expect(crop).to_be_visible()
        assert crop.evaluate("img => img.complete && img.naturalWidth > 0")
    if AXE.exists():
        assert axe_violations(page) == []
