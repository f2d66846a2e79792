"""The regulation's checks on a loaded record (``itbforms check``, ``POST /check``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from forms.checks import CheckReport, run_checks
from forms.records import LoadedRecord


def check(
    loaded: LoadedRecord, *, received: date | None = None, previous: Mapping[str, Any] | None = None
) -> CheckReport:
    """The check report of a record; values that could not be loaded count under V-TYPE."""
    return run_checks(
        loaded.record, loaded.form, received=received, previous=previous, load_problems=loaded.problems
    )
