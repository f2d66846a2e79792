"""The resolution stage: the candidates found for each field → one typed value, or a problem.

Each candidate is normalised (``forms.normalize``); the same value found twice is fine, two different
values are a ``conflict`` problem and the field stays null — never a silent pick. A required field whose
label is nowhere is ``not_found``; one whose label was seen with no value is ``required``. Every value
kept says where it was read (its provenance).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractor.mapper.candidates import Candidate, Candidates, Where, text_of
from forms.model import Field, FieldType, FormDef
from forms.normalize import normalize
from forms.problems import Problem, Severity
from forms.records import Record, empty_record


@dataclass
class Mapped:
    """What the mapper made of a document: the typed record, its problems, and where each value was read."""

    form: FormDef
    record: Record
    problems: list[Problem]
    provenance: dict[str, dict[str, Any]]


def resolve(found: Candidates) -> Mapped:
    """The typed record of ``found.form``, the problems (the candidates' and the resolution's, each once)
    and the provenance of each value."""
    return _Resolution(found).result()


class _Resolution:
    def __init__(self, found: Candidates) -> None:
        self.form = found.form
        self.values = found.values
        self.rows = found.rows
        self.table_where = found.table_where
        self.seen = found.seen
        self.unseen = found.unseen
        self.problems = list(found.problems)

    # --- the record ------------------------------------------------------------------------------------

    def result(self) -> Mapped:
        record = empty_record(self.form)
        provenance: dict[str, dict[str, Any]] = {}
        for section in self.form.sections:
            for f in section.fields:
                path = f"{section.key}.{f.key}"
                if f.type is FieldType.TABLE:
                    record[section.key][f.key] = self._table_value(path, f, provenance)
                elif f.type is FieldType.METRIC:
                    item = Field(f.key, f.label, f.item_type or FieldType.INT, unit=f.unit)
                    pair = {}
                    for half in ("previous", "current"):
                        pair[half] = self._scalar(f"{path}.{half}", item, provenance)[0]
                    record[section.key][f.key] = pair
                else:
                    value, other = self._scalar(path, f, provenance)
                    if value is not None:
                        record[section.key][f.key] = value
                    if f.other_key:
                        record[section.key][f.other_key] = other
                if f.required:
                    self._required(path, f, record[section.key][f.key])
        return Mapped(self.form, record, _unique(self.problems), provenance)

    def _required(self, path: str, f: Field, value: Any) -> None:
        """A required field whose label is nowhere (``not_found``) or whose value is blank (``required``)."""
        if path not in self.seen:
            self.problems.append(Problem("not_found", Severity.ERROR, path, params={"label": f.label}))
            return
        if f.type is FieldType.METRIC:
            blank = all(v is None for v in value.values())
        else:
            blank = value is None or value == []
        if blank and not any(p.field and p.field.startswith(path) for p in self.problems):
            self.problems.append(Problem("required", Severity.WARN, path, params={"label": f.label}))

    def _scalar(self, path: str, f: Field, provenance: dict[str, dict[str, Any]]) -> tuple[Any, str | None]:
        cands = self.values.get(path, [])
        if not cands:
            return None, None
        readings: list[tuple[Candidate, Any, str | None, Problem | None]] = []
        for cand in cands:
            self._invisible(path, f.label, cand)
            if isinstance(cand.raw, str) and "(cid:" in cand.raw:
                unreadable = Problem("undecodable_value", Severity.ERROR, path, cand.raw, {"label": f.label})
                readings.append((cand, None, None, unreadable))
                continue
            value, other, found = _normalize(f, cand)
            placed = found.at(path, label=f.label) if found is not None and not _moot(f, found) else None
            readings.append((cand, value, other, placed))
        good = [r for r in readings if r[1] is not None]
        distinct: list[tuple[Any, str | None]] = []
        for _, value, other, _ in good:
            key = (_comparable(value), other)
            if key not in [(_comparable(v), o) for v, o in distinct]:
                distinct.append((value, other))
        if len(distinct) > 1:
            raws = " | ".join(text_of(r[0].raw) for r in good)
            places = "；".join(_describe(r[0].where) for r in good)
            self.problems.append(
                Problem("conflict", Severity.ERROR, path, raws, {"label": f.label, "places": places})
            )
            return None, None
        for _cand, value, _, reported in readings:
            if reported is None:
                continue
            if good and value is None and reported.severity is Severity.ERROR:
                # another reading of the field is good: this one's failure is a warning, not a null
                reported = Problem(
                    reported.code, Severity.WARN, reported.field, reported.raw, reported.params
                )
            self.problems.append(reported)
        if not good:
            provenance[path] = readings[0][0].where.to_dict()
            return None, None
        provenance[path] = good[0][0].where.to_dict()
        return distinct[0]

    def _invisible(self, path: str, label: str, cand: Candidate) -> None:
        """Text no reader sees where a value was read: left out of the value, reported on its field."""
        unseen = self.unseen.get(cand.where)
        if unseen:
            self.problems.append(Problem("invisible_text", Severity.WARN, path, unseen, {"label": label}))

    def _table_value(
        self, path: str, f: Field, provenance: dict[str, dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rows = self.rows.get(path, [])
        if path in self.table_where:
            provenance[path] = self.table_where[path].to_dict()
        out: list[dict[str, Any]] = []
        for values in rows:
            n = len(out)
            row: dict[str, Any] = {}
            for col in f.columns:
                cand = values.get(col.key)
                row[col.key] = None
                if cand is None:
                    continue
                cell_path = f"{path}.{n}.{col.key}"
                provenance[cell_path] = cand.where.to_dict()
                self._invisible(cell_path, col.label, cand)
                if isinstance(cand.raw, str) and "(cid:" in cand.raw:
                    self.problems.append(
                        Problem(
                            "undecodable_value", Severity.ERROR, cell_path, cand.raw, {"label": col.label}
                        )
                    )
                    continue
                value, _, problem = _normalize(col, cand)
                if problem is not None and not _moot(col, problem):
                    self.problems.append(problem.at(cell_path, label=col.label))
                row[col.key] = value
            out.append(row)
        return out


def _normalize(f: Field, cand: Candidate) -> tuple[Any, str | None, Problem | None]:
    """The typed value, the ``其他`` text (choice/multi) and the problem of one candidate."""
    raw = cand.raw
    if f.type in (FieldType.TEXT, FieldType.PROSE, FieldType.CHOICE, FieldType.MULTI):
        raw = text_of(raw)
    result = normalize(f, raw, percent_format=cand.percent)
    return result.value, result.other, result.problem


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a label looked up twice is reported once)."""
    seen: set[tuple[str, str | None, str | None]] = set()
    out = []
    for problem in problems:
        key = (problem.code, problem.field, problem.raw)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def _moot(f: Field, problem: Problem) -> bool:
    """A normaliser's warning that does not apply here: ``其他`` chosen without text in a field that has no
    place for the text (a table's choice column) is simply the option ``其他``."""
    return problem.code == "other_text_missing" and f.other_key is None


def _comparable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _describe(where: Where) -> str:
    if where.table is None:
        return f"第{where.page}页段落" if where.page else f"第{(where.paragraph or 0) + 1}段"
    place = f"表{where.table + 1}第{(where.row or 0) + 1}行第{(where.col or 0) + 1}列"
    if where.sheet:
        return f"工作表“{where.sheet}”{place}"
    return f"第{where.page}页{place}" if where.page else place
