"""A warm pool of LibreOffice processes, so a conversion does not pay soffice's start (~1–2 s) each time.

Each slot is one ``office/unobridge.py`` process (run by a Python that has ``uno``) and the soffice it drives
over a UNO pipe, both in a process group and a network namespace of their own (``office.sandbox``), with a
profile of their own. Slots start lazily, on first use, in the OS process that uses them (a web worker, a
bundle worker): the pool of a forked child is a new one. A slot is restarted after ``max_conversions``
conversions, when its soffice has died, and after a timeout (its process group is killed). The slots talk
to us over their stdin/stdout pipes, and a slot whose stdin closes kills itself: when the parent exits or
is killed (even ``kill -9``), no soffice is left behind.
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from office import processes, sandbox

#: How every soffice we start runs (pooled or cold): no window, no first-start dialogue, no restore, no
#: lock check on its throw-away profile.
SOFFICE_OPTIONS = (
    "--headless",
    "--invisible",
    "--nologo",
    "--nodefault",
    "--nofirststartwizard",
    "--nolockcheck",
    "--norestore",
)
#: The bridge program each slot runs.
BRIDGE = Path(__file__).with_name("unobridge.py")
#: Seconds a slot may take to start (soffice's first start with a new profile takes 2–5 s).
START_TIMEOUT = 90.0
#: Where slots keep their profiles: the temporary directory of the process as it started. A slot lives as
#: long as its process, so it is not placed by a later change of ``tempfile.tempdir`` (one call's scratch).
RUN_DIR = tempfile.gettempdir()
#: Seconds a slot may take to quit when asked to (at exit) before it is killed.
STOP_SECONDS = 10.0


class PoolUnavailable(Exception):
    """A slot could not be started (no ``uno`` module for the bridge's Python, soffice failing to start)."""


class SlotTimeout(Exception):
    """A conversion outran its time; the slot's process group has been killed."""

    def __init__(self, pgid: int, profile: str) -> None:
        self.pgid = pgid
        self.profile = profile
        super().__init__(f"slot {pgid} timed out")


class SlotCrashed(Exception):
    """The slot died during a conversion (soffice crashed or was killed)."""


@dataclass
class PoolConfig:
    """How many slots, when to recycle them, and what they run."""

    processes: int
    max_conversions: int
    python: str
    soffice: str
    env: dict[str, str] = field(default_factory=dict)


class Slot:
    """One bridge + soffice pair. Used by one thread at a time (the pool hands it out)."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self.tmp = Path(tempfile.mkdtemp(prefix="itbforms-pool-", dir=RUN_DIR))
        self.profile = self.tmp / "profile"
        sandbox.write_profile(self.profile)
        self.conversions = 0
        self.soffice_pid = 0
        self._buffer = b""
        self._stderr = open(self.tmp / "bridge.log", "wb")  # noqa: SIM115 - closed in stop()
        self.pipe_name = f"itbforms-{os.getpid()}-{id(self):x}-{time.monotonic_ns()}"
        bridge = [config.python, str(BRIDGE), config.soffice, str(self.tmp), self.pipe_name, *SOFFICE_OPTIONS]
        try:
            self.proc = subprocess.Popen(
                [*sandbox.prefix(), *bridge],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                env={**config.env, "HOME": str(self.tmp), "TMPDIR": str(self.tmp)},
                cwd=self.tmp,
                start_new_session=True,
            )
        except OSError as exc:  # ITBFORMS_OFFICE_PYTHON (or unshare) cannot be run
            self._stderr.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise PoolUnavailable(f"{config.python}: {exc}") from None
        try:
            ready = self._read(time.monotonic() + START_TIMEOUT)
        except (SlotTimeout, SlotCrashed) as exc:
            log = self._log_tail()
            self.stop()
            raise PoolUnavailable(log or str(exc)) from None
        if not ready.get("ready"):
            self.stop()
            raise PoolUnavailable(f"the bridge answered {ready!r} instead of being ready")
        self.soffice_pid = int(str(ready["pid"]))

    @property
    def pgid(self) -> int:
        """The slot's process group (the bridge leads it)."""
        return self.proc.pid

    def healthy(self) -> bool:
        """Whether bridge and soffice are both alive (a killed soffice is a zombie until the bridge reaps)."""
        return self.proc.poll() is None and processes.alive(self.soffice_pid)

    def convert(self, src: Path, out: Path, to: str, timeout: float) -> str | None:
        """Convert ``src`` to ``out``; None when done, else LibreOffice's reason. Raises ``SlotTimeout``
        (the slot is then stopped) or ``SlotCrashed``."""
        assert self.proc.stdin is not None
        request = {"src": str(src.resolve()), "out": str(out.resolve()), "to": to}
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise SlotCrashed() from None
        self.conversions += 1
        try:
            reply = self._read(time.monotonic() + timeout)
        except SlotTimeout:
            self.stop()
            raise
        return None if reply.get("ok") else str(reply.get("error") or "未知错误")

    def _read(self, deadline: float) -> dict[str, object]:
        """The bridge's next JSON line, waiting until ``deadline``."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SlotTimeout(self.pgid, str(self.profile))
            readable, _, _ = select.select([fd], [], [], left)
            if readable:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise SlotCrashed()
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            message = json.loads(line)
        except ValueError:
            raise SlotCrashed(f"not an answer: {line[:200]!r}") from None
        return dict(message) if isinstance(message, dict) else {}

    def _log_tail(self) -> str:
        try:
            text = (self.tmp / "bridge.log").read_text("utf-8", "replace")
        except OSError:
            return ""
        return " ".join(text.split())[-300:]

    def stop(self, *, gracefully: bool = False) -> None:
        """End the slot: ``gracefully`` by closing its stdin (soffice is told to quit, and the bridge exits),
        else — or when that takes over ``STOP_SECONDS`` — by killing its process group; then wait until none
        of it is alive and remove its files and sockets."""
        if gracefully and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=STOP_SECONDS)
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(self.pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self._close_pipes()
        processes.wait_group_gone(self.pgid)
        processes.remove_pipes(self.profile, self.pipe_name)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _close_pipes(self) -> None:
        for stream in (self.proc.stdin, self.proc.stdout, self._stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass


class Pool:
    """``processes`` slots of this OS process; ``convert`` borrows one, starting or restarting it."""

    def __init__(self, config: PoolConfig) -> None:
        self.config = config
        self.pid = os.getpid()
        self._idle: queue.LifoQueue[Slot | None] = queue.LifoQueue()
        for _ in range(config.processes):
            self._idle.put(None)  # a place for a slot not started yet
        self._lock = threading.Lock()
        self.live: set[Slot] = set()
        #: Slots started so far (restarts included): what tests and the bench read.
        self.starts = 0

    def convert(self, src: Path, out: Path, to: str, timeout: float) -> str | None:
        """Convert on a free slot (waits for one); see ``Slot.convert``. Raises ``PoolUnavailable`` when no
        slot can be started, ``SlotTimeout``, ``SlotCrashed``."""
        slot = self._idle.get()
        try:
            if slot is not None and (not slot.healthy() or slot.conversions >= self.config.max_conversions):
                self._retire(slot)
                slot = None
            if slot is None:
                slot = Slot(self.config)
                with self._lock:
                    self.live.add(slot)
                    self.starts += 1
            try:
                reason = slot.convert(src, out, to, timeout)
                if reason is not None and not slot.healthy():
                    raise SlotCrashed(reason)  # soffice died under it: the caller retries cold
                return reason
            except (SlotTimeout, SlotCrashed):
                self._retire(slot)
                slot = None
                raise
        finally:
            self._idle.put(slot)

    def _retire(self, slot: Slot) -> None:
        slot.stop()
        with self._lock:
            self.live.discard(slot)

    def forget(self) -> None:
        """In a forked child: close this copy of the slots' pipes without stopping the parent's slots."""
        for slot in self.live:
            slot._close_pipes()
        self.live = set()

    def close(self) -> None:
        """Stop every slot (at exit; a pool is also ended by its parent's death)."""
        with self._lock:
            slots, self.live = list(self.live), set()
        for slot in slots:
            slot.stop(gracefully=True)
