"""Who may do what, through the Flask test client on a real database: 401 without an account where one
is needed, 403 for a role that may not, the open tools open unless ``require_auth``; the pages' session
cookie, CSRF and Origin refusals."""

from __future__ import annotations

import lxml.html
import pytest

from service.app import create_app
from tests.service.api_calls import assert_problem, authorized, bearer, multipart, new_account, post_file
from tests.service.bundles.fixtures import word_only_bundle
from tests.service.page_calls import PASSWORD, csrf_token, sign_in, signed_in

API = "/api/v1"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"TESTING": True, "data_dir": str(tmp_path_factory.mktemp("auth"))})


@pytest.fixture(scope="module")
def closed_app(tmp_path_factory):
    return create_app(
        {"TESTING": True, "data_dir": str(tmp_path_factory.mktemp("closed")), "require_auth": True}
    )


def test_bundles_and_jobs_need_an_account(app):
    client = app.test_client()
    response, _ = post_file(client, f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
    body = assert_problem(response, 401, "unauthorized")
    assert "Bearer" in body["detail"] and response.headers["WWW-Authenticate"] == 'Bearer realm="itbforms"'
    for method, path in [
        ("get", "/jobs/0123abc"),
        ("get", "/jobs/0123abc/report.json"),
        ("delete", "/jobs/0123abc"),
    ]:
        assert_problem(getattr(client, method)(API + path), 401, "unauthorized")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_a_wrong_or_malformed_token_is_a_401_even_for_open_tools(app, annex1_json, header):
    response = app.test_client().post(f"{API}/check", json=annex1_json, headers={"Authorization": header})
    assert_problem(response, 401, "unauthorized")


def test_an_integrator_may_not_submit_bundles(app):
    response, _ = post_file(authorized(app, "integrator"), f"{API}/bundles", word_only_bundle(), "b.zip")
    body = assert_problem(response, 403, "forbidden")
    assert "接口用户" in body["detail"]


def test_the_open_tools_work_without_an_account(app, annex1_json):
    client = app.test_client()
    assert client.post(f"{API}/check", json=annex1_json).status_code == 200
    assert client.get(f"{API}/forms/annex1/schema").status_code == 200
    assert client.get("/parse").status_code == 200


def test_require_auth_closes_the_open_tools_too(closed_app, annex1_json):
    anonymous = closed_app.test_client()
    assert_problem(anonymous.post(f"{API}/check", json=annex1_json), 401, "unauthorized")
    assert_problem(anonymous.get(f"{API}/forms"), 401, "unauthorized")
    page = anonymous.get("/fill/annex1")
    assert page.status_code == 302 and page.headers["Location"] == "/login?next=/fill/annex1"
    # signing in, the docs and the health check stay open
    for path in ("/login", "/openapi.json", "/healthz"):
        assert anonymous.get(path).status_code == 200, path
    integrator = authorized(closed_app, "integrator")
    assert integrator.post(f"{API}/check", json=annex1_json).status_code == 200
    assert signed_in(closed_app).get("/fill/annex1").status_code == 200


def test_the_bundle_page_sends_a_visitor_to_the_login_page_and_back(app):
    client = app.test_client()
    response = client.get("/bundles")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/bundles"
    name, _ = new_account(app, password=PASSWORD)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"name": name, "password": PASSWORD, "next": "/bundles", "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/bundles"
    assert client.get("/bundles").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_login_never_sends_the_browser_elsewhere(app, target):
    client = app.test_client()
    name, _ = new_account(app, password=PASSWORD)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"name": name, "password": PASSWORD, "next": target, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_session_cookie_is_httponly_lax_and_secure_over_https(app):
    name, _ = new_account(app, password=PASSWORD)
    for base, secure in (("http://localhost", False), ("https://localhost", True)):
        client = app.test_client()
        page = lxml.html.fromstring(client.get("/login", base_url=base).get_data(as_text=True))
        token = page.xpath("//meta[@name='csrf-token']")[0].get("content")
        response = client.post(
            "/login",
            data={"name": name, "password": PASSWORD, "csrf_token": token},
            base_url=base,
            headers={"Referer": f"{base}/login"},  # Flask-WTF checks it over HTTPS, as browsers send it
        )
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("itbforms_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_logout_ends_the_session_and_removing_the_account_ends_it_too(app):
    from service.ownership import accounts_for

    client = signed_in(app)
    assert client.get("/bundles").status_code == 200
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and client.get("/bundles").status_code == 302

    name, _ = new_account(app, password=PASSWORD)
    other = app.test_client()
    sign_in(other, name)
    assert other.get("/bundles").status_code == 200
    accounts_for(app.config["SETTINGS"]).remove(name)
    assert other.get("/bundles").status_code == 302


def test_state_changing_requests_of_a_signed_in_browser_need_the_csrf_token(app, annex1_json):
    client = signed_in(app)
    body, content_type = multipart({}, word_only_bundle(), "推荐材料.zip")
    refused = client.post(f"{API}/bundles", data=body, content_type=content_type)
    assert "CSRF" in assert_problem(refused, 403, "csrf-failed")["detail"]
    assert_problem(client.post(f"{API}/check", json=annex1_json), 403, "csrf-failed")
    token = csrf_token(client, "/bundles")
    accepted = client.post(
        f"{API}/bundles", data=body, content_type=content_type, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 202
    assert client.post(f"{API}/check", json=annex1_json, headers={"X-CSRFToken": token}).status_code == 200
    # the page forms: parse and logout
    page = client.post("/parse", data={}, content_type="multipart/form-data")
    assert page.status_code == 400 and "CSRF" in page.get_data(as_text=True)
    assert client.post("/logout").status_code == 400 and client.get("/bundles").status_code == 200
    # a bad token is no token
    bad = client.post(f"{API}/check", json=annex1_json, headers={"X-CSRFToken": token[:-2] + "xx"})
    assert_problem(bad, 403, "csrf-failed")


def test_api_calls_with_a_token_need_no_csrf_token(app):
    response, _ = post_file(authorized(app), f"{API}/bundles", word_only_bundle(), "推荐材料.zip")
    assert response.status_code == 202


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_cross_site_posts_are_refused(app, annex1_json, headers):
    client = app.test_client()
    assert_problem(client.post(f"{API}/check", json=annex1_json, headers=headers), 403, "forbidden")
    body, content_type = multipart({}, b"PK\x05\x06" + b"\0" * 18, "a.docx")
    assert_problem(
        client.post(f"{API}/parse", data=body, content_type=content_type, headers=headers), 403, "forbidden"
    )
    name, token = new_account(app)
    response = bearer(app, token).post(
        f"{API}/bundles",
        data=multipart({}, word_only_bundle(), "b.zip")[0],
        content_type=content_type,
        headers=headers,
    )
    assert_problem(response, 403, "forbidden")
    login = client.post("/login", data={"name": name, "password": "x"}, headers=headers)
    assert login.status_code == 403 and "跨站" in login.get_data(as_text=True)


def test_same_origin_posts_pass(app, annex1_json):
    headers = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    assert app.test_client().post(f"{API}/check", json=annex1_json, headers=headers).status_code == 200
