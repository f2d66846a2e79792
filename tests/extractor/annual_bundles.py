"""Annual-report bundles built by code for the annual tests: ten platforms' 年度运行情况表 varied from
examples/annex2.json (normal ones, and ones that need attention, fail, are incomplete, or do not carry
last year's figures), each platform's report of the year before, and zips of them in mixed formats."""

from __future__ import annotations

import copy
import functools
import io
import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from openpyxl import load_workbook

from forms.records import load_record
from tests.extractor.bundles import ROOT, make_zip, uscc

Record = dict[str, dict[str, Any]]
PLATFORMS = 10
#: What the odd platforms are meant to show (seq → 年度核查).
ATTENTION_STAFF, FAILING_INCIDENT, INCOMPLETE_REVENUE, CARRY_MISMATCH = 2, 3, 4, 5
LAST_YEAR_STAFF = 120  # what platform CARRY_MISMATCH said last year (this year's 上年末 says 128)


def example_annual() -> Record:
    data = json.loads((ROOT / "examples" / "annex2.json").read_text(encoding="utf-8"))
    loaded = load_record(data)
    assert not loaded.problems
    return loaded.record


def platform_uscc(seq: int) -> str:
    return uscc(500 + seq)


def annual_record(seq: int, base: Mapping[str, Any] | None = None, **changes: Any) -> Record:
    """The example annual report as platform ``seq``: its own platform name, operator, code, mobile and
    figures scaled by ``seq``; ``changes`` as ``section__field=value``."""
    record = copy.deepcopy(dict(base or example_annual()))
    header = record["header"]
    header["platform_name"] = f"第{seq:02d}号产业技术基础公共服务平台"
    header["operator"] = f"测试依托单位{seq:02d}有限公司"
    header["uscc"] = platform_uscc(seq)
    header["contact_mobile"] = f"139{seq:08d}"
    ops = record["operations"]
    ops["revenue_itb"] = round(ops["revenue_itb"] + seq * 100, 2)
    ops["revenue_total"] = round(ops["revenue_total"] + seq * 100, 2)
    ops["itb_share"] = round(float(ops["revenue_itb"]) / float(ops["revenue_total"]) * 100, 2)
    ops["clients"] = ops["clients"] + seq
    for key, value in changes.items():
        section, field = key.split("__")
        if "." in field:
            field, half = field.split(".")
            record[section][field] = {**record[section][field], half: value}
        else:
            record[section][field] = value
    return record


def this_year() -> dict[int, Record]:
    """The ten platforms' reports for 2025, seq → record."""
    base = example_annual()
    out = {seq: annual_record(seq, base) for seq in range(1, PLATFORMS + 1)}
    # 第六条 no longer met at the end of the year (A-KEEP warns): 40 people, 30 and 35 of them senior
    # and qualified (ratios stay above their thresholds)
    out[ATTENTION_STAFF] = annual_record(
        ATTENTION_STAFF,
        base,
        capacity__staff_total=40,
        capacity__staff_senior=30,
        capacity__staff_qualified=35,
    )
    out[ATTENTION_STAFF]["capacity"]["staff_total"] = {"previous": 128, "current": 40}
    out[ATTENTION_STAFF]["capacity"]["staff_senior"] = {"previous": 76, "current": 30}
    out[ATTENTION_STAFF]["capacity"]["staff_qualified"] = {"previous": 90, "current": 35}
    out[FAILING_INCIDENT] = annual_record(
        FAILING_INCIDENT,
        base,
        changes__incidents=True,
        changes__incident_details="发生一起实验室火灾事故",
        changes__serious_impact=True,  # 第十九条（四）: a fail only with serious social impact
    )
    out[INCOMPLETE_REVENUE] = annual_record(INCOMPLETE_REVENUE, base, changes__changed=True)
    return out


def last_year(records: Mapping[int, Record]) -> dict[int, Record]:
    """Each platform's report for 2024: its 本年末 are this year's 上年末, its operations smaller."""
    out = {}
    for seq, record in records.items():
        last = copy.deepcopy(record)
        last["header"]["report_year"] = record["header"]["report_year"] - 1
        last["header"]["fill_date"] = record["header"]["fill_date"].replace(
            year=record["header"]["report_year"]
        )
        for key, metric in last["capacity"].items():
            if isinstance(metric, dict) and "current" in metric:
                last["capacity"][key] = {"previous": metric["previous"], "current": metric["previous"]}
        ops = last["operations"]
        ops["revenue_itb"] = round(float(ops["revenue_itb"]) * 0.8, 2)
        ops["revenue_total"] = round(float(ops["revenue_total"]) * 0.8, 2)
        ops["clients"] = ops["clients"] - 10
        last["changes"]["changed"] = False
        out[seq] = last
    out[CARRY_MISMATCH]["capacity"]["staff_total"]["current"] = LAST_YEAR_STAFF
    return out


