"""The application layer: what the service does, as plain functions both faces call.

``service/api`` (HTTP) and ``service/cli`` (the command line) only turn requests and arguments into
values, call these, and turn the results into responses and output. Nothing here knows Flask or argv:
the functions take bytes, records and settings and return results, so tests call them directly.

- ``records``: one decoding of a JSON record, with one size cap;
- ``documents``: fill a form, pre-fill this year's annual report, the one list of missing required fields;
- ``parse``: a filled document (or a JSON record) in, a record with problems, provenance and checks out;
- ``check``: the regulation's checks on a loaded record;
- ``screen_bundle``: a zip of applications screened unit by unit (``service.bundles``, with its pool).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Each name → the module that holds it, imported on first use: parsing one .docx must not load the
#: renderer (docxtpl, openpyxl) nor the bundle pool.
_HOMES = {
    "screen_bundle": "service.bundles.screen",
    "check": "service.workflows.check",
    "Filled": "service.workflows.documents",
    "fill": "service.workflows.documents",
    "missing_required": "service.workflows.documents",
    "prefill": "service.workflows.documents",
    "parse": "service.workflows.parse",
    "read_source": "service.workflows.parse",
    "uncertain_crops": "service.workflows.parse",
    "RecordTooLarge": "service.workflows.records",
    "decode_record": "service.workflows.records",
}

__all__ = [
    "Filled",
    "RecordTooLarge",
    "check",
    "decode_record",
    "fill",
    "missing_required",
    "parse",
    "prefill",
    "read_source",
    "screen_bundle",
    "uncertain_crops",
]

if TYPE_CHECKING:
    from service.bundles.screen import screen_bundle
    from service.workflows.check import check
    from service.workflows.documents import Filled, fill, missing_required, prefill
    from service.workflows.parse import parse, read_source, uncertain_crops
    from service.workflows.records import RecordTooLarge, decode_record


def __getattr__(name: str) -> Any:
    """``service.workflows.fill`` and the others, imported when first asked for (PEP 562). Every name of
    the module imported is bound at once: importing ``service.workflows.parse`` binds the *module* as this
    package's ``parse``, which would otherwise shadow the function once ``read_source`` was asked first."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(_HOMES[name])
    for other, home in _HOMES.items():
        if home == module.__name__:
            globals()[other] = getattr(module, other)
    return globals()[name]
