"""Screening a bundle: a zip of applications → one screened record per unit, with what disagrees or fails.

``screen_bundle`` parses every file of the bundle (``service.bundles.files``; in the process pool of
``service.bundles.pool`` when ``workers`` > 1), groups the
files of one application (same folder, same 统一社会信用代码 — or unit name when the code is missing),
compares a unit's Word file with its PDF field by field on normalised values, runs the V- and E- checks
on the unit's record and reports units that appear twice (same code in two applications). A file that is
not a form, or cannot be read, is listed with the reason: one bad file never fails the bundle.

The JSON report (``BundleReport.to_dict()``) is what the service stores and the 推荐汇总表 is built from
(``templates.summary``); its shape is documented on ``BundleReport.to_dict``.

With ``workers > 1`` a *script* that calls ``screen_bundle`` must guard its top level with
``if __name__ == "__main__"`` (see ``service.bundles.pool``).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from extractor.bundle_zip import DEFAULT_BUNDLE_LIMITS, Bundle, BundleIssue, BundleLimits
from extractor.formats import family_label, is_printed, typed_first
from extractor.settings import DEFAULT_LIMITS, Limits
from forms import ANNEX1
from forms.checks import CheckReport, jsonable, run_checks
from forms.model import Field, FieldType, FormDef
from forms.records import dump_record
from forms.spacing import comparable_text
from forms.uscc import fold_uscc
from forms.vocabulary import VERDICT_SHORT
from service.bundles.files import FILE_STATES, FileOutcome
from service.bundles.pool import parse_all

# --- comparing two records ---------------------------------------------------------------------------------


def normalise(value: Any) -> Any:
    """A value as two extractions of one document should agree on: text by ``comparable_text`` (spacing
    that means nothing and full-width forms folded), numbers by value, lists as sets."""
    if isinstance(value, str):
        return comparable_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, list):
        return frozenset(normalise(v) for v in value)
    return value


def display(value: Any) -> str:
    """A value as a person reads it in a list of differences."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(display(v) for v in value) if value else "（空）"
    return str(value)


