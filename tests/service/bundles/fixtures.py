"""The built bundles the bundle tests share, made once per process (LibreOffice is the slow part: the
standard bundle's two PDFs come from one batch). Tests using ``standard_*`` are marked ``soffice`` and
grouped (``xdist_group``) so that one xdist worker builds it."""

from __future__ import annotations

import fcntl
import functools
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from service.bundles.screen import BundleReport, screen_bundle
from tests.extractor.bundles import (
    MISMATCH_PDF_STAFF,
    BundleCase,
    bundle_case,
    bundle_records,
    make_zip,
    unit_record,
)

RECOMMENDER = "江苏省工业和信息化厅"
SOFFICE_GROUP = pytest.mark.xdist_group("bundle-soffice")


def docx(record: dict[str, Any]) -> bytes:
    from templates.render import fill  # noqa: PLC0415

    return fill("annex1", record, "docx")


def pdfs(records: list[dict[str, Any]]) -> list[bytes]:
    from templates.render import fill_pdfs  # noqa: PLC0415

    return fill_pdfs([("annex1", r) for r in records])


@functools.cache
def standard_case() -> BundleCase:
    """The standard bundle, built once per test run: under xdist the workers share one build through a
    locked file in a directory of this run (``PYTEST_XDIST_TESTRUNUID``), so LibreOffice runs once."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        return bundle_case(docx, pdfs)
    folder = Path(tempfile.gettempdir()) / f"itbforms-bundle-{run}"
    folder.mkdir(exist_ok=True)
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cached = folder / "standard.zip"
        if cached.exists():
            return BundleCase(cached.read_bytes(), bundle_records(), MISMATCH_PDF_STAFF)
        case = bundle_case(docx, pdfs)
        cached.write_bytes(case.data)
        return case


@functools.cache
def standard_report() -> BundleReport:
    return screen_bundle(standard_case().data, name="推荐材料.zip", recommender=RECOMMENDER)


@functools.cache
def word_only_bundle() -> bytes:
    """Three units as Word files only (no LibreOffice needed): eligible, ineligible (30 staff), and a
    non-form file."""
    return make_zip(
        [
            ("甲单位/申报书.docx", docx(unit_record(11))),
            (
                "乙单位/申报书.docx",
                docx(
                    unit_record(
                        12,
                        applicant__staff_total=30,
                        applicant__staff_senior=20,
                        applicant__staff_qualified=25,
                    )
                ),
            ),
            ("说明.txt", "材料清单".encode("gbk")),
        ]
    )
