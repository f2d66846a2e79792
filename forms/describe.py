"""The form definitions as plain JSON, for the API (``GET /api/v1/forms/{form}``) and the web pages."""

from __future__ import annotations

from typing import Any

from forms.model import Field, FormDef


def field_as_dict(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"key": f.key, "label": f.label, "type": str(f.type), "required": f.required}
    for name in ("unit", "max_length", "required_if", "context", "other_key", "note"):
        if value := getattr(f, name):
            out[name] = value
    if f.item_type:
        out["item_type"] = str(f.item_type)
    if f.options:
        out["options"] = list(f.options)
    if f.columns:
        out["columns"] = [field_as_dict(c) for c in f.columns]
    return out


def form_as_dict(form: FormDef, *, fields: bool = True) -> dict[str, Any]:
    """``{"id", "title", "schema_version", "sections": [...]}``; ``fields=False`` for a short listing."""
    out: dict[str, Any] = {
        "id": form.id,
        "title": form.title,
        "short_title": form.short_title,
        "schema_version": form.schema_version,
    }
    if fields:
        out["sections"] = [
            {"key": s.key, "title": s.title, "fields": [field_as_dict(f) for f in s.fields]}
            for s in form.sections
        ]
    return out
