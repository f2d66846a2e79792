"""The annual reports of a bundle (``docs/spec/annual-summary.md``): the parsed 年度运行情况表 files
grouped per platform (same 统一社会信用代码, as the applications), each platform's record checked (V- and
A-, with the received date, and A-CARRY against last year's report when one is given), its 年度核查, and
the statistics.

``screen_annual`` takes the files ``service.bundles.screen.screen_bundle`` parsed — it reads nothing itself —
and ``AnnualReport.to_dict()`` is the ``annual`` section of the bundle's JSON report, from which
``templates.annual_summary`` builds the 年度运行情况汇总表 and the API its statistics. ``load_previous``
reads what the authority gives as last year's: a bundle (zip) of last year's reports, last year's
年度运行情况汇总表, or one report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from extractor import parse_bytes
from extractor.annual_summary import is_annual_summary, read_summary_records
from extractor.bundle_zip import DEFAULT_BUNDLE_LIMITS, BundleLimits
from extractor.errors import UnsupportedFile
from extractor.settings import DEFAULT_LIMITS, Limits
from extractor.sniff import ZIP_MAGICS, sniff
from forms import ANNEX2
from forms.annual_statistics import annual_statistics, uscc_key
from forms.annual_summary import STATUSES, annual_status
from forms.checks import CheckReport, jsonable, run_checks
from forms.records import Record, dump_record, load_record
from service.bundles.files import FileOutcome
from service.bundles.screen import compare_records, group_applications, screen_bundle


@dataclass
class AnnualUnit:
    """One platform's annual report: its files (the record from the first), checks and findings."""

    seq: int
    files: list[FileOutcome]
    report: CheckReport
    previous: Record | None = None
    differences: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)

    @property
    def record(self) -> Record:
        return self.files[0].record or {}

    def notes(self) -> list[str]:
        """Findings of the bundle (not of the regulation) a person must look at."""
        out = []
        if self.duplicates:
            out.append(f"重复报送：统一社会信用代码与{'、'.join(f'第{s}项' for s in self.duplicates)}相同")
        if self.differences:
            labels = "、".join(dict.fromkeys(d["label"] for d in self.differences[:5]))
            out.append(f"同一平台的文件内容不一致：{labels}")
        return out

    def to_dict(self) -> dict[str, Any]:
        header = self.record.get("header") or {}
        checks = self.report.to_dict()
        return {
            "seq": self.seq,
            "uscc": header.get("uscc"),
            "platform_name": header.get("platform_name"),
            "operator": header.get("operator"),
            "report_year": header.get("report_year"),
            "folder": self.files[0].folder,
            "files": [
                {"name": f.name, "kind": f.kind, "role": "primary" if i == 0 else "compared"}
                for i, f in enumerate(self.files)
            ],
            "status": annual_status(checks["results"]),
            "verdict": self.report.verdict,
            "record": jsonable(dump_record(self.record, ANNEX2)),
            "checks": checks["results"],
            "problems": [{"file": f.name, **p.to_dict()} for f in self.files for p in f.problems],
            "differences": self.differences,
            "duplicates": self.duplicates,
            "notes": self.notes(),
            "previous": jsonable(dump_record(self.previous, ANNEX2)) if self.previous else None,
        }


@dataclass
class Previous:
    """Last year's reports the authority gave: where from, and the records by folded 统一社会信用代码."""

    source: str
    records: dict[str, Record]