def _leaves(form: FormDef, record: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """``(path, label, value)`` of every value of a typed record (table cells and metric halves apart)."""
    for section in form.sections:
        values = record.get(section.key) or {}
        for f in section.fields:
            yield from _field_leaves(f"{section.key}.{f.key}", f.label, f, values.get(f.key))
            if f.other_key:
                yield f"{section.key}.{f.other_key}", f"{f.label}（其他）", values.get(f.other_key)


def _field_leaves(path: str, label: str, f: Field, value: Any) -> Iterator[tuple[str, str, Any]]:
    if f.type is FieldType.TABLE:
        rows = value if isinstance(value, list) else []
        yield f"{path}.rows", f"{label}（行数）", len(rows)
        for i, row in enumerate(rows, 1):
            for col in f.columns:
                cell = row.get(col.key) if isinstance(row, Mapping) else None
                yield f"{path}.{i - 1}.{col.key}", f"{label} 第{i}行 {col.label}", cell
    elif f.type is FieldType.METRIC:
        value = value if isinstance(value, Mapping) else {}
        yield f"{path}.previous", f"{label}（上年）", value.get("previous")
        yield f"{path}.current", f"{label}（本年）", value.get("current")
    else:
        yield path, label, value


def compare_records(
    form: FormDef, a: Mapping[str, Any], b: Mapping[str, Any], a_file: FileOutcome, b_file: FileOutcome
) -> list[dict[str, Any]]:
    """Every field where two typed records of one application disagree (after ``normalise``), with both
    values. Rows present in one table only show as a row-count difference plus each cell of the extra rows.

    Differences that come from reading, not from the applicant, are left out: a table whose columns read
    the same text top to bottom, rows split or joined otherwise (a PDF row wrapped onto two); a value one
    file left empty because reading it raised a problem on that field (listed with the file's problems).
    """
    recognised = _uncertain(a_file) | _uncertain(b_file)
    scanned = "scan" in (a_file.kind, b_file.kind)
    left = {path: (label, value) for path, label, value in _leaves(form, a)}
    right = {path: (label, value) for path, label, value in _leaves(form, b)}
    regrouped = _same_table_text(form, a, b)
    unsure = {(f.name, p.field) for f in (a_file, b_file) for p in f.problems if p.field}
    differences = []
    for path in [*left, *(p for p in right if p not in left)]:
        label = left[path][0] if path in left else right[path][0]
        av = left[path][1] if path in left else None
        bv = right[path][1] if path in right else None
        if path.rpartition(".")[0] in regrouped or _table_of(path) in regrouped:
            continue
        if (av is None and (a_file.name, path) in unsure) or (bv is None and (b_file.name, path) in unsure):
            continue
        if normalise(av) != normalise(bv):
            differences.append(
                {
                    "field": path,
                    "label": label,
                    "values": [
                        {"file": a_file.name, "kind": a_file.kind, "value": display(av)},
                        {"file": b_file.name, "kind": b_file.kind, "value": display(bv)},
                    ],
                    "uncertain": any(path == u or path.startswith(f"{u}.") for u in recognised)
                    or (scanned and _only_spacing(av, bv)),
                }
            )
    return differences


def _only_spacing(a: Any, b: Any) -> bool:
    """Whether two values differ in their spaces only: on a scan that is the recognition's guess of where the
    spaces were (``RB/T 214`` read as ``RB/T214``), not the applicant's inconsistency."""
    return re.sub(r"\s+", "", str(display(a))) == re.sub(r"\s+", "", str(display(b)))


def _table_of(path: str) -> str:
    """``performance.cases.2.title`` → ``performance.cases`` (a table cell's table)."""
    return ".".join(path.split(".")[:2])


def _same_table_text(form: FormDef, a: Mapping[str, Any], b: Mapping[str, Any]) -> set[str]:
    """The tables whose rows differ but whose columns hold the same text: rows split differently."""
    out = set()
    for section in form.sections:
        for f in section.fields:
            if f.type is not FieldType.TABLE:
                continue
            rows_a = (a.get(section.key) or {}).get(f.key) or []
            rows_b = (b.get(section.key) or {}).get(f.key) or []
            if rows_a != rows_b and _table_text(f, rows_a) == _table_text(f, rows_b):
                out.add(f"{section.key}.{f.key}")
    return out


def _table_text(f: Field, rows: list[Any]) -> str:
    """The table's text column by column (a row wrapped onto two continues each column's text)."""
    cells = [row for row in rows if isinstance(row, Mapping)]
    return "|".join(
        "".join(str(normalise(display(row[c.key]))) for row in cells if row.get(c.key) is not None)
        for c in f.columns
    )


def _uncertain(outcome: FileOutcome) -> set[str]:
    """The fields of a scanned file whose recognised text is uncertain: a difference there may be the
    recognition's, not the applicant's."""
    return {p.field for p in outcome.problems if p.code == "ocr_uncertain" and p.field}


#: Where the applicant seals the form (the nearest text of a seal found on its PDF).
SEAL_PLACE = "申报单位"
SEALED, NOT_SEALED = "已盖章", "未见印章"


# --- grouping files into units -----------------------------------------------------------------------------


def _uscc_key(record: Mapping[str, Any]) -> str | None:
    code = (record.get("applicant") or record.get("header") or {}).get("uscc")  # annex1 or annex2
    return fold_uscc(code) if isinstance(code, str) and code.strip() else None


def _name_key(record: Mapping[str, Any]) -> str | None:
    for section, key in (("applicant", "name"), ("cover", "applicant"), ("header", "operator")):
        name = (record.get(section) or {}).get(key)
        if isinstance(name, str) and name.strip():
            return normalise(name)
    return None


def _unit_key(outcome: FileOutcome) -> str:
    record = outcome.record or {}
    uscc = _uscc_key(record)
    if uscc:
        return "uscc:" + uscc
    name = _name_key(record)
    return "name:" + name if name else "file:" + outcome.name


def _kind_rank(outcome: FileOutcome) -> int:
    """Preference of the file a unit's record is taken from (Word first: its text is exact; the PDF is
    compared with it)."""
    order = typed_first()
    return order.index(outcome.kind) if outcome.kind in order else len(order)


def group_applications(outcomes: Sequence[FileOutcome]) -> list[list[FileOutcome]]:
    """The parsed files grouped into applications, in input order.

    One application is the files of one folder with the same unit key (统一社会信用代码, else the unit's
    name) — its .docx, .doc, .wps and PDF alike: the primary file (typed before printed, in the format
    table's order) gives the record, the others are compared with it. The same unit in another folder is
    another application (a 重复申报). Finally the prints of one folder join the typed files that name
    the same unit by code or by name (a misread code in the PDF is then a reported difference, not a new
    unit).
    """
    groups: dict[tuple[str, str], list[FileOutcome]] = defaultdict(list)
    for o in outcomes:
        groups[(o.folder, _unit_key(o))].append(o)
    apps = _merge_strays(list(groups.values()))
    for app in apps:
        app.sort(key=lambda o: (_kind_rank(o), o.index))
    apps.sort(key=lambda app: min(o.index for o in app))
    return apps


def _merge_strays(apps: list[list[FileOutcome]]) -> list[list[FileOutcome]]:
    """A typed-only and a print-only application of one folder that share the unit's code or name: one."""

    def alone(app: list[FileOutcome], pdf: bool) -> bool:
        return all(is_printed(o.kind) == pdf for o in app)

    def keys(app: list[FileOutcome]) -> set[str]:
        return {k for o in app for k in (_uscc_key(o.record or {}), _name_key(o.record or {})) if k}

    pdfs = [j for j, app in enumerate(apps) if alone(app, pdf=True)]
    partner: dict[int, int] = {}
    for i, app in enumerate(apps):
        if not alone(app, pdf=False):
            continue
        for j in pdfs:
            if j not in partner.values() and apps[j][0].folder == app[0].folder and keys(app) & keys(apps[j]):
                partner[i] = j
                break
    taken = set(partner.values())
    return [app + (apps[partner[i]] if i in partner else []) for i, app in enumerate(apps) if i not in taken]


# --- the report --------------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One application of the bundle: its files, record (from the primary file), checks and findings."""

    seq: int
    files: list[FileOutcome]
    report: CheckReport
    differences: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)

    @property
    def primary(self) -> FileOutcome:
        return self.files[0]

    @property
    def record(self) -> dict[str, dict[str, Any]]:
        return self.primary.record or {}

    @property
    def verdict(self) -> str:
        return str(self.report.verdict)

    @property
    def uscc(self) -> str | None:
        return (self.record.get("applicant") or {}).get("uscc")

    @property
    def name(self) -> str | None:
        applicant = self.record.get("applicant") or {}
        return applicant.get("name") or (self.record.get("cover") or {}).get("applicant")

    def notes(self) -> list[str]:
        """Findings of the bundle (not of the regulation) a person must look at, in Chinese."""
        out = []
        if self.duplicates:
            others = "、".join(f"第{seq}项" for seq in self.duplicates)
            out.append(f"重复申报：统一社会信用代码与{others}相同")
        certain = [d for d in self.differences if not d.get("uncertain")]
        if certain:
            kinds = "与".join(dict.fromkeys(family_label(f.kind) for f in self.files))
            labels = "、".join(dict.fromkeys(d["label"] for d in certain[:5]))
            more = f"等 {len(certain)} 处" if len(certain) > 5 else ""
            out.append(f"{kinds}文件内容不一致：{labels}{more}")
        if len(certain) < len(self.differences):
            count = len(self.differences) - len(certain)
            out.append(f"扫描件有 {count} 处与 Word 文件不同，但系识别不确定，请对照扫描件核对")
        if self.seal == NOT_SEALED:
            out.append(f"PDF 文件中“{SEAL_PLACE}（盖章）”处未见印章")
        return out

    @property
    def seal(self) -> str | None:
        """已盖章 when a PDF of the unit shows a seal at 申报单位（盖章）, 未见印章 when none does, None
        without a PDF."""
        pdfs = [f for f in self.files if f.seals is not None]
        if not pdfs:
            return None
        placed = any(
            SEAL_PLACE in (s.get("near") or "").replace(" ", "") for f in pdfs for s in f.seals or []
        )
        return SEALED if placed else NOT_SEALED

    def to_dict(self) -> dict[str, Any]:
        checks = self.report.to_dict()
        return {
            "seq": self.seq,
            "uscc": self.uscc,
            "name": self.name,
            "platform_name": (self.record.get("cover") or {}).get("platform_name"),
            "folder": self.primary.folder,
            "files": [
                {"name": f.name, "kind": f.kind, "role": "primary" if f is self.primary else "compared"}
                for f in self.files
            ],
            "verdict": self.verdict,
            "verdict_label": VERDICT_SHORT.get(self.verdict, self.verdict),
            "record": jsonable(dump_record(self.record, ANNEX1)),
            "checks": checks["results"],
            "check_summary": checks.get("summary"),
            "problems": [{"file": f.name, **p.to_dict()} for f in self.files for p in f.problems],
            "differences": self.differences,
            "duplicates": self.duplicates,
            "notes": self.notes(),
            "seal": self.seal,
        }


