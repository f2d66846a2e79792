"""The definitions in forms/ against the spec they reproduce: the field and rule tables of docs/spec/
(the hand-kept contract, not the parts generated from forms/)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from docs.spec.generate import BEGIN, SPEC_DIR
from forms import ANNEX1, ANNEX2, FORMS, FieldType, get_form
from forms.checks.rules import RULES, V_ARTICLE
from forms.errors import UnknownForm
from forms.options import SERVICE_FIELDS, SERVICE_SCOPES

_SECTION = re.compile(r"^## .*?`(\w+)`")
_COLUMN = re.compile(r"\b([a-z][a-z_]*) ([^\sa-z(,|]+)")
_RULE_ROW = re.compile(r"^\| ([VEA]-[A-Z]+) \| ([^|]*) \|")


def contract(name: str) -> str:
    """The hand-kept text of ``docs/spec/<name>``: everything before the part generated from forms/."""
    return (SPEC_DIR / name).read_text(encoding="utf-8").split(BEGIN, 1)[0]


@dataclass(frozen=True)
class SpecField:
    """One field as a spec table gives it: label; type (``None`` where the table has no type column);
    required: ``True``/``False``, ``"if"`` (required when another field says so) or ``None`` (no R column)."""

    label: str
    type: str | None
    required: bool | str | None
    unit: str | None


def _required(key: str, r_cell: str | None, type_cell: str) -> bool | str | None:
    if r_cell is None:  # no R column: a table field may say ``table R (≥ 1)``
        return True if re.search(r"\bR\b", type_cell) else None
    if r_cell.startswith("R if"):
        return "if"
    if r_cell.startswith("R ("):  # ``R (mobile, email)``: the keys of a multi-key row that are required
        return any(key.endswith(word.strip()) for word in r_cell[3:-1].split(","))
    return r_cell == "R"


def spec_rows(name: str) -> dict[str, SpecField]:
    """``{"section.key": SpecField}`` for every row of the spec's field tables, multi-key rows split."""
    out: dict[str, SpecField] = {}
    section, header = None, []
    for line in contract(name).splitlines():
        if m := _SECTION.match(line):
            section = m.group(1)
            continue
        if section is None or not line.startswith("| ") or "---" in line:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "key":
            header = cells
            continue
        row = dict(zip(header, cells, strict=False))
        keys = [k.strip().strip("`") for k in cells[0].split("/")]
        labels = [label.strip() for label in cells[1].split("/")]
        if len(keys) != len(labels):
            labels = [cells[1]] * len(keys)
        type_cell = row.get("type", "")
        kind = word[0] if (word := re.match(r"\w+", type_cell)) else None
        for key, label in zip(keys, labels, strict=True):
            if re.fullmatch(r"\w+", key):
                required = _required(key, row.get("R") if "R" in header else None, type_cell)
                out[f"{section}.{key}"] = SpecField(label, kind, required, row.get("unit"))
    return out


def spec_fields(name: str) -> dict[str, str]:
    """``{"section.key": label}`` for every row of the spec's field tables."""
    return {path: row.label for path, row in spec_rows(name).items()}


