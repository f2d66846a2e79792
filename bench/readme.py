"""The figures in ``bench/README.md``: each benchmark owns the section between its two markers
(``<!-- NAME:begin -->`` … ``<!-- NAME:end -->``) and rewrites only that."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).with_name("README.md")


def write_section(name: str, text: str) -> Path:
    """Put ``text`` between the markers of section ``name`` (appended with its markers when absent)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    current = README.read_text(encoding="utf-8") if README.exists() else ""
    if begin in current and end in current:
        head, _, rest = current.partition(begin)
        _, _, tail = rest.partition(end)
        updated = f"{head}{begin}\n{text}\n{end}{tail}"
    else:
        updated = f"{current.rstrip()}\n\n{begin}\n{text}\n{end}\n".lstrip()
    README.write_text(updated, encoding="utf-8")
    return README
