"""JSON Schema (draft 2020-12) of each form's record, for integrators (``itbforms schema annex1``).

Generated from the definitions, like the marshmallow schemas, so the two never disagree. It describes a
*complete* record: required fields (R in the spec) must be present and non-null, optional ones may be
null. The API and ``itbforms check`` still accept partial drafts and report what is missing.
"""

from __future__ import annotations

from typing import Any

from forms.model import Field, FieldType, FormDef
from forms.vocabulary import YEAR_MAX, YEAR_MIN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _scalar(ftype: FieldType, f: Field) -> dict[str, Any]:
    match ftype:
        case FieldType.TEXT | FieldType.PROSE:
            out: dict[str, Any] = {"type": "string"}
            if f.max_length and ftype is FieldType.TEXT:
                out["maxLength"] = f.max_length
            return out
        case FieldType.INT:
            return {"type": "integer", "minimum": 0}
        case FieldType.YEAR:
            return {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
        case FieldType.WAN:
            # not "multipleOf": 0.01 — validators test it by float division and reject 645.3
            return {"type": "number", "minimum": 0, "description": "万元，保留两位小数"}
        case FieldType.PCT:
            return {"type": "number", "minimum": 0, "maximum": 100}
        case FieldType.M2:
            return {"type": "number", "minimum": 0}
        case FieldType.DATE:
            return {"type": "string", "format": "date"}
        case FieldType.BOOL:
            return {"type": "boolean"}
        case FieldType.CHOICE:
            return {"type": "string", "enum": list(f.options)}
    raise TypeError(f"{ftype} is not a scalar type")


def field_schema(f: Field) -> dict[str, Any]:
    """The JSON Schema of one field's value; ``title`` is the printed label, ``x-unit`` the unit."""
    if f.type is FieldType.MULTI:
        body: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "enum": list(f.options)},
            "uniqueItems": True,
        }
        if f.required:
            body["minItems"] = 1
    elif f.type is FieldType.TABLE:
        row = _object({c.key: field_schema(c) for c in f.columns}, required=[])
        body = {"type": "array", "items": row}
        if f.required:
            body["minItems"] = 1
    elif f.type is FieldType.METRIC:
        assert f.item_type is not None
        half = _scalar(f.item_type, f)
        body = _object(
            {"previous": {**half, "title": "上年末"}, "current": {**half, "title": "本年末"}},
            required=["previous", "current"] if f.required else [],
        )
    else:
        body = _scalar(f.type, f)
        if not f.required:
            body["type"] = [body["type"], "null"]
            if "enum" in body:
                body["enum"] = [*body["enum"], None]
    body["title"] = f.label
    if f.unit:
        body["x-unit"] = f.unit
    if f.max_length and f.type is FieldType.PROSE:
        body["x-maxLength"] = f.max_length  # a warning (V-LEN), not an invalid record
    if f.note:
        body["description"] = f.note
    return body


def _object(properties: dict[str, Any], *, required: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def form_json_schema(form: FormDef) -> dict[str, Any]:
    """The whole record's JSON Schema."""
    sections: dict[str, Any] = {}
    for section in form.sections:
        props: dict[str, Any] = {}
        required: list[str] = []
        for f in section.fields:
            props[f.key] = field_schema(f)
            if f.required:
                required.append(f.key)
            if f.other_key:
                props[f.other_key] = {"type": ["string", "null"], "title": f"{f.label}（其他，请说明）"}
        sections[section.key] = {**_object(props, required=required), "title": section.title}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:itbforms:{form.id}:{form.schema_version}",
        "title": form.title,
        "description": (
            f"{form.title}（{form.id}）记录，schema_version {form.schema_version}。"
            "金额单位为万元，日期为 YYYY-MM-DD，多选项为选项原文列表。"
        ),
        **_object(
            {
                "form": {"const": form.id},
                "schema_version": {"const": form.schema_version},
                **sections,
            },
            required=["form", "schema_version", *sections],
        ),
    }