def _spec_field_cases() -> list:
    return [
        pytest.param(form, path, row, id=f"{form.id}-{path}")
        for form, spec in [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")]
        for path, row in spec_rows(spec).items()
    ]


def test_the_spec_tables_are_read_whole():
    assert len(spec_fields("annex1.md")) > 60 and len(spec_fields("annex2.md")) > 50


@pytest.mark.parametrize(("form", "path", "row"), _spec_field_cases())
def test_every_spec_field_is_defined_with_its_label(form, path, row):
    field = form.field(path)
    printed = row.label.split(" — ")[0] if path.startswith("declaration.") else row.label
    assert printed.replace(" ", "") in field.label.replace(" ", ""), (path, row.label, field.label)


@pytest.mark.parametrize(("form", "path", "row"), _spec_field_cases())
def test_every_spec_field_has_its_type_unit_and_required_flag(form, path, row):
    field = form.field(path)
    if row.type is not None:
        assert str(field.type) == row.type, (path, row.type, field.type)
    if row.unit is not None:
        assert field.unit == row.unit, (path, row.unit, field.unit)
    if row.required == "if":
        assert field.required_if and not field.required, path
    elif row.required is not None:
        assert field.required is row.required, (path, row.required, field.required)


@pytest.mark.parametrize(("form", "spec"), [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")])
def test_every_defined_field_is_in_the_spec(form, spec):
    expected = spec_fields(spec)
    for path, _field in form.iter_fields():
        assert path in expected, f"{path} is defined but not in the spec"


def spec_columns(spec: str, key: str) -> list[tuple[str, str]]:
    """``[(column key, label)]`` listed after ``columns:``/``table:`` in the spec row of table ``key``."""
    row = next(line for line in contract(spec).splitlines() if line.startswith(f"| {key} |"))
    listed = re.split(r"columns:|table(?: R \(≥ 1\))?:", row)[-1]
    return _COLUMN.findall(re.sub(r"\([^)]*\)", "", listed))


@pytest.mark.parametrize(("form", "spec"), [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")])
def test_table_columns_follow_the_spec(form, spec):
    tables = [(path, f) for path, f in form.iter_fields() if f.type is FieldType.TABLE]
    assert tables
    for path, field in tables:
        expected = spec_columns(spec, path.split(".")[1])
        assert [(c.key, c.label) for c in field.columns] == expected, path


def spec_rules() -> dict[str, str]:
    """``{rule id: article}`` of every row of rules.md's rule tables (a V- check has no article: ``—``)."""
    rows = (_RULE_ROW.match(line) for line in contract("rules.md").splitlines())
    return {m[1]: V_ARTICLE if m[1].startswith("V-") else m[2].strip() for m in rows if m}


def _rule_cases() -> list:
    ids = dict.fromkeys([*spec_rules(), *RULES])
    return [pytest.param(i, id=i) for i in ids]


def test_the_rule_tables_are_read_whole():
    assert len(spec_rules()) >= 35


@pytest.mark.parametrize("rule_id", _rule_cases())
def test_each_rule_is_in_the_code_and_in_the_spec_with_the_same_article(rule_id):
    spec = spec_rules()
    assert rule_id in RULES, f"{rule_id} is in docs/spec/rules.md but the code has no such check"
    assert rule_id in spec, f"{rule_id} is a check of the code but not in docs/spec/rules.md"
    assert RULES[rule_id].article == spec[rule_id]


def test_options_in_the_regulation_order():
    assert (
        len(SERVICE_FIELDS) == 26
        and SERVICE_FIELDS[0] == "装备"
        and SERVICE_FIELDS[-2:] == ("新型储能", "其他")
    )
    assert SERVICE_SCOPES == (
        "计量检测",
        "标准验证与检测",
        "质量可靠性试验检测",
        "认证认可",
        "产业信息",
        "知识产权",
        "技术成果转化",
        "其他",
    )
    assert ANNEX1.field("platform.service_fields").options == SERVICE_FIELDS
    assert ANNEX2.field("header.service_scopes").options == SERVICE_SCOPES


@pytest.mark.parametrize("form", list(FORMS.values()), ids=list(FORMS))
def test_keys_are_unique_and_snake_case(form):
    seen = set()
    for path, field in form.iter_fields():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", field.key), path
        assert path not in seen
        seen.add(path)
        assert len({c.key for c in field.columns}) == len(field.columns)
        if field.type is FieldType.METRIC:
            assert field.item_type in (FieldType.INT, FieldType.WAN, FieldType.M2)


def test_lookup_by_path_and_unknown_form():
    assert ANNEX1.field("performance.projects.level").options == ("国家级", "省部级")
    assert ANNEX2.field("capacity.equipment_value").unit == "万元"
    assert get_form("annex2") is ANNEX2
    with pytest.raises(UnknownForm, match="annex3"):
        get_form("annex3")
    with pytest.raises(KeyError):
        ANNEX1.field("applicant.nope")


def test_required_follow_the_spec_marks():
    required = set(ANNEX1.required_paths())
    assert {
        "applicant.uscc",
        "applicant.contact_mobile",
        "capability.leaders",
        "performance.cases",
    } <= required
    assert "applicant.registered_capital" not in required and "cover.recommender" in required
    assert ANNEX2.field("changes.change_details").required_if == "changed"
