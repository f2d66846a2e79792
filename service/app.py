"""The Flask application factory. ``make run`` serves ``create_app()`` with waitress (``service.serving``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Flask, send_from_directory

from extractor.settings import Limits
from service import auth
from service.problems import ProblemApi, register_problem_handlers
from service.settings import Settings

API_PREFIX = "/api/v1"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides ``Settings`` fields (``{"max_upload_mb": 5}``) and Flask keys."""
    config = dict(config or {})
    setting_names = set(Settings.__dataclass_fields__)
    settings = Settings.from_env(**{k: v for k, v in config.items() if k in setting_names})

    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        LIMITS=Limits.from_env(),  # per-document parse limits: ITBFORMS_MAX_PAGES=…, ITBFORMS_PARSE_TIMEOUT=…
        MAX_CONTENT_LENGTH=settings.max_content_length,
        API_TITLE="产业技术基础公共服务平台表单服务 itbforms",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/docs/static/",  # served from the swagger-ui-bundle package: no CDN
    )
    app.config.update({k: v for k, v in config.items() if k not in setting_names})
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    api = ProblemApi(app)
    auth.init_app(app)  # sessions, CSRF, who is asking (service.auth)
    from service.api import blueprints  # noqa: PLC0415  (after app config: the blueprints read it)

    for blp in blueprints():
        api.register_blueprint(blp, url_prefix=API_PREFIX)
    register_problem_handlers(app)

    swagger_dir = Path(swagger_ui_bundle.swagger_ui_path)

    @app.get("/docs/static/<path:name>")
    def swagger_static(name: str) -> Any:
        return send_from_directory(swagger_dir, name)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        from office.libreoffice import available  # noqa: PLC0415

        return {"status": "ok", "libreoffice": available()}

    from service.pages import pages  # noqa: PLC0415
    from service.pages.login import signin  # noqa: PLC0415

    app.register_blueprint(pages)
    app.register_blueprint(signin)
    return app
