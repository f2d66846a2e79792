"""The two forms of 工信部科〔2025〕261号 as data, and everything derived from them without I/O:
record schemas, JSON Schema, value normalisers and the regulation's checks."""

from forms.annex1 import ANNEX1
from forms.annex2 import ANNEX2
from forms.errors import FormsError, RecordError, UnknownForm
from forms.model import Field, FieldType, FormDef, Section

FORMS: dict[str, FormDef] = {ANNEX1.id: ANNEX1, ANNEX2.id: ANNEX2}


def get_form(form_id: str) -> FormDef:
    """The form definition for ``annex1`` or ``annex2``; ``UnknownForm`` otherwise."""
    try:
        return FORMS[form_id]
    except KeyError:
        raise UnknownForm(form_id) from None


__all__ = [
    "ANNEX1",
    "ANNEX2",
    "FORMS",
    "Field",
    "FieldType",
    "FormDef",
    "FormsError",
    "RecordError",
    "Section",
    "UnknownForm",
    "get_form",
]
