"""Bundles built by code for the bundle tests: unit records varied from examples/annex1.json, zips whose
names are written the way Windows archivers write them (GBK, no UTF-8 flag), and the standard test
bundle of ``bundle_case`` (eligible, ineligible, incomplete, Word/PDF disagreement, duplicate, non-form,
corrupt, sub-folders, macOS clutter)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.records import load_record
from forms.uscc import check_character

ROOT = Path(__file__).resolve().parents[2]


def uscc(seed: int) -> str:
    """A valid 统一社会信用代码 of a 企业 in 江苏 (``91320000`` + 9 digits + check character)."""
    first17 = f"91320000{seed:09d}"
    return first17 + check_character(first17)


def example_record() -> dict[str, dict[str, Any]]:
    data = json.loads((ROOT / "examples" / "annex1.json").read_text(encoding="utf-8"))
    loaded = load_record(data)
    assert not loaded.problems
    return loaded.record


def unit_record(seq: int, base: Mapping[str, Any] | None = None, **changes: Any) -> dict[str, dict[str, Any]]:
    """The example application as unit ``seq``: its own name, code and platform name; ``changes`` as
    ``section__field=value`` (``applicant__staff_total=30``)."""
    record = copy.deepcopy(dict(base or example_record()))
    name = f"测试单位{seq:03d}检测中心"
    record["cover"]["applicant"] = record["applicant"]["name"] = name
    record["cover"]["platform_name"] = f"第{seq:03d}号产业技术基础公共服务平台"
    record["applicant"]["uscc"] = uscc(seq)
    record["applicant"]["contact_mobile"] = f"138{seq:08d}"
    for key, value in changes.items():
        section, field = key.split("__")
        record[section][field] = value
    return record


class _GbkInfo(zipfile.ZipInfo):
    """An entry whose name is stored in GBK without the UTF-8 flag, as WinRAR and Windows' own zip do."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        try:
            return self.filename.encode("ascii"), self.flag_bits
        except UnicodeEncodeError:
            return self.filename.encode("gbk"), self.flag_bits & ~0x800


def make_zip(
    entries: Iterable[tuple[str, bytes]], *, gbk: bool = True, compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """A zip of ``(name, data)``; names in GBK without the UTF-8 flag when ``gbk``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            info = (_GbkInfo if gbk else zipfile.ZipInfo)(name, date_time=(2026, 3, 10, 9, 0, 0))
            info.compress_type = compression
            zf.writestr(info, data)
    return buffer.getvalue()


@dataclass
class BundleCase:
    """The standard test bundle and what each unit is meant to be."""

    data: bytes
    records: dict[str, dict[str, dict[str, Any]]]  # unit label → the record of its Word file
    pdf_staff_total: int  # what the disagreeing unit's PDF says


#: Folders of the standard bundle, in input order.
ELIGIBLE, INELIGIBLE, INCOMPLETE, MISMATCH, DUPLICATE = (
    "01-甲单位",
    "02-乙单位",
    "03-丙单位",
    "04-丁单位",
    "05-甲单位（重复）",
)


#: What the disagreeing unit's PDF says its staff is (its Word file says 186, as the example).
MISMATCH_PDF_STAFF = 168


def bundle_records() -> dict[str, dict[str, dict[str, Any]]]:
    base = example_record()
    return {
        ELIGIBLE: unit_record(1, base),
        # 第六条（五）: 30 people (senior and qualified ratios stay above their thresholds)
        INELIGIBLE: unit_record(
            2, base, applicant__staff_total=30, applicant__staff_senior=20, applicant__staff_qualified=25
        ),
        # neither equipment value nor service revenue given: E-ASSETS cannot be decided
        INCOMPLETE: unit_record(3, base, applicant__equipment_value=None, applicant__service_revenue=None),
        MISMATCH: unit_record(4, base),
        DUPLICATE: unit_record(1, base, cover__platform_name="第001号平台（第二次申报）"),
    }


def bundle_case(docx: Any, pdfs: Any) -> BundleCase:
    """Build the standard bundle; ``docx(record) -> bytes`` fills one Word file, ``pdfs(records) -> list``
    converts several records to PDF in one LibreOffice batch."""
    records = bundle_records()
    mismatch_pdf = copy.deepcopy(records[MISMATCH])
    mismatch_pdf["applicant"]["staff_total"] = MISMATCH_PDF_STAFF
    pdf_eligible, pdf_mismatch = pdfs([records[ELIGIBLE], mismatch_pdf])
    corrupt = docx(records[ELIGIBLE])[:3000]  # a truncated download
    entries = [
        (f"{ELIGIBLE}/申报书.docx", docx(records[ELIGIBLE])),
        (f"{ELIGIBLE}/申报书（盖章）.pdf", pdf_eligible),
        (f"{INELIGIBLE}/申报书.docx", docx(records[INELIGIBLE])),
        (f"{INCOMPLETE}/申报书.docx", docx(records[INCOMPLETE])),
        (f"{MISMATCH}/申报书.docx", docx(records[MISMATCH])),
        (f"{MISMATCH}/申报书.pdf", pdf_mismatch),
        (f"{DUPLICATE}/申报书.docx", docx(records[DUPLICATE])),
        ("推荐说明.txt", "各单位材料见各文件夹。".encode("gbk")),
        ("06-戊单位/申报书.docx", corrupt),
        ("__MACOSX/01-甲单位/._申报书.docx", b"\x00\x05\x16\x07"),
    ]
    return BundleCase(make_zip(entries), records, MISMATCH_PDF_STAFF)


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value))
