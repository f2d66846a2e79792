"""What soffice processes leave: whether one is alive, which are left in a process group (Linux ``/proc``),
and the sockets a killed soffice leaves in /tmp."""

from __future__ import annotations

import hashlib
import os
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


def ipc_pipe_paths(profile: Path) -> list[Path]:
    """Where soffice with user profile ``profile`` puts its single-instance socket.

    LibreOffice names it ``OSL_PIPE_<uid>_SingleOfficeIPC_<md5>`` in ``/tmp`` (``/var/tmp`` when /tmp is not
    writable; ``TMPDIR`` is ignored), the MD5 taken of the profile's URL in UTF-16LE and written byte by byte
    in hex without zero padding (desktop/source/app/officeipcthread.cxx). soffice removes it when it exits;
    a killed soffice leaves it behind.
    """
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    return pipe_paths(f"SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}")


def pipe_paths(name: str) -> list[Path]:
    """Where soffice makes the socket of its pipe ``name`` (also the UNO ``--accept=pipe,name=…`` one)."""
    socket = f"OSL_PIPE_{os.getuid()}_{name}"
    return [Path("/tmp", socket), Path("/var/tmp", socket)]


def remove_pipes(profile: Path, *names: str) -> None:
    """Remove the sockets a killed soffice with ``profile`` left (its single-instance one and the pipes
    ``names``): each name is its caller's alone."""
    for path in [*ipc_pipe_paths(profile), *(p for name in names for p in pipe_paths(name))]:
        try:
            path.unlink()
        except OSError:  # not there (soffice had not yet made it, or removed it), or not ours
            pass
