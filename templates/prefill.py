"""Pre-filling this year's annual report (annex2) from last year's report and/or the application (annex1).

What can honestly be carried over, and nothing else:

- from last year's report (year N-1): the whole header (platform, operator, contact …), and for every
  capacity metric 上年末 (``previous``) = last year's 本年末 (``current``); everything about year N is blank.
- from the application: the header fields it shares with the report (platform_name, operator, uscc,
  service fields and scopes, region, contact, competent_authority = cover.recommender). When the
  application was made in year N itself, its figures (as of 31 December N-1, see 填写说明) are also year
  N's 上年末 for the metrics both forms have (staff, equipment, site area).

Where both are given, last year's report wins and the application fills what it leaves blank.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from typing import Any

from forms import ANNEX2
from forms.errors import FormsError
from forms.model import FieldType
from forms.records import Record, empty_record
from forms.vocabulary import YEAR_MAX, YEAR_MIN

#: annex2 header field ← annex1 (section, field).
FROM_APPLICATION: dict[str, tuple[str, str]] = {
    "platform_name": ("cover", "platform_name"),
    "operator": ("applicant", "name"),
    "uscc": ("applicant", "uscc"),
    "service_fields": ("platform", "service_fields"),
    "service_fields_other": ("platform", "service_fields_other"),
    "service_scopes": ("platform", "service_scopes"),
    "service_scopes_other": ("platform", "service_scopes_other"),
    "region": ("applicant", "region"),
    "competent_authority": ("cover", "recommender"),
    "contact_name": ("applicant", "contact_name"),
    "contact_phone": ("applicant", "contact_phone"),
    "contact_mobile": ("applicant", "contact_mobile"),
    "contact_email": ("applicant", "contact_email"),
}
#: Fallbacks when the first source is empty (the cover's applicant line names the same unit).
APPLICATION_FALLBACKS: dict[str, tuple[str, str]] = {"operator": ("cover", "applicant")}
#: annex2 capacity metric ← annex1 applicant field (same definition, as of 31 December before applying).
METRICS_FROM_APPLICATION: dict[str, str] = {
    "staff_total": "staff_total",
    "staff_senior": "staff_senior",
    "staff_qualified": "staff_qualified",
    "equipment_count": "equipment_count",
    "equipment_value": "equipment_value",
    "site_area": "site_area",
}
#: Header fields that belong to the new report, not carried over.
NOT_CARRIED = frozenset({"report_year", "fill_date"})


def prefill_annex2(
    year: int,
    *,
    last_annex2: Mapping[str, Any] | None = None,
    annex1: Mapping[str, Any] | None = None,
) -> Record:
    """A typed annex2 record for report year ``year``, pre-filled from typed records of the sources.

    Raises ``FormsError`` when last year's report is not about ``year - 1`` (its 本年末 would not be this
    report's 上年末) or the year is not plausible.
    """
    if not isinstance(year, int) or isinstance(year, bool) or not YEAR_MIN <= year <= YEAR_MAX:
        raise FormsError(f"填报年度应为 {YEAR_MIN}–{YEAR_MAX} 之间的年份，实际为 {year!r}")
    record = empty_record(ANNEX2)
    header, capacity = record["header"], record["capacity"]
    header["report_year"] = year

    if last_annex2 is not None:
        last_header = last_annex2.get("header") or {}
        last_year = last_header.get("report_year")
        if last_year is not None and last_year != year - 1:
            raise FormsError(
                f"上一年度报告的填报年度为 {last_year}，而本次填报年度为 {year}："
                f"只能从 {year - 1} 年度的报告预填（其“本年末”即本年度的“上年末”）"
            )
        for key, value in last_header.items():
            if key in header and key not in NOT_CARRIED and not _empty(value):
                header[key] = copy.deepcopy(value)
        last_capacity = last_annex2.get("capacity") or {}
        for f in ANNEX2.section("capacity").fields:
            if f.type is FieldType.METRIC:
                pair = last_capacity.get(f.key)
                if isinstance(pair, Mapping):
                    capacity[f.key]["previous"] = pair.get("current")

    if annex1 is not None:
        taken: set[str] = set()
        for key, (section, name) in FROM_APPLICATION.items():
            main = key.removesuffix("_other")
            if key != main and main not in taken:
                continue  # the 其他 text goes with its list, never onto last year's list
            if _empty(header.get(key)):
                value = (annex1.get(section) or {}).get(name)
                if _empty(value) and key in APPLICATION_FALLBACKS:
                    fb_section, fb_name = APPLICATION_FALLBACKS[key]
                    value = (annex1.get(fb_section) or {}).get(fb_name)
                if not _empty(value):
                    header[key] = copy.deepcopy(value)
                    taken.add(key)
        applied = (annex1.get("cover") or {}).get("date")
        if isinstance(applied, date) and applied.year == year:
            applicant = annex1.get("applicant") or {}
            for metric, source in METRICS_FROM_APPLICATION.items():
                if capacity[metric]["previous"] is None:
                    capacity[metric]["previous"] = applicant.get(source)
    return record


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []
