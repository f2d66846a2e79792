"""Records: JSON ⇄ typed Python values, through the schemas generated in ``forms.schema``.

A *typed record* is ``{section: {field: value}}`` and always holds every section and field of its form
(missing → ``None``, lists → ``[]``, metrics → ``{"previous": None, "current": None}``), so that templates
and checks never test for absent keys. Loading never raises on a bad value: the value becomes ``None`` and
a ``Problem`` says where, what was expected and what was found. Only input that is not a record at all
(not an object, unknown form) or not shaped like one (a section that is not an object, a table that is not
a list of rows …: a whole part would be lost) raises ``RecordError``, naming the part, the shape expected
and an example.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from forms import FORMS, get_form
from forms.errors import RecordError
from forms.model import Field, FieldType, FormDef
from forms.problems import Problem, Severity
from forms.schema import record_schema
from forms.vocabulary import YEAR_MAX, YEAR_MIN, is_empty

#: How a type is named to a person in a "wrong type" message.
TYPE_NAMES: dict[FieldType, str] = {
    FieldType.TEXT: "文本",
    FieldType.PROSE: "文本",
    FieldType.INT: "非负整数",
    FieldType.WAN: "非负金额（万元，数字）",
    FieldType.PCT: "0–100 之间的百分数",
    FieldType.M2: "非负面积（平方米，数字）",
    FieldType.DATE: "日期（YYYY-MM-DD）",
    FieldType.YEAR: f"年份（{YEAR_MIN}–{YEAR_MAX}）",
    FieldType.BOOL: "是/否（true/false）",
    FieldType.CHOICE: "单选项之一",
    FieldType.MULTI: "选项列表",
    FieldType.TABLE: "表格行（对象）列表",
    FieldType.METRIC: "{previous, current} 对象",
}

Record = dict[str, dict[str, Any]]


@dataclass
class LoadedRecord:
    """A typed record with the problems found while loading it."""

    form: FormDef
    record: Record
    problems: list[Problem] = field(default_factory=list)


def resolve_form(form: FormDef | str) -> FormDef:
    return form if isinstance(form, FormDef) else get_form(form)


def empty_value(f: Field) -> Any:
    if f.type in (FieldType.MULTI, FieldType.TABLE):
        return []
    if f.type is FieldType.METRIC:
        return {"previous": None, "current": None}
    return None


def empty_record(form: FormDef | str) -> Record:
    """A typed record with every field empty (what a blank template is filled from)."""
    fd = resolve_form(form)
    record: Record = {}
    for section in fd.sections:
        values: dict[str, Any] = {}
        for f in section.fields:
            values[f.key] = empty_value(f)
            if f.other_key:
                values[f.other_key] = None
        record[section.key] = values
    return record


def load_record(data: Any, form: FormDef | str | None = None, *, source: str | None = None) -> LoadedRecord:
    """Load a JSON-decoded record into a typed record; bad values become ``None`` plus a problem.

    ``form`` overrides (and must agree with) the record's own ``"form"``; ``source`` names the file in errors.
    """
    if not isinstance(data, Mapping):
        raise RecordError(f"记录应为 JSON 对象，实际为 {type(data).__name__}", source=source)
    fd = _form_of(data, form, source)
    wrong = shape_errors(fd, data)
    if wrong:
        more = f"（另有 {len(wrong) - 1} 处结构错误）" if len(wrong) > 1 else ""
        raise RecordError(f"{wrong[0]}{more}", source=source)
    cleaned = _clean(data)
    problems = _unknown_keys(fd, cleaned)
    try:
        loaded = record_schema(fd)().load(cleaned)
    except ValidationError as err:
        loaded = err.valid_data if isinstance(err.valid_data, dict) else {}
        problems += _problems_from(fd, err.messages, cleaned)
    record = empty_record(fd)
    for section in fd.sections:
        values = loaded.get(section.key) or {}
        for f in section.fields:
            record[section.key][f.key] = _finish(f, values.get(f.key))
            if f.other_key:
                record[section.key][f.other_key] = values.get(f.other_key)
    return LoadedRecord(fd, record, problems)


def dump_record(record: Mapping[str, Any], form: FormDef | str) -> dict[str, Any]:
    """A typed record as the JSON of the spec's "Record conventions" (form and schema_version first)."""
    fd = resolve_form(form)
    full = empty_record(fd)
    for key, values in record.items():
        if key in full and isinstance(values, Mapping):
            full[key].update({k: v for k, v in values.items() if k in full[key]})
    dumped: dict[str, Any] = record_schema(fd)().dump(
        {**full, "form": fd.id, "schema_version": fd.schema_version}
    )
    return {"form": fd.id, "schema_version": fd.schema_version, **{s.key: dumped[s.key] for s in fd.sections}}


