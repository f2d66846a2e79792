"""docs/spec/: the parts written from forms/ match forms/ (else: run the command the failure names), and
writing them keeps the hand-kept contract above them."""

from __future__ import annotations

import pytest

from docs.spec.generate import BEGIN, COMMAND, END, PARTS, SPEC_DIR, expected, with_part, write_generated
from forms import ANNEX1
from forms.checks.rules import RULES


@pytest.mark.parametrize("name", sorted(PARTS))
def test_the_generated_parts_match_forms(name):
    text = (SPEC_DIR / name).read_text(encoding="utf-8")
    assert text == expected(SPEC_DIR, name), f"docs/spec/{name} no longer matches forms/: run {COMMAND}"


def test_the_options_and_the_rules_come_from_the_code():
    annex1 = expected(SPEC_DIR, "annex1.md").split(BEGIN, 1)[1]
    nature = ANNEX1.field("applicant.nature")
    assert f"| `applicant.nature` | {nature.label} | choice | {'、'.join(nature.options)} |" in annex1
    assert "| `performance.projects[].level` | 级别 | choice | 国家级、省部级 |" in annex1
    rules = expected(SPEC_DIR, "rules.md").split(BEGIN, 1)[1]
    for rule in RULES.values():
        assert f"| {rule.id} | {rule.title} | {rule.article} |" in rules


def test_writing_replaces_only_the_generated_part(tmp_path):
    for name in PARTS:
        (tmp_path / name).write_text("# 手写的部分\n\n| key | label |\n", encoding="utf-8")
    assert sorted(write_generated(tmp_path)) == sorted(PARTS)
    first = (tmp_path / "rules.md").read_text(encoding="utf-8")
    assert first.startswith("# 手写的部分\n\n| key | label |\n\n" + BEGIN) and first.endswith(END + "\n")
    assert write_generated(tmp_path) == []  # a second run changes nothing
    stale = first.replace("| E-LEGAL |", "| E-OLD |")
    (tmp_path / "rules.md").write_text(stale, encoding="utf-8")
    assert write_generated(tmp_path) == ["rules.md"]
    assert (tmp_path / "rules.md").read_text(encoding="utf-8") == first


def test_text_after_the_generated_part_is_not_lost():
    with pytest.raises(ValueError, match="会丢失"):
        with_part(f"# 手写\n\n{BEGIN}\n旧\n{END}\n\n手写的结尾\n", "新")
