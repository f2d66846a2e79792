"""The web pages through the Flask test client: they render, the fill page has an input for every field of
the definitions, nothing is loaded from elsewhere, the parse page shows a real document's record, and the
批量审核 page carries what its script needs."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import docx
import lxml.html
import pytest

from forms import FORMS, FieldType
from forms.model import Field, FormDef
from service.app import create_app
from service.pages import CONTENT_SECURITY_POLICY, section_blocks
from tests.service.page_calls import csrf_token, signed_in

PAGES = ["/", "/fill/annex1", "/fill/annex2", "/parse", "/bundles"]
STATIC = Path(__file__).resolve().parents[2] / "service" / "pages" / "static"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def client(app):
    """A browser signed in as a recommending authority (批量审核 needs an account; the rest does not)."""
    return signed_in(app)


def html(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return lxml.html.fromstring(response.get_data(as_text=True))


def controls(doc: lxml.html.HtmlElement) -> dict[str, list[lxml.html.HtmlElement]]:
    """Form controls by ``name`` (table columns included: their row template carries them too)."""
    out: dict[str, list[lxml.html.HtmlElement]] = {}
    for el in doc.xpath("//input | //select | //textarea"):
        if el.get("name"):
            out.setdefault(el.get("name"), []).append(el)
    return out


def expected_names(form: FormDef) -> dict[str, Field]:
    """Every control name the fill page must have, derived from the definition alone."""
    names: dict[str, Field] = {}
    for path, f in form.iter_fields():
        section = path.split(".")[0]
        if f.type is FieldType.METRIC:
            names[f"{path}.previous"] = names[f"{path}.current"] = f
        elif f.type is FieldType.TABLE:
            names.update({f"{path}.{col.key}": col for col in f.columns})
        else:
            names[path] = f
        if f.other_key:
            names[f"{section}.{f.other_key}"] = f
    return names


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_in_chinese(client, path):
    response = client.get(path)
    doc = html(response)
    assert doc.get("lang") == "zh-CN"
    title = doc.findtext(".//title")
    assert CJK.search(title) and title.endswith("产业技术基础公共服务平台表单服务")
    assert CJK.search(doc.findtext(".//h1"))
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    # one stylesheet, scripts only from this server, no inline script (the CSP would block it)
    assert [link.get("href") for link in doc.xpath("//link[@rel='stylesheet']")] == ["/assets/site.css"]
    for script in doc.xpath("//script"):
        assert script.get("src", "").startswith("/assets/") or script.get("type") == "application/json"


def test_home_page_links_the_tasks_the_docs_and_the_schemas(client):
    doc = html(client.get("/"))
    hrefs = {a.get("href") for a in doc.xpath("//a")}
    assert {"/fill/annex1", "/fill/annex2", "/parse", "/docs"} <= hrefs
    assert {"/api/v1/forms/annex1/schema", "/api/v1/forms/annex2/schema"} <= hrefs
    bundle_task = doc.xpath("//li[@class='task'][h2='批量审核']")[0]
    assert [a.get("href") for a in bundle_task.xpath(".//a")] == ["/bundles"]
    assert "即将提供" not in bundle_task.text_content()
    assert doc.xpath("//header//nav//a[@href='/bundles']")[0].text == "批量审核"


@pytest.mark.parametrize("path", PAGES)
def test_every_local_link_answers(client, path):
    doc = html(client.get(path))
    targets = {a.get("href") for a in doc.xpath("//a[@href]")} | {
        el.get("src") or el.get("href") for el in doc.xpath("//script[@src] | //link[@href]")
    }
    local = sorted(t for t in targets if t.startswith("/"))
    assert local
    for target in local:
        with client.get(target) as response:  # static files are streamed: close them
            assert response.status_code == 200, target


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.id)
def test_fill_page_has_a_control_for_every_field_of_the_definition(client, form):
    doc = html(client.get(f"/fill/{form.id}"))
    found = controls(doc)
    missing = sorted(set(expected_names(form)) - set(found))
    assert missing == [], f"fields of {form.id} without an input on the fill page: {missing}"
    top_level = dict(form.iter_fields())
    for name, f in expected_names(form).items():
        els = found[name]
        if f.other_key and name.endswith("." + f.other_key):
            assert [el.get("type") for el in els] == ["text"], name
            continue
        kind = f.item_type if f.type is FieldType.METRIC else f.type
        match kind:
            case FieldType.BOOL if name in top_level:
                assert sorted(el.get("value") for el in els) == ["false", "true"], name
                assert all(el.get("type") == "radio" for el in els)
            case FieldType.BOOL:  # a yes/no column of a table
                assert all(el.tag == "select" for el in els), name
            case FieldType.MULTI:
                assert [el.get("value") for el in els] == list(f.options), name
                assert all(el.get("type") == "checkbox" for el in els)
            case FieldType.CHOICE:
                assert all(el.tag == "select" for el in els), name
                assert [o.text for o in els[0].xpath("option")][1:] == list(f.options)
            case FieldType.PROSE:
                assert all(el.tag == "textarea" for el in els), name
            case FieldType.DATE:
                assert all(el.get("type") == "date" for el in els), name
            case FieldType.WAN | FieldType.M2 | FieldType.PCT:
                assert all((el.get("type"), el.get("step")) == ("number", "0.01") for el in els), name
            case FieldType.INT | FieldType.YEAR:
                assert all((el.get("type"), el.get("step")) == ("number", "1") for el in els), name


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.id)
def test_fill_page_sections_labels_and_required_marks_follow_the_definition(client, form):
    doc = html(client.get(f"/fill/{form.id}"))
    legends = [el.text_content().strip() for el in doc.xpath("//fieldset[@class='section']/legend")]
    assert legends == [s.title for s in form.sections]
    for path, f in form.iter_fields():
        holder = doc.xpath("//*[@data-field=$p]", p=path)
        assert len(holder) == 1, path
        text = holder[0].text_content()
        assert f.label in text, path
        if f.context:  # 职务 is printed twice: the page says whose
            assert f"{f.context} · {f.label}" in text, path
        assert bool(holder[0].xpath(".//span[@class='req']")) == f.required, path
        assert doc.xpath("//*[@data-msgs=$p]", p=path), f"no place for {path}'s messages"
    # every visible control has an accessible name: a bound <label>, a wrapping <label> or aria-label
    bound = {label.get("for") for label in doc.xpath("//label[@for]")}
    for el in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        named = el.get("id") in bound or el.get("aria-label") or el.xpath("ancestor::label")
        assert named, lxml.html.tostring(el)


def test_fill_page_tables_have_a_row_template_and_add_remove_buttons(client):
    doc = html(client.get("/fill/annex1"))
    cases = doc.xpath("//fieldset[@data-table='performance.cases']")[0]
    assert [th.text for th in cases.xpath(".//thead//th")][1:-1] == [
        c.label for c in FORMS["annex1"].field("performance.cases").columns
    ]
    assert len(cases.xpath(".//tbody/tr")) == 1 and len(cases.xpath(".//template/tr")) == 1
    assert cases.xpath(".//button[@class='add-row']") and cases.xpath(".//tbody//button[@class='remove-row']")
    assert cases.xpath(".//tbody//*[@id='f-performance.cases.0.title']")


def test_annex2_capacity_metrics_are_one_previous_current_table(client):
    blocks = section_blocks(FORMS["annex2"].section("capacity"))
    metrics = [f for f in FORMS["annex2"].section("capacity").fields if f.type is FieldType.METRIC]
    assert blocks[0].kind == "metrics" and list(blocks[0].fields) == metrics
    assert all(b.kind == "field" for b in blocks[1:])
    doc = html(client.get("/fill/annex2"))
    table = doc.xpath("//table[@class='metrics']")
    assert len(table) == 1
    assert [th.text for th in table[0].xpath(".//thead//th")] == ["指标", "单位", "上年末", "本年末"]
    assert len(table[0].xpath(".//tbody/tr")) == len(metrics)


def test_download_buttons_per_form(client):
    def formats(form_id: str) -> list[str]:
        doc = html(client.get(f"/fill/{form_id}"))
        return [b.get("data-format") for b in doc.xpath("//button[contains(@class, 'download')]")]

    assert formats("annex1") == ["docx", "pdf"]
    assert formats("annex2") == ["docx", "pdf", "xlsx"]
    assert not html(client.get("/fill/annex1")).xpath("//*[@id='prefill']")
    assert html(client.get("/fill/annex2")).xpath("//*[@id='prefill']//input[@type='file']")


def test_fill_page_embeds_its_definition_for_the_script(client):
    doc = html(client.get("/fill/annex2"))
    definition = json.loads(doc.xpath("//script[@id='form-definition']")[0].text)
    assert definition == client.get("/api/v1/forms/annex2").get_json()


def test_unknown_form_page_is_a_chinese_404(client):
    response = client.get("/fill/annex3")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "未知的表单" in response.get_data(as_text=True) and "annex3" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_other_hosts(client, path):
    texts = [client.get(path).get_data(as_text=True)]
    texts += [p.read_text(encoding="utf-8") for p in sorted(STATIC.iterdir())]
    texts = [re.sub(r'xmlns(:\w+)?="[^"]*"', "", text) for text in texts]  # a namespace name loads nothing
    hosts = {urlsplit(url).hostname for text in texts for url in re.findall(r"https?://[^\s\"'<>)]+", text)}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    # one stylesheet, the icon, one small script every page runs and one per interactive page
    assert sorted(p.name for p in STATIC.iterdir()) == [
        "bundles.js",
        "favicon.svg",
        "fill.js",
        "parse.js",
        "site.css",
        "site.js",
    ]


# --- the parse page on real documents ---------------------------------------------------------------


@pytest.fixture(scope="module")
def annex1_docx(app) -> bytes:
    from tests.conftest import read_example

    response = app.test_client().post(
        "/api/v1/forms/annex1/fill?format=docx", json=read_example("annex1.json")
    )
    assert response.status_code == 200
    return response.data


def post_file(client, data: bytes, name: str, **fields: str):
    """Upload on the parse page, with the CSRF token its form carries."""
    fields = {"csrf_token": csrf_token(client, "/parse"), **fields}
    return client.post(
        "/parse", data={"file": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data"
    )


def row(doc: lxml.html.HtmlElement, path: str) -> lxml.html.HtmlElement:
    rows = doc.xpath("//tr[@data-path=$p]", p=path)
    assert len(rows) == 1, path
    return rows[0]


def data_url_json(href: str):
    prefix = "data:application/json;charset=utf-8,"
    assert href.startswith(prefix)
    return json.loads(unquote(href[len(prefix) :]))


def test_parse_page_shows_the_record_with_provenance_and_the_verdict(client, annex1_docx, annex1_json):
    doc = html(post_file(client, annex1_docx, "申报书.docx", checks="true"))
    applicant = annex1_json["applicant"]
    name = row(doc, "applicant.name")
    assert name.findtext("th") == "单位名称"
    value = name.xpath(".//span[contains(@class, 'value')]")[0]
    assert value.text == applicant["name"]
    assert value.get("title").startswith("来源：申报书.docx，")
    assert row(doc, "applicant.independent_legal_person").xpath(".//span")[0].text == "是"
    scopes = row(doc, "platform.service_scopes").text_content()
    assert "、".join(annex1_json["platform"]["service_scopes"]) in scopes
    cases = row(doc, "performance.cases").xpath(".//tbody/tr")
    assert len(cases) == len(annex1_json["performance"]["cases"])
    assert annex1_json["performance"]["cases"][0]["title"] in cases[0].text_content()
    assert not doc.xpath("//tr[contains(@class, 'has-notes')]")
    verdict = doc.xpath("//*[@id='verdict']")[0]
    assert "符合申报条件" in verdict.text_content()
    staff_rule = verdict.xpath(".//tr[@data-rule='E-STAFF']")[0].text_content()
    assert "第六条（五）" in staff_rule and "通过" in staff_rule
    record = data_url_json(doc.xpath("//a[@id='download-record']")[0].get("href"))
    assert record == annex1_json
    assert doc.xpath("//a[@id='download-record']")[0].get("download") == "申报书.json"
    full = data_url_json(doc.xpath("//a[@id='download-result']")[0].get("href"))
    assert full["record"] == annex1_json
    assert full["provenance"]["applicant.name"]["file"] == "申报书.docx"
    assert {r["rule"] for r in full["checks"]} >= {"E-STAFF", "V-USCC"}


def replace_value(document: bytes, label: str, new_text: str) -> bytes:
    """The filled Word file with the value cell right of ``label`` overwritten, as a person would type it."""
    word = docx.Document(io.BytesIO(document))
    for table in word.tables:
        for tr in table.rows:
            cells = list(dict.fromkeys(tr.cells))  # merged cells repeat
            for i, cell in enumerate(cells[:-1]):
                if cell.text.strip() == label:
                    cells[i + 1].text = new_text
                    out = io.BytesIO()
                    word.save(out)
                    return out.getvalue()
    raise AssertionError(f"no cell {label!r} in the document")


def test_parse_page_marks_problems_and_failed_rules_beside_their_fields(client, annex1_docx):
    edited = replace_value(annex1_docx, "从业人员总数（人）", "约一百人")
    doc = html(post_file(client, edited, "改过的申报书.docx", checks="true"))
    staff = row(doc, "applicant.staff_total")
    assert "has-notes" in staff.get("class")
    notes = staff.xpath(".//ul[@class='notes']/li")
    texts = [li.text_content() for li in notes]
    assert any("无法识别为数字" in t and "约一百人" in t for t in texts), texts  # the extractor's problem
    assert sum("约一百人" in t for t in texts) == 1, texts  # one fault, reported once beside its field
    verdict = doc.xpath("//*[@id='verdict']")[0]
    assert "待补充" in verdict.xpath(".//p[contains(@class, 'verdict')]")[0].text_content()
    open_rows = verdict.xpath("./div[@class='scroll']//tr[@data-rule]")  # the table of what did not pass
    assert {"V-TYPE", "E-STAFF"} <= {tr.get("data-rule") for tr in open_rows}
    assert "V-REQ" not in {tr.get("data-rule") for tr in open_rows}  # given, though unreadable: not missing
    e_staff = verdict.xpath("./div//tr[@data-rule='E-STAFF']")[0].text_content()
    assert "第六条（五）" in e_staff and "有误（见 V-TYPE），无法判断" in e_staff
    assert row(doc, "applicant.name").get("class") is None


def test_parse_page_without_checks_shows_no_verdict(client, annex1_docx):
    doc = html(post_file(client, annex1_docx, "申报书.docx"))
    assert doc.xpath("//*[@id='result']") and not doc.xpath("//*[@id='verdict']")


@pytest.mark.parametrize(
    ("fields", "status", "title"),
    [
        ({}, 400, "未选择文件"),
        ({"file": (io.BytesIO(b"%PDF-1.4 not really"), "假的.pdf")}, 422, "文件无法读取"),
        ({"file": (io.BytesIO(b"\x00\x01 binary junk" * 100), "申报书.docx")}, 415, "不支持的文件类型"),
        ({"file": (io.BytesIO(b"x"), "a.docx"), "form": "annex9"}, 400, "未知的表单"),
    ],
)
def test_parse_page_errors_are_readable_pages(client, fields, status, title):
    fields = {**fields, "csrf_token": csrf_token(client, "/parse")}
    response = client.post("/parse", data=fields, content_type="multipart/form-data")
    assert response.status_code == status and response.mimetype == "text/html"
    alert = lxml.html.fromstring(response.get_data(as_text=True)).xpath("//*[@role='alert']")
    assert alert and title in alert[0].text_content()
    assert "Traceback" not in response.get_data(as_text=True)


def test_parse_page_upload_above_the_limit_is_a_413_page():
    small = create_app({"TESTING": True, "max_upload_mb": 1}).test_client()
    # a hand-made multipart body (bytes): the test client would spool a file upload this big to a temp file
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.docx"\r\n\r\n'
        + b"0" * (2 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = small.post("/parse", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "1 MB" in response.get_data(as_text=True)


# --- the two API details the fill page relies on ------------------------------------------------------


def test_check_results_name_their_fields(client, annex1_json):
    """The fill page places each failed rule beside the fields it names."""
    annex1_json["applicant"].update(staff_total=30, staff_senior=20, staff_qualified=20)
    headers = {"X-CSRFToken": csrf_token(client, "/fill/annex1")}  # as fill.js sends it
    results = client.post("/api/v1/check", json=annex1_json, headers=headers).get_json()["results"]
    staff = next(r for r in results if r["rule"] == "E-STAFF")
    assert staff["passed"] is False and staff["fields"] == ["applicant.staff_total"]


def test_prefill_as_json_returns_the_record_for_the_fill_page(client, annex2_json):
    year = annex2_json["header"]["report_year"] + 1
    upload = io.BytesIO(json.dumps(annex2_json, ensure_ascii=False).encode("utf-8"))
    response = client.post(
        "/api/v1/forms/annex2/prefill",
        data={"file": (upload, "上年报告.json"), "year": str(year), "format": "json"},
        content_type="multipart/form-data",
        headers={"X-CSRFToken": csrf_token(client, "/fill/annex2")},
    )
    assert response.status_code == 200 and response.mimetype == "application/json"
    record = response.get_json()
    assert record["form"] == "annex2" and record["header"]["report_year"] == year
    assert record["header"]["uscc"] == annex2_json["header"]["uscc"]
    for key, metric in annex2_json["capacity"].items():
        if isinstance(metric, dict):
            assert record["capacity"][key] == {"previous": metric["current"], "current": None}


# --- the 批量审核 page ----------------------------------------------------------------------------------


def test_bundle_page_has_the_upload_form_for_the_bundle_api(client):
    doc = html(client.get("/bundles"))
    assert doc.findtext(".//title") == "批量审核 · 产业技术基础公共服务平台表单服务"
    assert doc.findtext(".//h1") == "批量审核"
    upload = doc.xpath("//form[@id='bundle-form']")[0]
    # without the script the form still posts to the API (which answers 202 with the job)
    assert (upload.get("method"), upload.get("action"), upload.get("enctype")) == (
        "post",
        "/api/v1/bundles",
        "multipart/form-data",
    )
    file_input = upload.xpath(".//input[@type='file']")[0]
    assert file_input.get("name") == "file" and ".zip" in file_input.get("accept")
    assert file_input.get("required") is not None
    assert upload.xpath(".//input[@name='recommender']")[0].get("maxlength") == "200"
    labels = {label.get("for"): label.text_content() for label in upload.xpath(".//label[@for]")}
    assert "压缩包" in labels["bundle-file"] and labels["bundle-recommender"] == "推荐单位名称"
    # the places the script fills: progress, results table, failed files, the unit's detail
    assert doc.xpath("//progress[@id='progress-bar']") and doc.xpath("//*[@id='status'][@role='status']")
    headers = [th.text for th in doc.xpath("//table[@id='units']/thead//th")]
    assert headers == ["序号", "申报单位", "统一社会信用代码", "平台名称", "条件核查", "提示"]
    assert doc.xpath("//*[@id='failed']") and doc.xpath("//*[@id='unit-detail']")
    assert [s.get("src") for s in doc.xpath("//script[@src]")] == ["/assets/site.js", "/assets/bundles.js"]


def test_bundle_page_embeds_the_annex1_definition_and_rule_titles(client):
    from forms.checks import RULES

    doc = html(client.get("/bundles"))
    definition = json.loads(doc.xpath("//script[@id='form-definition']")[0].text)
    assert definition == client.get("/api/v1/forms/annex1").get_json()
    titles = json.loads(doc.xpath("//script[@id='rule-titles']")[0].text)
    assert titles == {rule_id: rule.title for rule_id, rule in RULES.items()}
    assert titles["E-STAFF"]


def test_bundle_page_states_the_configured_limits(tmp_path):
    app = create_app(
        {"TESTING": True, "data_dir": str(tmp_path), "bundle_max_upload_mb": 7, "bundle_max_entries": 321}
    )
    doc = html(signed_in(app).get("/bundles"))
    upload = doc.xpath("//form[@id='bundle-form']")[0]
    assert upload.get("data-max-mb") == "7"
    assert "不超过 7 MB、321 个文件" in upload.text_content()