# --- shapes --------------------------------------------------------------------------------------------

#: An example value of each type, for the messages that show the shape a record must have.
_EXAMPLES: dict[FieldType, Any] = {
    FieldType.TEXT: "……",
    FieldType.PROSE: "……",
    FieldType.INT: 10,
    FieldType.WAN: 100.0,
    FieldType.PCT: 50.0,
    FieldType.M2: 200.0,
    FieldType.DATE: "2025-01-31",
    FieldType.YEAR: 2025,
    FieldType.BOOL: True,
}


def example_value(f: Field) -> Any:
    """A value of the right shape for ``f`` (a table: one row of its columns), for messages."""
    if f.type is FieldType.TABLE:
        return [{c.key: example_value(c) for c in f.columns}]
    if f.type is FieldType.METRIC:
        item = _EXAMPLES[f.item_type or FieldType.INT]
        return {"previous": item, "current": item}
    if f.type is FieldType.CHOICE:
        return f.options[0] if f.options else "……"
    if f.type is FieldType.MULTI:
        return list(f.options[:1])
    return _EXAMPLES[f.type]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


_KINDS = {dict: "对象", list: "数组", str: "字符串", bool: "布尔值", int: "数字", float: "数字"}


def _kind(value: Any) -> str:
    return next((name for t, name in _KINDS.items() if isinstance(value, t)), type(value).__name__)


def shape_errors(fd: FormDef, data: Mapping[str, Any]) -> list[str]:
    """What in ``data`` is not shaped like a record of ``fd``: a section that is not an object, a table
    that is not a list of row objects, a metric that is not ``{previous, current}``. Each message names
    the part (key and printed title), the shape expected and an example; values are not judged here."""
    out: list[str] = []
    for section in fd.sections:
        values = data.get(section.key)
        if values is None:
            continue
        name = f"“{section.key}”（{section.title}）"
        if not isinstance(values, Mapping):
            first = section.fields[0]
            example = _json({section.key: {first.key: example_value(first)}})
            out.append(
                f"第 {fd.sections.index(section) + 1} 部分{name}应为对象（栏目键: 值），"
                f"实际为{_kind(values)}；例如 {example}"
            )
            continue
        for f in section.fields:
            value = values.get(f.key)
            where = f"{name}的“{f.key}”（{f.label}）"
            example = _json({f.key: example_value(f)})
            if f.type is FieldType.TABLE and value is not None:
                if not isinstance(value, list):
                    out.append(f"{where}应为表格行（对象）的数组，实际为{_kind(value)}；例如 {example}")
                elif bad := [row for row in value if row is not None and not isinstance(row, Mapping)]:
                    kind = _kind(bad[0])
                    out.append(f"{where}的每一行应为对象（列键: 值），其中有{kind}；例如 {example}")
            elif f.type is FieldType.METRIC and value is not None and not isinstance(value, Mapping):
                out.append(f"{where}应为 {{previous, current}} 对象，实际为{_kind(value)}；例如 {example}")
    return out


# --- helpers -------------------------------------------------------------------------------------------