#: The formats of the ten platforms' files in the mixed bundle (PDF from LibreOffice).
FORMATS = {
    1: "docx",
    2: "xlsx",
    3: "pdf",
    4: "docx",
    5: "xlsx",
    6: "docx",
    7: "pdf",
    8: "xlsx",
    9: "docx",
    10: "pdf",
}


def annual_zip(
    records: Mapping[int, Record],
    fill: Callable[[Record, str], bytes],
    pdfs: Callable[[list[Record]], list[bytes]],
    formats: Mapping[int, str] = FORMATS,
    extra: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """A zip of one folder per platform with its report in the format ``formats`` gives it."""
    pdf_seqs = [seq for seq in records if formats.get(seq) == "pdf"]
    made = dict(zip(pdf_seqs, pdfs([records[s] for s in pdf_seqs]), strict=True)) if pdf_seqs else {}
    entries = []
    for seq, record in records.items():
        kind = formats.get(seq, "docx")
        data = made[seq] if kind == "pdf" else fill(record, kind)
        entries.append((f"{seq:02d}-平台{seq}/年度运行情况表.{kind}", data))
    return make_zip(entries + (extra or []))


def outcomes(records: Mapping[int, Record], kind: str = "docx") -> list[Any]:
    """The records as a bundle's parsed files would carry them (for tests of what follows parsing)."""
    from service.bundles.files import FileOutcome  # noqa: PLC0415

    return [
        FileOutcome(
            i, f"{seq:02d}/年度运行情况表.{kind}", f"{seq:02d}", 0, "parsed", kind, form="annex2", record=r
        )
        for i, (seq, r) in enumerate(records.items())
    ]


RECEIVED = date(2026, 3, 25)
TODAY = date(2026, 4, 1)


def screened(with_previous: bool = True) -> dict[str, Any]:
    """The ``annual`` section of a report of the ten platforms (checked against last year's reports)."""
    from forms.annual_statistics import uscc_key  # noqa: PLC0415
    from service.bundles.annual import Previous, screen_annual  # noqa: PLC0415

    now = this_year()
    previous = Previous("2024年报.zip", {uscc_key(r) or "": r for r in last_year(now).values()})
    return screen_annual(
        outcomes(now), received=RECEIVED, previous=previous if with_previous else None, today=TODAY
    ).to_dict()


#: The evaluators' columns of 年度评价 (M, N).
OPINION, RESULT = 13, 14


def evaluated(content: bytes, edit: Callable[[Any], None]) -> bytes:
    """The workbook after ``edit(ws)`` of its 年度评价 sheet, saved as an evaluator's Excel would."""
    wb = load_workbook(io.BytesIO(content))
    edit(wb["年度评价"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fill_all(ws: Any) -> None:
    """Every platform evaluated: 合格, but 不合格 for the one with the incident."""
    for row in range(4, 14):
        failing = ws.cell(row=row, column=1).value == FAILING_INCIDENT
        ws.cell(row=row, column=OPINION, value="发生安全事故，需整改" if failing else "运行良好")
        ws.cell(row=row, column=RESULT, value="不合格" if failing else "合格")


def fill_annual(record: Record, kind: str) -> bytes:
    from templates.render import fill  # noqa: PLC0415

    return fill("annex2", record, kind)


def annual_pdfs(records: list[Record]) -> list[bytes]:
    from templates.render import fill_pdfs  # noqa: PLC0415

    return fill_pdfs([("annex2", r) for r in records])


@functools.cache
def mixed_bundle() -> bytes:
    """This year's ten reports as Word, Excel and PDF (three through LibreOffice, in one batch), with a
    file that is not a form."""
    return annual_zip(
        this_year(), fill_annual, annual_pdfs, extra=[("报送说明.txt", "共十个平台".encode("gbk"))]
    )


@functools.cache
def last_year_bundle() -> bytes:
    """Last year's ten reports, Word only."""
    return annual_zip(last_year(this_year()), fill_annual, annual_pdfs, formats={})


def salary_workbook() -> bytes:
    """A real workbook that is none of ours (a payroll)."""
    from openpyxl import Workbook  # noqa: PLC0415

    wb = Workbook()
    wb.active.append(["姓名", "工资"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