@dataclass
class AnnualReport:
    """The annual side of a bundle."""

    units: list[AnnualUnit]
    received: date | None
    previous: Previous | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"received", "previous": {source, platforms} | null, "counts": {platforms, 正常, 需关注, 不符合,
        待补充}, "statistics": (forms.annual_statistics), "units": [AnnualUnit.to_dict()…]}``"""
        units = [u.to_dict() for u in self.units]
        statistics = annual_statistics(units, self.previous.records if self.previous else None)
        return {
            "received": self.received.isoformat() if self.received else None,
            "previous": (
                {"source": self.previous.source, "platforms": len(self.previous.records)}
                if self.previous
                else None
            ),
            "counts": {"platforms": len(units), **statistics["by_status"]},
            "statistics": statistics,
            "units": units,
        }


def annual_files(files: Sequence[FileOutcome]) -> list[FileOutcome]:
    """The files of a screened bundle that are parsed annual reports."""
    return [f for f in files if f.status == "parsed" and f.form == ANNEX2.id]


def screen_annual(
    files: Sequence[FileOutcome],
    *,
    received: date | None = None,
    previous: Previous | None = None,
    today: date | None = None,
) -> AnnualReport:
    """Group the parsed annual reports among ``files`` per platform and check each (see the module)."""
    units = []
    for seq, group in enumerate(group_applications(annual_files(files)), 1):
        primary = group[0]
        record = primary.record or {}
        last = previous.records.get(uscc_key(record) or "") if previous else None
        report = run_checks(
            record,
            ANNEX2,
            received=received,
            previous=last,
            today=today,
            load_problems=[p for p in primary.problems if p.field],
        )
        differences = [
            d
            for other in group[1:]
            for d in compare_records(ANNEX2, record, other.record or {}, primary, other)
        ]
        units.append(AnnualUnit(seq, group, report, last, differences))
    by_code: dict[str, list[AnnualUnit]] = defaultdict(list)
    for unit in units:
        if key := uscc_key(unit.record):
            by_code[key].append(unit)
    for same in by_code.values():
        for unit in same:
            unit.duplicates = [u.seq for u in same if u is not unit]
    return AnnualReport(units, received, previous)


def load_previous(
    data: bytes,
    name: str,
    *,
    limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
    document_limits: Limits = DEFAULT_LIMITS,
    workers: int = 1,
) -> Previous:
    """Last year's reports from a bundle (.zip), a 年度运行情况汇总表 or one report (Word/PDF/Excel).
    Raises ``UnsupportedFile`` (naming the file) when it holds no annual report."""
    try:
        kind: str = sniff(data, name)
    except UnsupportedFile:
        if not data.startswith(ZIP_MAGICS):
            raise
        kind = "zip"  # a zip that is not a document: a bundle
    if kind == "zip":
        screened = screen_bundle(
            data, name=name, limits=limits, document_limits=document_limits, workers=workers
        )
        records = [f.record for f in annual_files(screened.files) if f.record]
    elif kind == "xlsx" and is_annual_summary(data, name, document_limits):
        records = read_summary_records(data, name, document_limits)
    else:
        result = parse_bytes(data, name, limits=document_limits)
        records = [result.record] if result.form == ANNEX2.id else []
    by_code = {key: r for r in records if (key := uscc_key(r))}
    if not by_code:
        raise UnsupportedFile(
            name,
            "其中没有可用的上年度年度运行情况表（应为上年的报送压缩包、上年的年度运行情况汇总表或一份年度运行情况表）",
            english="no annual report of last year",
        )
    return Previous(name, by_code)


def annual_section(
    files: Sequence[FileOutcome],
    *,
    received: date | None,
    previous: Previous | None = None,
    today: date | None = None,
) -> dict[str, Any] | None:
    """The bundle report's ``annual`` section (``AnnualReport.to_dict()``); None without annual reports."""
    if not annual_files(files):
        return None
    return screen_annual(files, received=received, previous=previous, today=today).to_dict()


def previous_to_json(previous: Previous) -> dict[str, Any]:
    """Last year's records as JSON (what a queued job keeps until it runs)."""
    return {
        "source": previous.source,
        "records": [jsonable(dump_record(r, ANNEX2)) for r in previous.records.values()],
    }


def previous_from_json(data: Mapping[str, Any] | None) -> Previous | None:
    """``previous_to_json`` read back into typed records."""
    if not data:
        return None
    records = [load_record(r, ANNEX2).record for r in data.get("records") or []]
    return Previous(str(data.get("source")), {k: r for r in records if (k := uscc_key(r))})


#: The regulation's dates are Beijing dates (UTC+8, no daylight saving).
CHINA = timezone(timedelta(hours=8), "北京时间")


def china_date(timestamp: float) -> date:
    """The Beijing date of a POSIX time: when a bundle counts as received (第十六条's 31 March)."""
    return datetime.fromtimestamp(timestamp, CHINA).date()


def annual_params(received: date | None, previous: Previous | None) -> dict[str, Any]:
    """What a queued bundle job keeps for its annual reports (JSON): the received date, last year's."""
    return {
        "received": received.isoformat() if received else None,
        "previous": previous_to_json(previous) if previous else None,
    }


def annual_from_params(
    files: Sequence[FileOutcome], params: Mapping[str, Any], submitted: float
) -> dict[str, Any] | None:
    """A job's ``annual`` section: received on the given date, else on the (Beijing) day of the upload."""
    given = params.get("received")
    received = date.fromisoformat(given) if given else china_date(submitted)
    return annual_section(files, received=received, previous=previous_from_json(params.get("previous")))


def annual_links(job_id: str, base: str, done: bool) -> dict[str, str | None]:
    """The job's annual downloads (answered with 404 when its bundle held no annual report)."""
    return {
        "annual_summary": f"{base}/jobs/{job_id}/annual-summary.xlsx" if done else None,
        "statistics": f"{base}/jobs/{job_id}/statistics" if done else None,
    }


def annual_line(annual: Mapping[str, Any]) -> str:
    """``10 个平台：正常 6，需关注 2，不符合 1，待补充 1`` for a summary line."""
    counts = annual.get("counts") or {}
    return f"{counts.get('platforms', 0)} 个平台：" + "，".join(f"{s} {counts.get(s, 0)}" for s in STATUSES)
