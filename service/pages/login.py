"""登录 / 退出: the pages' sign-in with an account's name and password (set with
``itbforms users add NAME --role … --password-stdin``); the session cookie is ``service.auth``'s."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from service import auth
from service.hygiene import clean_name
from service.ownership import accounts_for, audit_for

signin = Blueprint("login", __name__, template_folder="templates")


def _next_page(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//other.host`` or a full URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("pages.index")


@signin.get("/login")
def login_form() -> str:
    return render_template("pages/login.html", next=request.args.get("next", ""), error=None)


@signin.post("/login")
def login() -> Any:
    """Check the name and password; on success a new session (the old one's contents are dropped)."""
    settings = current_app.config["SETTINGS"]
    name = clean_name(request.form.get("name", "")).strip()[:64]
    target = request.form.get("next", "")
    account = accounts_for(settings).by_password(name, request.form.get("password", "")) if name else None
    if account is None:
        audit_for(settings).record(name or None, "login_failed", remote=auth.remote())
        error = "账户名或密码不正确（没有设置密码的账户只能使用 API 令牌）"
        return render_template("pages/login.html", next=target, error=error, name=name)  # 200: a form again
    session.clear()
    session.permanent = True
    session["uid"], session["key"] = account.id, account.session_key
    audit_for(settings).record(account.name, "login", remote=auth.remote())
    return redirect(_next_page(target))


@signin.post("/logout")
def logout() -> Any:
    account = auth.current_account()
    if account is not None:
        audit_for(current_app.config["SETTINGS"]).record(account.name, "logout", remote=auth.remote())
    session.clear()
    return redirect(url_for("pages.index"))
