"""Who is asking, and may they: API tokens, the pages' session, CSRF and Origin checks.

An API request names its account with ``Authorization: Bearer TOKEN``; a page request with the session
cookie set at ``/login`` (HttpOnly, SameSite=Lax, Secure when the request came over HTTPS; it carries the
account's id and its ``session_key``, so removing the account ends its sessions). Requests with a token
carry no ambient credential and are not subject to CSRF; every other state-changing request that carries
the session cookie, and every form posted to a page, must carry the CSRF token (Flask-WTF's
``CSRFProtect``: a form field ``csrf_token`` or the header ``X-CSRFToken``). Every state-changing request
whose ``Origin`` (or ``Sec-Fetch-Site``) says it came from another site is refused.

Bundles and jobs always need an account; the open tools (fill, prefill, parse, check, schema, forms) need
one only when ``Settings.require_auth`` is set.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from service import database
from service.accounts import Account
from service.ownership import accounts_for
from service.problems import problem_response
from service.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()
SESSION_COOKIE = "itbforms_session"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Endpoints open to anyone even when ``require_auth`` is set: signing in, static files, health, API docs.
ALWAYS_OPEN = frozenset(
    {
        *("login.login", "login.login_form", "login.logout", "static", "pages.static"),
        *("healthz", "forms.healthz", "swagger_static"),
        *("api-docs.openapi_json", "api-docs.openapi_swagger_ui"),
    }
)
#: Blueprints whose views are pages (a refusal is a page, or a redirect to the login page).
PAGE_BLUEPRINTS = frozenset({"pages", "login"})


class Refused(HTTPException):
    """A request refused for who is asking (401 no or bad credentials, 403 not allowed)."""

    def __init__(self, code: int, detail: str) -> None:
        super().__init__(detail)
        self.code = code


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` whenever the request came over HTTPS (or the app says always)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def secret_key(settings: Settings) -> str:
    """``ITBFORMS_SECRET_KEY``, or the key kept in ``<data_dir>/secret_key`` (made once, mode 0600, by the
    first process: every server process signs and reads the same cookies)."""
    if settings.secret_key:
        return settings.secret_key
    path = database.private_dir(Path(settings.data_dir)) / "secret_key"
    try:
        fd = database.open_private(path)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with open(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def init_app(app: Flask) -> None:
    """Sessions, CSRF and the per-request identification of ``app``."""
    settings: Settings = app.config["SETTINGS"]
    if not app.config.get("SECRET_KEY"):  # a test app is one process: its key need not outlive it
        app.config["SECRET_KEY"] = secrets.token_urlsafe(32) if app.testing else secret_key(settings)
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked in _guard: not for token requests
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.session_interface = _SessionInterface()
    csrf.init_app(app)
    app.before_request(_identify)
    app.before_request(_guard)
    app.register_error_handler(Refused, _refused)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.context_processor(lambda: {"current_account": current_account()})


def current_account() -> Account | None:
    return cast(Account | None, g.get("account"))


def remote() -> str | None:
    return request.remote_addr


def _identify() -> None:
    """Set ``g.account`` from the Bearer token or the session; a token that matches nobody is a 401."""
    settings: Settings = current_app.config["SETTINGS"]
    header = request.headers.get("Authorization", "")
    g.via_token = False
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "Authorization 头应为 “Bearer 令牌”")
        account = accounts_for(settings).by_token(token.strip())
        if account is None:
            raise Refused(401, "API 令牌无效（可能已被更换或账户已删除）")
        g.account, g.via_token = account, True
        return
    uid, key = session.get("uid"), session.get("key")
    if isinstance(uid, int) and isinstance(key, str):
        account = accounts_for(settings).find(uid)
        if account is not None and secrets.compare_digest(account.session_key, key):
            g.account = account
            return
        session.pop("uid", None)
        session.pop("key", None)


def _cross_site() -> bool:
    origin = request.headers.get("Origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.host):
        return True
    return request.headers.get("Sec-Fetch-Site") == "cross-site"


def _guard() -> None:
    """Origin and CSRF for state-changing requests; an account for everything when ``require_auth``."""
    if request.method in STATE_CHANGING:
        if _cross_site():
            raise Refused(403, "拒绝跨站请求：请求来自其他网站（Origin）")
        cookie = current_app.config["SESSION_COOKIE_NAME"] in request.cookies
        if not g.via_token and (cookie or request.blueprint in PAGE_BLUEPRINTS):
            csrf.protect()
    if current_app.config["SETTINGS"].require_auth and request.endpoint not in ALWAYS_OPEN:
        require_account()


def require_account(roles: Collection[str] | None = None) -> Account:
    """The asking account; ``Refused`` 401 without one, 403 when its role is not among ``roles``."""
    account = current_account()
    if account is None:
        raise Refused(401, "需要登录：请在请求头提供 Authorization: Bearer 令牌，或在页面登录")
    if roles is not None and account.role not in roles:
        raise Refused(403, f"账户 {account.name}（{account.role_label}）无权使用此功能")
    return account


def login_required(roles: Collection[str] | None = None) -> Callable[[F], F]:
    """A view decorator: ``require_account(roles)`` before the view (a page answers with the login page)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_account(roles)
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorate


def _is_page() -> bool:
    return request.blueprint in PAGE_BLUEPRINTS


def _refused(exc: Refused) -> Any:
    status = exc.code or 401
    if _is_page() and status == 401 and request.method == "GET":
        return redirect(url_for("login.login_form", next=request.full_path.rstrip("?")))
    title = "需要登录" if status == 401 else "无权访问"
    if _is_page():
        return render_template("pages/error.html", title=title, detail=exc.description), status
    headers = {"WWW-Authenticate": 'Bearer realm="itbforms"'} if status == 401 else None
    slug = "unauthorized" if status == 401 else "forbidden"
    return problem_response(status, exc.description or title, slug=slug, title=title, headers=headers)


def _csrf_failed(exc: CSRFError) -> Response | tuple[str, int]:
    detail = "页面已过期或请求缺少 CSRF 令牌：请刷新页面后重试"
    if _is_page():
        return render_template("pages/error.html", title="请求无效", detail=detail), 400
    return problem_response(403, detail, slug="csrf-failed", title="请求无效")
