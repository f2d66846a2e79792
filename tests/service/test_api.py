"""The JSON API under /api/v1 through the Flask test client, on real documents the templates make."""

from __future__ import annotations

import io
import os
import re
from urllib.parse import quote

import docx
import jsonschema
import openpyxl
import pytest

from service.app import create_app

API = "/api/v1"
PROBLEM = "application/problem+json"


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["type"] == f"urn:itbforms:problem:{slug}"
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_forms_listing_and_definition(client):
    listing = client.get(f"{API}/forms").get_json()
    assert [f["id"] for f in listing] == ["annex1", "annex2"]
    assert listing[0]["title"] == "工业和信息化部产业技术基础公共服务平台申报书"
    definition = client.get(f"{API}/forms/annex2").get_json()
    capacity = next(s for s in definition["sections"] if s["key"] == "capacity")
    assert capacity["fields"][0] == {
        "key": "staff_total",
        "label": "从业人员总数",
        "type": "metric",
        "required": True,
        "unit": "人",
        "item_type": "int",
    }


def test_unknown_form_is_a_404_problem(client):
    body = assert_problem(client.get(f"{API}/forms/annex3/schema"), 404, "unknown-form")
    assert "annex3" in body["detail"]


def test_schema_endpoint_validates_the_example(client, annex1_json):
    schema = client.get(f"{API}/forms/annex1/schema").get_json()
    jsonschema.validate(annex1_json, schema)


def test_blank_template_docx_and_xlsx(client):
    response = client.get(f"{API}/forms/annex1/template?format=docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    text = docx_text(response.data)
    assert "统一社会信用代码" in text and "None" not in text and "{{" not in text
    assert f"filename*=UTF-8''{quote('申报书.docx')}" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{API}/forms/annex2/template?format=xlsx").data))
    assert "基本信息" in book.sheetnames


def test_xlsx_of_annex1_and_a_bad_format_are_clear_problems(client):
    assert_problem(client.get(f"{API}/forms/annex1/template?format=xlsx"), 400, "bad-request")
    body = assert_problem(client.get(f"{API}/forms/annex1/template?format=odt"), 422, "invalid-request")
    assert body["errors"][0]["field"] == "format"


def test_fill_complete_record(client, annex1_json):
    response = client.post(f"{API}/forms/annex1/fill?format=docx", json=annex1_json)
    assert response.status_code == 200
    assert "X-Missing-Fields" not in response.headers
    name = f"{annex1_json['cover']['platform_name']}-申报书.docx"
    assert quote(name) in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    assert annex1_json["applicant"]["name"] in text and annex1_json["applicant"]["uscc"] in text


def test_fill_partial_record_lists_what_is_missing(client):
    record = {"form": "annex1", "applicant": {"name": "某计量测试中心", "staff_total": 80}}
    response = client.post(f"{API}/forms/annex1/fill", json=record)
    assert response.status_code == 200
    missing = response.headers["X-Missing-Fields"].split(",")
    assert "applicant.uscc" in missing and "cover.platform_name" in missing
    assert "applicant.name" not in missing
    assert "某计量测试中心" in docx_text(response.data)


def test_fill_with_wrong_types_is_a_422_naming_the_field(client):
    record = {"form": "annex1", "applicant": {"staff_total": "很多", "itb_share": 130}}
    body = assert_problem(client.post(f"{API}/forms/annex1/fill", json=record), 422, "invalid-record")
    assert {e["field"] for e in body["errors"]} == {"applicant.staff_total", "applicant.itb_share"}
    assert any("从业人员总数" in e["message"] for e in body["errors"])


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"", "application/json"), (b"{not json", "application/json"), (b"[1,2]", "application/json")],
)
def test_fill_with_an_unusable_body(client, data, content_type):
    assert_problem(
        client.post(f"{API}/forms/annex1/fill", data=data, content_type=content_type), 422, "invalid-record"
    )


def test_fill_with_a_record_of_the_other_form(client, annex2_json):
    assert_problem(client.post(f"{API}/forms/annex1/fill", json=annex2_json), 422, "invalid-record")


def test_fill_annex2_as_xlsx(client, annex2_json):
    response = client.post(f"{API}/forms/annex2/fill?format=xlsx", json=annex2_json)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    values = {
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    }
    assert annex2_json["header"]["platform_name"] in values


