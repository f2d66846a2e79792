"""Looking at processes through Linux ``/proc``: is one alive, which are left in a process group."""

from __future__ import annotations

import time
from pathlib import Path


def _state_and_group(stat: str) -> tuple[str, str]:
    fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp …
    return fields[0], fields[2] if len(fields) > 2 else ""


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed child stays one until it is reaped)."""
    try:
        state, _ = _state_and_group(Path(f"/proc/{pid}/stat").read_text())
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def live_members(pgid: int) -> list[int]:
    """Pids of processes in group ``pgid`` that are not zombies (empty where there is no ``/proc``)."""
    members = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            state, group = _state_and_group((entry / "stat").read_text())
        except (OSError, IndexError):
            continue
        if group == str(pgid) and state not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def wait_group_gone(pgid: int, seconds: float = 5.0) -> None:
    """Wait (at most ``seconds``) until no live process is left in group ``pgid``: killed members die
    asynchronously, and orphans are reaped by init."""
    deadline = time.monotonic() + seconds
    while live_members(pgid) and time.monotonic() < deadline:
        time.sleep(0.02)