@dataclass
class BundleReport:
    """The outcome of screening one bundle."""

    name: str
    recommender: str | None
    units: list[Unit]
    files: list[FileOutcome]
    issues: list[BundleIssue]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: float = 0.0

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.failed]

    def counts(self) -> dict[str, int]:
        verdicts = [u.verdict for u in self.units]
        return {
            "files": len(self.files),
            "units": len(self.units),
            "eligible": verdicts.count("eligible"),
            "ineligible": verdicts.count("ineligible"),
            "incomplete": verdicts.count("incomplete"),
            "failed_files": len(self.failed) + sum(i.code != "skipped" for i in self.issues),
            "skipped": sum(i.code == "skipped" for i in self.issues),
            "duplicates": sum(bool(u.duplicates) for u in self.units),
            "with_differences": sum(bool(u.differences) for u in self.units),
        }

    def to_dict(self) -> dict[str, Any]:
        """The JSON report::

        {"bundle", "recommender", "generated_at", "seconds", "counts": {files, units, eligible, …},
         "units": [{seq, uscc, name, platform_name, folder, files: [{name, kind, role}], verdict,
                    verdict_label, record, checks: [CheckResult…], problems: [{file, field, code, …}],
                    differences: [{field, label, values: [{file, kind, value}, …]}], duplicates: [seq…],
                    notes: [Chinese…]}],
         "failed": [{name, status, status_label, reason}],   # every file that could not be used
         "files": [{index, name, folder, size, kind, status, status_label, reason, form, unit, role}],
         "skipped": [{name, code, message}]}                   # system clutter, not applications
        """
        failed = [
            {"name": f.name, "status": f.status, "status_label": FILE_STATES[f.status], "reason": f.reason}
            for f in self.failed
        ] + [
            {"name": i.name, "status": "refused", "status_label": FILE_STATES["refused"], "reason": i.message}
            for i in self.issues
            if i.code != "skipped"
        ]
        return {
            "bundle": self.name,
            "recommender": self.recommender,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "seconds": round(self.seconds, 2),
            "counts": self.counts(),
            "units": [u.to_dict() for u in self.units],
            "failed": failed,
            "files": [f.to_dict() for f in self.files],
            "skipped": [i.to_dict() for i in self.issues if i.code == "skipped"],
        }