def test_parse_round_trip_through_the_api(client, annex1_json):
    document = client.post(f"{API}/forms/annex1/fill", json=annex1_json).data
    response = client.post(
        f"{API}/parse",
        data={"file": (io.BytesIO(document), "申报书.docx"), "checks": "true"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["form"] == "annex1"
    assert body["record"] == annex1_json
    assert body["provenance"]["applicant.staff_total"]["file"] == "申报书.docx"
    assert {r["rule"] for r in body["checks"]} >= {"E-STAFF", "V-USCC"}


@pytest.mark.soffice
def test_parse_of_a_pdf_lists_its_seals(client, annex1_json):
    from tests.extractor.scans import sealed

    printed = client.post(f"{API}/forms/annex1/fill?format=pdf", json=annex1_json).data
    bodies = []
    for data in (printed, sealed(printed)):
        upload = {"file": (io.BytesIO(data), "申报书.pdf")}
        response = client.post(f"{API}/parse", data=upload, content_type="multipart/form-data")
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        bodies.append(response.get_json())
    assert bodies[0]["seals"] == []
    (seal,) = bodies[1]["seals"]
    assert seal["page"] == 1 and "盖章" in seal["near"] and len(seal["bbox"]) == 4


def test_parse_rejects_what_is_not_a_form_file(client):
    random_bytes = os.urandom(4096)
    body = assert_problem(
        client.post(
            f"{API}/parse",
            data={"file": (io.BytesIO(random_bytes), "申报书.docx")},
            content_type="multipart/form-data",
        ),
        415,
        "unsupported-file",
    )
    assert "申报书.docx" in body["detail"]


def test_parse_without_a_file(client):
    assert_problem(
        client.post(f"{API}/parse", data={}, content_type="multipart/form-data"), 422, "invalid-request"
    )


def test_upload_above_the_limit_is_413():
    small = create_app({"TESTING": True, "max_upload_mb": 1}).test_client()
    # a multipart body built by hand: the test client would spill a large one to an unclosed temp file
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="big.docx"\r\n\r\n'
        + b"0" * (2 * 1024 * 1024)
        + b"\r\n--B--\r\n"
    )
    response = small.post(f"{API}/parse", data=body, content_type="multipart/form-data; boundary=B")
    assert_problem(response, 413, "too-large")


def test_check_eligible_example(client, annex1_json):
    body = client.post(f"{API}/check", json=annex1_json).get_json()
    assert body["verdict"] == "eligible" and body["problems"] == []
    assert all(r["passed"] for r in body["results"] if r["rule"].startswith("E-"))


def test_check_reports_the_failed_rule(client, annex1_json):
    annex1_json["applicant"].update(staff_total=49, staff_senior=30, staff_qualified=40)
    body = client.post(f"{API}/check", json=annex1_json).get_json()
    assert body["verdict"] == "ineligible"
    failed = {r["rule"] for r in body["results"] if r["passed"] is False}
    assert "E-STAFF" in failed


def test_check_annual_report_received_late(client, annex2_json):
    year = annex2_json["header"]["report_year"]
    body = client.post(f"{API}/check?received={year + 1}-04-02", json=annex2_json).get_json()
    deadline = next(r for r in body["results"] if r["rule"] == "A-DEADLINE")
    assert deadline["passed"] is False
    assert_problem(client.post(f"{API}/check?received=yesterday", json=annex2_json), 422, "invalid-request")


def test_check_not_a_record(client):
    assert_problem(client.post(f"{API}/check", json=[1]), 422, "invalid-record")


def test_prefill_from_last_years_json(client, annex2_json):
    import json

    last = json.dumps(annex2_json, ensure_ascii=False).encode()
    year = annex2_json["header"]["report_year"] + 1
    response = client.post(
        f"{API}/forms/annex2/prefill",
        data={"file": (io.BytesIO(last), "2025.json"), "year": str(year)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = docx_text(response.data)
    assert annex2_json["header"]["platform_name"] in text and str(year) in text


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {f"{API}/parse", f"{API}/check", f"{API}/forms/{{form_id}}/fill"} <= set(spec["paths"])
    page = client.get("/docs").get_data(as_text=True)
    assert "/docs/static/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    script = client.get("/docs/static/swagger-ui-bundle.js")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.data
    script.close()


def test_health_and_method_not_allowed(client):
    assert client.get(f"{API}/healthz").get_json()["status"] == "ok"
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert_problem(client.delete(f"{API}/forms"), 405, "method-not-allowed")
    assert_problem(client.get(f"{API}/nowhere"), 404, "not-found")


def test_a_json_record_above_max_record_kb_is_413():
    small = create_app({"TESTING": True, "max_record_kb": 1}).test_client()
    record = {"form": "annex1", "plan": {"goals": "建设" * 1000}}
    body = assert_problem(small.post(f"{API}/check", json=record), 413, "too-large")
    assert "1 KB" in body["detail"]


def test_fill_and_check_with_a_wrongly_shaped_section_are_a_422_naming_it_with_an_example(
    client, annex1_json
):
    record = {**annex1_json, "attachments": annex1_json["attachments"]["attachments"]}
    for url in (f"{API}/forms/annex1/fill", f"{API}/check"):
        body = assert_problem(client.post(url, json=record), 422, "invalid-record")
        assert "“attachments”（附件目录）应为对象" in body["detail"] and "实际为数组" in body["detail"]
        assert '例如 {"attachments": {"attachments": [{' in body["detail"]
        assert not re.search(r"\{[a-z_]+\}", body["detail"])
