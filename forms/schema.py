"""marshmallow schemas generated from the form definitions (never written by hand per field).

``record_schema(form)`` gives one Schema class per form whose nested section schemas mirror the
definition. Error messages are *codes* of ``forms.problems.MESSAGES`` so that ``forms.records`` can turn
them into Chinese problems placed on their field.
"""

from __future__ import annotations

import decimal
from functools import cache
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from forms.model import Field, FieldType, FormDef
from forms.vocabulary import YEAR_MAX, YEAR_MIN

_TYPE_ERRORS = {"invalid": "wrong_type", "null": "wrong_type", "type": "wrong_type"}


class Number(fields.Decimal):
    """A decimal loaded exactly (``Decimal(str(x))``) and dumped as a JSON number (int when integral).

    ``places`` quantizes (rounded half up as an accountant would); money is never quantized here.
    """

    def __init__(self, *, places: int | None = None, **kwargs: Any) -> None:
        super().__init__(places=places, rounding=decimal.ROUND_HALF_UP, allow_nan=False, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        num = super()._serialize(value, attr, obj, **kwargs)
        if num is None:
            return None
        num = decimal.Decimal(num)
        return int(num) if num == num.to_integral_value() else float(num)


class WholeNumber(fields.Integer):
    """A count or a year: ``50``, ``"50"``, ``50.0``; a fraction (``50.5``) is refused, never truncated."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=False, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        try:
            number = decimal.Decimal(str(value).strip())
        except (decimal.InvalidOperation, ValueError) as exc:
            raise self.make_error("invalid") from exc
        if not number.is_finite() or number != number.to_integral_value():
            raise self.make_error("invalid")
        return int(number)


class Bool(fields.Boolean):
    """A boolean that also takes the printed words 是/否."""

    truthy = fields.Boolean.truthy | {"是"}
    falsy = fields.Boolean.falsy | {"否"}


class _Base(Schema):
    class Meta:
        unknown = EXCLUDE  # unknown keys are reported by forms.records, not fatal


def _value_field(ftype: FieldType, f: Field) -> fields.Field:
    """The marshmallow field for one scalar value of type ``ftype`` (``f`` supplies options)."""
    kw: dict[str, Any] = {"allow_none": True, "load_default": None, "error_messages": dict(_TYPE_ERRORS)}
    non_negative = validate.Range(min=0, error="out_of_range")
    match ftype:
        case FieldType.TEXT | FieldType.PROSE:
            return fields.String(**kw)
        case FieldType.INT:
            return WholeNumber(validate=non_negative, **kw)
        case FieldType.YEAR:
            return WholeNumber(validate=validate.Range(YEAR_MIN, YEAR_MAX, error="out_of_range"), **kw)
        case FieldType.WAN:  # kept exactly as entered: V-TYPE warns about more than two decimals
            return Number(validate=non_negative, **kw)
        case FieldType.PCT:
            return Number(validate=validate.Range(0, 100, error="out_of_range"), **kw)
        case FieldType.M2:
            return Number(validate=non_negative, **kw)
        case FieldType.DATE:
            return fields.Date(**kw)
        case FieldType.BOOL:
            return Bool(**kw)
        case FieldType.CHOICE:
            return fields.String(validate=validate.OneOf(f.options, error="unknown_option"), **kw)
    raise TypeError(f"{ftype} is not a scalar type")


def field_for(f: Field) -> fields.Field:
    """The marshmallow field for a definition field of any type."""
    kw: dict[str, Any] = {"error_messages": dict(_TYPE_ERRORS), "metadata": {"label": f.label}}
    match f.type:
        case FieldType.MULTI:
            item = fields.String(validate=validate.OneOf(f.options, error="unknown_option"))
            return fields.List(item, load_default=list, **kw)
        case FieldType.TABLE:
            return fields.List(fields.Nested(_schema_for(f.key, f.columns)), load_default=list, **kw)
        case FieldType.METRIC:
            assert f.item_type is not None, f"metric {f.key} needs an item_type"
            pair = {"previous": _value_field(f.item_type, f), "current": _value_field(f.item_type, f)}
            return fields.Nested(_Base.from_dict(pair, name=f"Metric_{f.key}"), allow_none=True, **kw)
    field = _value_field(f.type, f)
    field.metadata = {**field.metadata, "label": f.label}
    return field


def _schema_for(name: str, defs: tuple[Field, ...]) -> type[Schema]:
    members: dict[str, fields.Field] = {}
    for f in defs:
        members[f.key] = field_for(f)
        if f.other_key:
            members[f.other_key] = fields.String(allow_none=True, load_default=None)
    return _Base.from_dict(members, name=f"{name.title().replace('_', '')}Schema")


@cache
def record_schema(form: FormDef) -> type[Schema]:
    """The Schema class of a whole record: one nested schema per section, plus ``form``/``schema_version``."""
    members: dict[str, fields.Field] = {
        "form": fields.String(load_default=form.id),
        "schema_version": fields.String(load_default=form.schema_version),
    }
    for section in form.sections:
        members[section.key] = fields.Nested(
            _schema_for(f"{form.id}_{section.key}", section.fields), load_default=dict
        )
    return _Base.from_dict(members, name=f"{form.id.title()}RecordSchema")