# --- running -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A progress event. The first has ``file=None``, lists every file to read as queued in ``files`` and
    the refused or skipped entries in ``issues``; each later one carries the file just finished."""

    done: int
    total: int
    file: FileOutcome | None = None
    files: tuple[FileOutcome, ...] = ()
    issues: tuple[BundleIssue, ...] = ()  # on the first event: the entries that will not be read, and why


ProgressCallback = Callable[[Progress], None]


def screen_bundle(
    data: bytes | Path,
    *,
    name: str | None = None,
    recommender: str | None = None,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    limits: BundleLimits = DEFAULT_BUNDLE_LIMITS,
    document_limits: Limits = DEFAULT_LIMITS,
    today: date | None = None,
) -> BundleReport:
    """Screen a bundle (its bytes or its path), each file read within ``document_limits``. Raises only when
    the bundle itself is unusable (not a zip: ``UnsupportedFile``; over the bundle limits: ``UnsafeBundle``);
    every problem of a file is reported."""
    started = time.monotonic()
    if name is None:
        name = data.name if isinstance(data, Path) else "bundle.zip"
    with Bundle(data, name=name, limits=limits) as bundle:
        outcomes = [FileOutcome(e.index, e.name, e.folder, e.size) for e in bundle.entries]
        if progress:
            progress(Progress(0, len(outcomes), None, tuple(outcomes), tuple(bundle.issues)))
        done = 0
        for outcome in parse_all(bundle, workers, document_limits):
            outcomes[outcome.index] = outcome
            done += 1
            if progress:
                progress(Progress(done, len(outcomes), outcome))
        issues = list(bundle.issues)
    return assemble_report(
        name, recommender, outcomes, issues, today=today, seconds=time.monotonic() - started
    )


def assemble_report(
    name: str,
    recommender: str | None,
    outcomes: list[FileOutcome],
    issues: list[BundleIssue],
    *,
    today: date | None = None,
    seconds: float = 0.0,
) -> BundleReport:
    """The report of a bundle from each file's outcome (in the bundle's order) and the entries that were
    not read: units grouped, compared and checked. ``screen_bundle`` ends here, and so does a bundle job
    whose files were read one task each (``service.queue``)."""
    units = _build_units(outcomes, today)
    return BundleReport(name, recommender, units, outcomes, issues, seconds=seconds)


def _build_units(outcomes: list[FileOutcome], today: date | None) -> list[Unit]:
    parsed = [o for o in outcomes if o.status == "parsed" and o.form == ANNEX1.id]
    units = []
    for seq, files in enumerate(group_applications(parsed), 1):
        primary = files[0]
        report = run_checks(
            primary.record or {}, ANNEX1, kinds=("V", "E"), today=today, load_problems=primary.problems
        )
        differences: list[dict[str, Any]] = []
        for other in files[1:]:
            differences += compare_records(ANNEX1, primary.record or {}, other.record or {}, primary, other)
        for f in files:
            f.unit, f.role = seq, ("primary" if f is primary else "compared")
        units.append(Unit(seq, files, report, differences))
    by_key: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        uscc = _uscc_key(unit.record)
        key = "uscc:" + uscc if uscc else _name_key(unit.record)
        if key:
            by_key[key].append(unit)
    for same in by_key.values():
        for unit in same:
            unit.duplicates = [u.seq for u in same if u is not unit]
    return units