def _form_of(data: Mapping[str, Any], form: FormDef | str | None, source: str | None) -> FormDef:
    named = data.get("form")
    if form is None:
        if named is None:
            raise RecordError('记录缺少 "form"（应为 annex1 或 annex2）', source=source)
        if not isinstance(named, str) or named not in FORMS:
            raise RecordError(f'"form" 应为 annex1 或 annex2，实际为 {named!r}', source=source)
        return FORMS[named]
    fd = resolve_form(form)
    if named is not None and named != fd.id:
        raise RecordError(f"记录的 form 为 {named!r}，与要求的 {fd.id!r} 不一致", source=source)
    return fd


def _clean(value: Any) -> Any:
    """Strip strings and turn empty strings into ``None`` (the spec: an empty cell is null, never "")."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _finish(f: Field, value: Any) -> Any:
    """Complete a loaded value: lists in the definition's order, table rows with every column."""
    if value is None:
        return empty_value(f)
    if f.type is FieldType.MULTI:
        chosen = set(value)
        return [o for o in f.options if o in chosen]
    if f.type is FieldType.TABLE:
        rows = [{c.key: row.get(c.key) for c in f.columns} for row in value if isinstance(row, Mapping)]
        return [row for row in rows if not is_empty(row)]  # a row that only says 无 is no row
    if f.type is FieldType.METRIC:
        return {"previous": value.get("previous"), "current": value.get("current")}
    return value


def _unknown_keys(fd: FormDef, data: Mapping[str, Any]) -> list[Problem]:
    """Keys the definition does not know: ignored, but said (a typo must not vanish silently)."""
    known_sections = {s.key: s for s in fd.sections}
    problems = []
    for key, values in data.items():
        if key in ("form", "schema_version"):
            continue
        section = known_sections.get(key)
        if section is None:
            problems.append(Problem("unknown_field", Severity.WARN, key, params={"path": key}))
            continue
        if not isinstance(values, Mapping):
            continue
        known = {f.key for f in section.fields} | {f.other_key for f in section.fields if f.other_key}
        for name in values:
            if name not in known:
                path = f"{key}.{name}"
                problems.append(Problem("unknown_field", Severity.WARN, path, params={"path": path}))
    return problems


def _problems_from(fd: FormDef, messages: Any, data: Any, path: tuple[str, ...] = ()) -> list[Problem]:
    """Turn marshmallow's nested error messages (codes, see forms.schema) into placed problems."""
    if isinstance(messages, list):
        raw = _at(data, path)
        return [_problem(fd, path, str(code), raw) for code in messages]
    problems = []
    for key, sub in messages.items():
        step = path if key == "_schema" else (*path, str(key))
        problems += _problems_from(fd, sub, data, step)
    return problems


def _problem(fd: FormDef, path: tuple[str, ...], code: str, raw: Any) -> Problem:
    dotted = ".".join(path)
    definition = _definition(fd, path)
    if code not in ("wrong_type", "unknown_option", "out_of_range"):
        code = "wrong_type"  # marshmallow's own wording for e.g. a section that is not an object
    params: dict[str, Any] = {"label": definition.label if definition else dotted}
    if definition is not None:
        params["expected"] = TYPE_NAMES[definition.item_type or definition.type]
        params["options"] = "、".join(definition.options)
    return Problem(code, Severity.ERROR, dotted, None if raw is None else str(raw), params)


def _definition(fd: FormDef, path: tuple[str, ...]) -> Field | None:
    """The field a path points into (list indices and metric halves skipped)."""
    names = [p for p in path if not p.isdigit() and p not in ("previous", "current")]
    try:
        return fd.field(".".join(names[:3])) if len(names) >= 2 else None
    except KeyError:
        return None


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if isinstance(data, Mapping):
            data = data.get(step)
        elif isinstance(data, list) and step.isdigit() and int(step) < len(data):
            data = data[int(step)]
        else:
            return None
    return data
