"""The web pages in real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

The app runs in a thread on 127.0.0.1 with a free port. The main test does what an applicant does: load a
draft into the generated 申报书 form, change a few values by typing and ticking, download the Word file,
upload it on the parse page and find the same values in the parsed record. The bundle test does what a
recommending authority does: upload a zip of applications on 批量审核, watch the job finish, open a unit
and download the 推荐汇总表. Screenshots of the pages go to docs/screenshots/ for the README.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from forms import FORMS
from tests.conftest import EXAMPLES
from tests.e2e.browsing import AUTHORITY, PASSWORD, SCRATCH, SCREENSHOTS, TIMEOUT_MS, log_in, require_browser

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
require_browser()

from playwright.sync_api import Browser, Page, expect  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)  # a slow CI machine: waiting for the page is not a failure


def by_id(page: Page, element_id: str):
    """A locator for an id with dots in it (``f-applicant.name``), which a CSS #id selector cannot take."""
    return page.locator(f'[id="{element_id}"]')


def download_json(page: Page, click) -> tuple[str, Any]:
    with page.expect_download() as info:
        click()
    download = info.value
    return download.suggested_filename, json.loads(Path(download.path()).read_text(encoding="utf-8"))


def screenshot(page: Page, name: str, *, height: int | None = None) -> None:
    """The viewport (or the page's top ``height`` pixels) as a PNG: into docs/screenshots/ for the README
    when ``ITBFORMS_SCREENSHOTS=1`` (``make screenshots``), else into a temporary folder, so that a test run
    leaves the work tree clean (the bundle page shows a random job id)."""
    folder = SCREENSHOTS if os.environ.get("ITBFORMS_SCREENSHOTS") == "1" else SCRATCH
    folder.mkdir(parents=True, exist_ok=True)
    path = str(folder / name)
    if height is None:
        page.screenshot(path=path)
    else:
        width = page.viewport_size["width"] if page.viewport_size else 1280
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=path, full_page=True, clip=clip)
    assert Path(path).stat().st_size > 10_000


def test_home_page_offers_the_tasks(page: Page, server: str) -> None:
    page.goto(server + "/")
    expect(page).to_have_title("首页 · 产业技术基础公共服务平台表单服务")
    expect(page.get_by_role("link", name="填写申报书").first).to_have_attribute("href", "/fill/annex1")
    expect(page.get_by_role("link", name="填写年度运行情况表").first).to_have_attribute(
        "href", "/fill/annex2"
    )
    bundle_task = page.locator(".task").filter(has_text="批量审核")
    expect(bundle_task.get_by_role("link", name="批量审核")).to_have_attribute("href", "/bundles")
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
    staff.fill(
        "30"
    )  # fewer than the senior staff: the figures contradict each other (V-PART), so E-STAFF waits
    expect(page.locator('[data-msgs="applicant.staff_total"]')).to_contain_text("（V-PART 分项不超过总数）")
    expect(staff).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-msgs="applicant.staff_senior"]')).to_contain_text("分项不超过总数")
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
    expect(page.locator("#status")).to_contain_text("是申报书的记录")
    expect(by_id(page, "f-header.report_year")).to_have_value(str(year))


