"""The house's import direction, read from the source: ``service → extractor, templates → office, forms``;
``forms`` imports none of the others; ``extractor`` reads one file (no templates, no checks, no process
pools); nothing below ``service`` — nor the application layer and the CLI inside it — imports Flask."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Package → module prefixes none of its modules may import, and why.
FORBIDDEN: dict[str, dict[str, str]] = {
    "forms": {
        p: "forms/ imports none of the others" for p in ("extractor", "templates", "office", "service")
    },
    "office": {p: "office/ is below templates/" for p in ("extractor", "templates", "service")},
    "templates": {p: "templates/ does not parse, and is below service/" for p in ("extractor", "service")},
    "extractor": {
        "templates": "parsing must not need the renderer",
        "forms.checks": "the checks are the application's (service.workflows, service.bundles)",
        "multiprocessing": "pools are the application's (service.bundles.pool)",
        "concurrent.futures": "pools are the application's (service.bundles.pool)",
        "service": "extractor/ is below service/",
    },
    "service/workflows": {"flask": "the application layer takes values, not requests"},
    "service/bundles": {"flask": "screening is a plain function the CLI calls too"},
    "service/cli": {"flask": "the command line needs no web framework"},
}
for below in ("forms", "office", "templates", "extractor"):
    FORBIDDEN[below] = {
        **FORBIDDEN[below],
        "flask": "only service/ knows HTTP",
        "werkzeug": "only service/ knows HTTP",
    }


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth (function-level imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violates(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, package
    found = [
        f"{path.relative_to(ROOT)} imports {module} ({why})"
        for path in files
        for module in sorted(imported_modules(path))
        for prefix, why in FORBIDDEN[package].items()
        if violates(module, prefix)
    ]
    assert found == []


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from forms.checks import run_checks\n    import multiprocessing\n")
    assert imported_modules(source) >= {"forms.checks", "forms.checks.run_checks", "multiprocessing"}
