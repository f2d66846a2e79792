"""The definitions in forms/ against the spec they reproduce (../shared/spec/annex1.md, annex2.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms import ANNEX1, ANNEX2, FORMS, FieldType, get_form
from forms.errors import UnknownForm
from forms.options import SERVICE_FIELDS, SERVICE_SCOPES

SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec"
needs_spec = pytest.mark.skipif(not SPEC.is_dir(), reason="shared/spec is not beside this checkout")

_SECTION = re.compile(r"^## .*?`(\w+)`")
_COLUMN = re.compile(r"\b([a-z][a-z_]*) ([^\sa-z(,|]+)")


def spec_fields(name: str) -> dict[str, str]:
    """``{"section.key": label}`` for every row of the spec's field tables, multi-key rows split."""
    out: dict[str, str] = {}
    section = None
    for line in (SPEC / name).read_text(encoding="utf-8").splitlines():
        if m := _SECTION.match(line):
            section = m.group(1)
            continue
        if section is None or not line.startswith("| ") or "---" in line:
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "key":
            continue
        keys = [k.strip().strip("`") for k in cells[0].split("/")]
        labels = [label.strip() for label in cells[1].split("/")]
        if len(keys) != len(labels):
            labels = [cells[1]] * len(keys)
        for key, label in zip(keys, labels, strict=True):
            if re.fullmatch(r"\w+", key):
                out[f"{section}.{key}"] = label
    return out


@needs_spec
@pytest.mark.parametrize(("form", "spec"), [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")])
def test_every_spec_field_is_defined_with_its_label(form, spec):
    expected = spec_fields(spec)
    assert len(expected) > 40
    for path, label in expected.items():
        field = form.field(path)
        printed = label.split(" — ")[0] if path.startswith("declaration.") else label
        assert printed.replace(" ", "") in field.label.replace(" ", ""), (path, label, field.label)


@needs_spec
@pytest.mark.parametrize(("form", "spec"), [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")])
def test_every_defined_field_is_in_the_spec(form, spec):
    expected = spec_fields(spec)
    for path, _field in form.iter_fields():
        assert path in expected, f"{path} is defined but not in the spec"


def spec_columns(spec: str, key: str) -> list[tuple[str, str]]:
    """``[(column key, label)]`` listed after ``columns:``/``table:`` in the spec row of table ``key``."""
    text = (SPEC / spec).read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| {key} |"))
    listed = re.split(r"columns:|table(?: R \(≥ 1\))?:", row)[-1]
    return _COLUMN.findall(re.sub(r"\([^)]*\)", "", listed))


@needs_spec
@pytest.mark.parametrize(("form", "spec"), [(ANNEX1, "annex1.md"), (ANNEX2, "annex2.md")])
def test_table_columns_follow_the_spec(form, spec):
    tables = [(path, f) for path, f in form.iter_fields() if f.type is FieldType.TABLE]
    assert tables
    for path, field in tables:
        expected = spec_columns(spec, path.split(".")[1])
        assert [(c.key, c.label) for c in field.columns] == expected, path


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
