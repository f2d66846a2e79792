"""``python -m tests.hostile.probe MODULE ARGS…``: run MODULE as ``python -m`` would, then write this
process's peak resident set size (``VmHWM``, kB) to the file named by ``$ITBFORMS_PEAK_FILE``.

Measured from inside because the kernel's own figure for a child (``ru_maxrss`` of ``wait4``) keeps the
high-water mark of the parent it was forked from: a test process of 200 MB would make every child "200 MB".
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys
from pathlib import Path

PEAK_FILE = "ITBFORMS_PEAK_FILE"


def peak_kb() -> int:
    """This process's peak resident set size in kB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def _write_peak() -> None:
    Path(os.environ[PEAK_FILE]).write_text(str(peak_kb()))


if __name__ == "__main__":
    atexit.register(_write_peak)
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