def test_bundle_review(page: Page, server: str, tmp_path: Path) -> None:
    from tests.service.bundles.fixtures import word_only_bundle  # noqa: PLC0415  (docxtpl, no LibreOffice)

    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(word_only_bundle())  # 甲 eligible, 乙 30 staff (ineligible), 说明.txt (not a form)
    log_in(page, server)
    expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
    page.set_input_files("#bundle-file", str(bundle))
    page.get_by_label("推荐单位名称").fill("江苏省工业和信息化厅")
    page.get_by_role("button", name="上传并审核").click()

    # the job runs in the server's runner thread; the page polls it and draws its progress
    expect(page).to_have_url(re.compile(r"/bundles#job=[A-Za-z0-9_-]+$"))
    expect(page.locator("#progress-text")).to_have_text("已完成：已处理 3 / 3 个文件（100%）")
    assert page.locator("#progress-bar").evaluate("bar => [bar.value, bar.max]") == [3, 3]
    expect(page.locator("#job-line")).to_contain_text("推荐材料.zip · 推荐单位：江苏省工业和信息化厅")
    files = page.locator("#files tbody tr")
    expect(files).to_have_count(3)
    expect(files.nth(0)).to_contain_text("甲单位/申报书.docx已解析")
    expect(files.nth(2)).to_contain_text("说明.txt不是表单")

    # one row per unit with its verdict, coloured; the .txt listed as not usable, with the reason
    units = page.locator("#units tbody tr")
    expect(units).to_have_count(2)
    expect(page.locator("#status")).to_contain_text("审核完成：2 家单位")
    expect(page.locator("#results-summary")).to_contain_text("符合 1 家，不符合 1 家，待补充 0 家")
    cells = [units.nth(i).locator("td").all_inner_texts() for i in range(2)]
    assert [c[:2] + c[4:5] for c in cells] == [
        ["1", "测试单位011检测中心", "符合"],
        ["2", "测试单位012检测中心", "不符合"],
    ]
    assert cells[1][3] == "第012号产业技术基础公共服务平台" and re.fullmatch(r"91320000\d{9}\w", cells[1][2])
    colours = [units.nth(i).locator(".badge").evaluate("b => getComputedStyle(b).color") for i in range(2)]
    assert colours == ["rgb(26, 127, 55)", "rgb(192, 54, 44)"]  # --ok green, --error red
    failed = page.locator("#failed")
    expect(failed).to_be_visible()
    expect(failed.locator("li")).to_have_count(1)
    expect(failed.locator("li")).to_contain_text("说明.txt（不是表单）：不是可识别的文件类型")

    # a click on the ineligible unit's row opens its detail: the failed rule with its article and message,
    # the record laid out per section with the rule beside its field
    units.nth(1).locator("td").nth(2).click()
    detail = page.locator("#unit-detail")
    expect(detail).to_be_visible()
    expect(detail.locator("#unit-title")).to_have_text("第 2 项 · 测试单位012检测中心")
    expect(detail.locator(".verdict").first).to_contain_text("核查结论：不符合")
    staff_rule = detail.locator('.unit-checks tr[data-rule="E-STAFF"]')
    expect(staff_rule).to_contain_text("第六条（五）")
    expect(staff_rule).to_contain_text("从业人员总数为 30 人，少于 50 人")
    expect(detail.locator(".unit-checks tr[data-rule]")).to_have_count(1)
    staff_row = detail.locator('tr[data-path="applicant.staff_total"]')
    expect(staff_row.locator(".value")).to_have_text("30")
    expect(staff_row.locator(".notes")).to_contain_text("第六条（五） E-STAFF 从业人员：从业人员总数为 30 人")
    expect(detail.locator('tr[data-path="applicant.name"] .value')).to_have_text("测试单位012检测中心")
    sections = [s.title for s in FORMS["annex1"].sections]
    expect(detail.locator(".record-section h4")).to_have_text(sections)
    expect(units.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    screenshot(page, "bundles.png", height=1700)

    # the other unit passes everything
    units.nth(0).get_by_role("button").click()
    expect(detail.locator("#unit-title")).to_have_text("第 1 项 · 测试单位011检测中心")
    expect(detail.locator(".unit-checks")).to_contain_text("项核查均通过")

    # the 推荐汇总表 and the JSON report, downloaded through the buttons
    with page.expect_download() as info:
        page.get_by_role("link", name="下载推荐汇总表（Excel）").click()
    assert info.value.suggested_filename == "推荐汇总表.xlsx"
    sheet = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).worksheets[0]
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "产业技术基础公共服务平台推荐汇总表"
    assert str(values[1][0]).startswith("推荐单位（盖章）：江苏省工业和信息化厅")
    unit_rows = [row for row in values if row[2] in ("测试单位011检测中心", "测试单位012检测中心")]
    assert [(row[0], row[2], row[16]) for row in unit_rows] == [
        (1, "测试单位011检测中心", "符合"),
        (2, "测试单位012检测中心", "不符合"),
    ]
    name, report = download_json(page, page.get_by_role("link", name="下载核查报告（JSON）").click)
    assert name == "核查报告-推荐材料.json"
    assert [u["name"] for u in report["units"]] == ["测试单位011检测中心", "测试单位012检测中心"]
    assert report["recommender"] == "江苏省工业和信息化厅"

    # the address keeps the job: a reload shows the same results again
    page.reload()
    expect(page.locator("#units tbody tr")).to_have_count(2)
    expect(page.locator("#failed li")).to_contain_text("说明.txt")


def test_bundle_page_shows_why_an_upload_is_refused(browser: Browser, server: str, tmp_path: Path) -> None:
    """415, 422 and 404 answers of the API appear as their problem's title and detail (Chromium logs the
    failed request itself as a console error, so this test has its own page and only fails on script
    errors)."""
    from tests.extractor.bundles import make_zip  # noqa: PLC0415

    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        script_errors: list[str] = []
        page.on("pageerror", lambda exc: script_errors.append(str(exc)))
        log_in(page, server)
        expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
        not_zip = tmp_path / "材料.zip"
        not_zip.write_bytes(b"%PDF-1.7 this is not a zip")
        page.set_input_files("#bundle-file", str(not_zip))
        page.get_by_role("button", name="上传并审核").click()
        expect(page.locator("#status")).to_contain_text("不支持的文件类型：")
        expect(page.locator("#status")).to_contain_text("不是 zip 压缩包")
        whole = make_zip([("甲单位/申报书.docx", b"not really a document" * 500)])
        truncated = tmp_path / "传了一半.zip"
        truncated.write_bytes(whole[: len(whole) // 2])
        page.set_input_files("#bundle-file", str(truncated))
        page.get_by_role("button", name="上传并审核").click()
        expect(page.locator("#status")).to_contain_text("压缩包无法处理（损坏或超出限制）：")
        expect(page.locator("#status")).to_contain_text("压缩包已损坏")
        expect(page.locator("#progress")).to_be_hidden()
        # an address with a job that does not exist (or was deleted after the retention time)
        page.goto(server + "/bundles#job=0123abc")
        expect(page.locator("#status")).to_contain_text("任务不存在：任务 0123abc 不存在或已过保存期限被删除")
        expect(page.locator("#progress")).to_be_hidden()
        assert script_errors == []
    finally:
        context.close()


@pytest.mark.soffice
def test_bundle_review_shows_differences_duplicates_and_problems(
    page: Page, server: str, tmp_path: Path
) -> None:
    """The standard test bundle (Word files and sealed PDFs, a PDF that disagrees with its Word file, a
    duplicate, an incomplete unit, a corrupt file, macOS clutter): each finding shows in the unit's detail."""
    from tests.extractor.bundles import MISMATCH_PDF_STAFF  # noqa: PLC0415
    from tests.service.bundles.fixtures import standard_case  # noqa: PLC0415  (LibreOffice, built once)

    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(standard_case().data)
    log_in(page, server)
    expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
    page.set_input_files("#bundle-file", str(bundle))
    page.get_by_role("button", name="上传并审核").click()
    units = page.locator("#units tbody tr")
    expect(units).to_have_count(5)
    expect(units.locator(".badge")).to_have_text(["符合", "不符合", "待补充", "符合", "符合"])
    amber = units.nth(2).locator(".badge").evaluate("b => getComputedStyle(b).color")
    assert amber == "rgb(154, 103, 0)"  # --warn
    expect(page.locator('#files tr[data-status="skipped"]')).to_contain_text(
        "__MACOSX/01-甲单位/._申报书.docx"
    )
    expect(page.locator("#failed li")).to_have_text(
        [
            re.compile(r"^推荐说明\.txt（不是表单）："),
            re.compile(r"^06-戊单位/申报书\.docx（无法读取）：文件已损坏"),
        ]
    )
    detail = page.locator("#unit-detail")

    # 丁: its PDF says another staff number than its Word file
    units.nth(3).click()
    expect(detail.locator("#unit-title")).to_have_text("第 4 项 · 测试单位004检测中心")
    expect(detail).to_contain_text("04-丁单位/申报书.pdf（PDF，用于比对）")
    difference = detail.locator('.unit-differences tr[data-field="applicant.staff_total"]')
    expect(difference).to_contain_text("从业人员总数（人）")
    expect(difference.locator("li")).to_have_text(
        ["04-丁单位/申报书.docx（Word）：186", f"04-丁单位/申报书.pdf（PDF）：{MISMATCH_PDF_STAFF}"]
    )
    expect(detail.locator(".unit-notes")).to_contain_text("Word与PDF文件内容不一致：从业人员总数（人）")

    # 丙: two required values missing — the parsing problems with their file, the undecidable rule
    units.nth(2).click()
    expect(detail.locator("#unit-title")).to_have_text("第 3 项 · 测试单位003检测中心")
    problems = detail.locator(".unit-problems tbody tr")
    expect(problems).to_have_count(2)
    expect(problems.first).to_contain_text("03-丙单位/申报书.docx")
    expect(problems.first).to_contain_text("必填项未填写：技术服务仪器设备（含软件）原值（万元）")
    expect(detail.locator('.unit-checks tr[data-rule="E-ASSETS"]')).to_contain_text("第六条（六）？ 待补充")
    expect(detail.locator('tr[data-path="applicant.equipment_value"]')).to_have_class(re.compile("has-notes"))
    expect(detail.locator('tr[data-path="applicant.equipment_value"] .value')).to_have_text("—")

    # the second application of 甲 names the first one, and leads there
    units.nth(4).click()
    duplicate = detail.locator(".duplicates")
    expect(duplicate).to_have_text("重复申报：与 第 1 项（测试单位001检测中心） 的统一社会信用代码相同")
    duplicate.get_by_role("button").click()
    expect(detail.locator("#unit-title")).to_have_text("第 1 项 · 测试单位001检测中心")
    expect(units.nth(0)).to_have_class(re.compile(r"\bselected\b"))


def test_login_bundle_logout(page: Page, server: str, tmp_path: Path) -> None:
    """A recommending authority signs in, screens a bundle, signs out: after that neither the page nor the
    job's API answers the browser, and a wrong password is refused with a message."""
    from tests.service.bundles.fixtures import word_only_bundle  # noqa: PLC0415

    page.goto(server + "/bundles")
    expect(page).to_have_url(server + "/login?next=/bundles")
    page.get_by_label("账户名").fill(AUTHORITY)
    page.get_by_label("密码").fill("不是这个密码")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[role=alert]")).to_contain_text("账户名或密码不正确")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(server + "/bundles")
    expect(page.locator("header.site .account")).to_have_text(AUTHORITY)

    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(word_only_bundle())
    expect(page.locator("#bundle-form")).to_have_attribute("data-ready", "true")
    page.set_input_files("#bundle-file", str(bundle))
    page.get_by_role("button", name="上传并审核").click()
    expect(page.locator("#units tbody tr")).to_have_count(2)
    job_id = page.url.split("#job=")[1]
    assert page.request.get(f"{server}/api/v1/jobs/{job_id}").status == 200

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(server + "/")
    expect(page.locator("header.site nav")).to_contain_text("登录")
    assert page.request.get(f"{server}/api/v1/jobs/{job_id}").status == 401
    page.goto(f"{server}/bundles#job={job_id}")
    expect(page).to_have_url(re.compile(r"/login\?next=/bundles"))
