"""How the hostile tests drive the CLI: a child process that reports its peak RSS; and what they leave
behind. (The API is called through ``tests.service.api_calls``.)"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from extractor.settings import DEFAULT_LIMITS
from tests.hostile.probe import PEAK_FILE

ROOT = Path(__file__).resolve().parents[2]
#: A process that never grows past 500 MB.
MAX_RSS_MB = 500.0
#: The most work one file may cause, counted in the readers' deadline checks (one per PDF page read, one per
#: 512 objects drawn on a page, one per 1,024 worksheet cells; ``extractor.settings.clock``): every page of
#: the page limit, plus one page's whole object budget, plus the deadline's start.
MAX_DEADLINE_CHECKS = DEFAULT_LIMITS.max_pages + DEFAULT_LIMITS.max_page_objects // 512 + 2


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float  # the child's peak resident set size


def run_measured(
    args: list[str], workdir: Path, *, env: dict[str, str] | None = None, timeout: float = 600
) -> Run:
    """Run ``python -m <args>`` from the repository root through ``tests.hostile.probe`` (which reports the
    process's peak RSS), output to files in ``workdir`` (no pipe to fill); killed, and the test failed,
    after ``timeout`` s: a guard against a hang, far beyond any busy machine, not a bound on the work."""
    out_path, err_path, peak_path = workdir / "stdout.txt", workdir / "stderr.txt", workdir / "peak.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.hostile.probe", *args],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env={**os.environ, **(env or {}), PEAK_FILE: str(peak_path)},
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{' '.join(args)} still running after {timeout} s: killed") from None
    return Run(
        returncode=proc.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        peak_mb=int(peak_path.read_text()) / 1024,
    )


def leftovers(directory: Path) -> list[str]:
    """What is left in a private temporary directory (the project's temporary files must all be gone)."""
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []
