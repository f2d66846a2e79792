"""The parts of docs/spec/ written from forms/: each form's option lists and the index of the checks.

The field tables (keys, labels, types, units, required) are the contract the project is held to, kept by
hand and compared with forms/ by the conformance tests (tests/forms/test_definitions.py); what is generated
here adds reference beside them without replacing them: the exact option strings a multi-choice list takes,
and each check's Chinese name, article, severity and forms as the code has them. Each generated part stands
between ``<!-- 以下由 forms/ 生成 -->`` and ``<!-- 以上由 forms/ 生成 -->`` at the end of its file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from forms import ANNEX1, ANNEX2, FieldType, FormDef
from forms.checks.rules import RULES

SPEC_DIR = Path(__file__).resolve().parent
COMMAND = "make spec-docs (python -m docs.spec)"
BEGIN = "<!-- 以下由 forms/ 生成，请勿手改：make spec-docs -->"
END = "<!-- 以上由 forms/ 生成 -->"

_SEVERITIES = {"error": "error（数据有误或不全）", "fail": "fail（不符合条件）", "warn": "warn（需人工查看）"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def option_lists(form: FormDef) -> str:
    """Every field and table column that takes options, with its options in order."""
    lines = [
        f"## 取值选项（`{form.id}`）",
        "",
        "单选（choice）取其中一项，多选（multi）为这些字符串的列表；"
        "选“其他”时文字写在同节的 `*_other` 字段。",
        "",
        "| 字段 | 标签 | 类型 | 选项 |",
        "|---|---|---|---|",
    ]
    for path, f in form.iter_fields():
        targets = [(path, f)] + [(f"{path}[].{c.key}", c) for c in f.columns]
        for where, field in targets:
            if field.options and field.type in (FieldType.CHOICE, FieldType.MULTI):
                options = "、".join(field.options)
                lines.append(f"| `{where}` | {_cell(field.label)} | {field.type} | {_cell(options)} |")
    return "\n".join(lines)


def rule_index() -> str:
    """Every check the code runs: id, Chinese name, article, severity, forms."""
    lines = [
        "## 核查规则一览（程序中的规则）",
        "",
        "| 规则 | 名称 | 条款 | 级别 | 适用 |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        severity = _SEVERITIES.get(str(rule.severity), str(rule.severity))
        forms = "、".join(rule.forms)
        lines.append(f"| {rule.id} | {_cell(rule.title)} | {rule.article} | {severity} | {forms} |")
    return "\n".join(lines)


#: The generated part of each file of docs/spec/.
PARTS: dict[str, Callable[[], str]] = {
    "annex1.md": lambda: option_lists(ANNEX1),
    "annex2.md": lambda: option_lists(ANNEX2),
    "rules.md": rule_index,
}


def with_part(text: str, part: str) -> str:
    """``text`` with its generated part replaced by ``part`` (appended when the file has none yet)."""
    head, found, rest = text.partition(BEGIN)
    if found and rest.partition(END)[2].strip():
        raise ValueError("docs/spec：生成部分之后还有手写文字，重写会丢失它；请把它移到生成部分之前")
    return f"{head.rstrip()}\n\n{BEGIN}\n\n{part}\n\n{END}\n"


def expected(directory: Path, name: str) -> str:
    """What ``directory/name`` should hold: its hand-kept text and the generated part from forms/."""
    return with_part((directory / name).read_text(encoding="utf-8"), PARTS[name]())


def write_generated(directory: Path = SPEC_DIR) -> list[str]:
    """Rewrite the generated parts; returns the names of the files that changed."""
    changed = []
    for name in PARTS:
        path = directory / name
        text = expected(directory, name)
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(name)
    return changed
