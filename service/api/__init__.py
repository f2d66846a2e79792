"""The JSON API under ``/api/v1`` (flask-smorest: the OpenAPI document comes from the same schemas)."""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    from service.api.annual import blp as annual  # noqa: PLC0415
    from service.api.audit import blp as audit  # noqa: PLC0415
    from service.api.bundles import blp as bundles  # noqa: PLC0415
    from service.api.check import blp as check  # noqa: PLC0415
    from service.api.documents import blp as documents  # noqa: PLC0415
    from service.api.forms import blp as forms  # noqa: PLC0415
    from service.api.parse import blp as parse  # noqa: PLC0415

    return [forms, documents, parse, check, bundles, annual, audit]
