"""``python -m bench.cli``: the start of the command line (issue 17.7) — ``itbforms parse x.docx`` as a
process against a python-docx script reading the same file as a process (every paragraph and table cell).

Both sides start a fresh interpreter, so the figure is what a person at a shell waits for: imports
included, bytecode cached as in an installed program. The two are run alternately (one warm-up each, then
``--repeat`` runs); the medians of each child's CPU time (user + system, from ``wait4``) are compared, wall
times beside them. Target ≤ 1.3×.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bench.__main__ import ROOT, machine
from bench.readme import write_section

SECTION = "bench-cli"
TARGET = 1.3
#: The children compile each module once and reuse the bytecode, as an installed program does (a shell
#: with PYTHONDONTWRITEBYTECODE would have our modules compiled from source at every start instead, while
#: python-docx's bytecode came with its wheel).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

#: The baseline: python-docx reading the same file, the least a script that reads a .docx does.
PYTHON_DOCX = """
import sys, docx
document = docx.Document(sys.argv[1])
n = sum(len(p.text) for p in document.paragraphs)
for table in document.tables:
    for row in table.rows:
        for cell in row.cells:
            n += len(cell.text)
print(n)
"""


def run(argv: Sequence[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process; it must exit 0."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=CHILD_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:4]} exited {proc.returncode}: {proc.stderr.read().decode()[:500]}")  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    return wall, usage.ru_utime + usage.ru_stime


def measure(ours: Sequence[str], baseline: Sequence[str], repeat: int) -> dict[str, float]:
    run(ours), run(baseline)
    samples: dict[str, list[float]] = {"ours_wall": [], "ours_cpu": [], "base_wall": [], "base_cpu": []}
    for _ in range(repeat):
        for side, argv in (("ours", ours), ("base", baseline)):
            wall, cpu = run(argv)
            samples[f"{side}_wall"].append(wall)
            samples[f"{side}_cpu"].append(cpu)
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cli", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each side (default 15)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from forms.records import load_record
    from templates.render import fill

    loaded = load_record(json.loads((ROOT / "examples" / "annex1.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "申报书.docx"
        path.write_bytes(fill(loaded.form, loaded.record, "docx"))
        ours = [sys.executable, "-m", "service.cli", "parse", str(path), "-o", str(Path(tmp) / "r.json")]
        m = measure(ours, [sys.executable, "-c", PYTHON_DOCX, str(path)], args.repeat)
    ratio, wall_ratio = m["ours_cpu"] / m["base_cpu"], m["ours_wall"] / m["base_wall"]
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load = os.getloadavg()[0]
    text = (
        "## Command line start (issue 17.7)\n\n"
        f"Measured {stamp} on {machine()}: `python -m bench.cli` — medians of {args.repeat} alternating runs "
        f"of each process, CPU time (user + system of the child) and wall time; load average {load:.1f}.\n\n"
        "| process | CPU (ms) | wall (ms) |\n|---|---:|---:|\n"
        f"| `itbforms parse 申报书.docx -o r.json` (read, map, write the JSON) | {m['ours_cpu'] * 1000:.0f} "
        f"| {m['ours_wall'] * 1000:.0f} |\n"
        f"| `python -c` python-docx reading every paragraph and cell | {m['base_cpu'] * 1000:.0f} "
        f"| {m['base_wall'] * 1000:.0f} |\n"
        f"| **ratio** | **{ratio:.2f}×** | {wall_ratio:.2f}× |\n\n"
        f"Target ≤ {TARGET}× (CPU) — {'met' if ratio <= TARGET else 'NOT met'}."
    )
    print(text)
    if not args.no_write:
        print(f"\n(written to {write_section(SECTION, text).relative_to(ROOT)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
