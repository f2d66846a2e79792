"""Parses the parse page runs in the background of the web process, so that its script can show how far a
scan's recognition has come ("第 n/N 页") and then the result.

Bounded: at most ``capacity`` runs at once in the whole process and one per owner (a browser session);
a finished run is kept ``keep`` seconds for its owner to fetch, and at most ``kept`` of them. Nothing is
written to disk: a restart forgets them, and the page's plain form post still works without any of this.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extractor.settings import Progress
from forms.errors import FormsError

log = logging.getLogger(__name__)

#: What a run does: given a progress callback, the result to keep (raising is kept as the error).
Work = Callable[[Progress], Any]


@dataclass
class Run:
    """One background parse: how far it is, and its result or error once finished."""

    owner: str
    page: int = 0
    pages: int | None = None
    done: bool = False
    result: Any = None
    error: Exception | None = None
    finished_at: float = 0.0

    def progress(self, page: int, pages: int) -> None:
        self.page, self.pages = page, pages

    def status(self) -> dict[str, Any]:
        """The progress endpoint's JSON: ``{"page": n, "pages": N, "done": …}`` (pages null until known)."""
        return {"page": self.page, "pages": self.pages, "done": self.done}


class Busy(Exception):
    """No run can start now: the owner has one running, or the process runs ``capacity`` already."""

    def __init__(self, own: bool) -> None:
        super().__init__("own run running" if own else "at capacity")
        self.own = own


class Runs:
    """The background runs of one web process (one per app: ``app.extensions``)."""

    def __init__(
        self,
        capacity: int = 2,
        keep: float = 300.0,
        kept: int = 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity, self.keep, self.kept, self.clock = capacity, keep, kept, clock
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()

    def start(self, owner: str, work: Work) -> str:
        """Start ``work`` in a thread for ``owner``; its id. ``Busy`` when it may not start now."""
        with self._lock:
            self._forget_old()
            running = [run for run in self._runs.values() if not run.done]
            if any(run.owner == owner for run in running):
                raise Busy(own=True)
            if len(running) >= self.capacity:
                raise Busy(own=False)
            run_id = secrets.token_urlsafe(16)
            run = self._runs[run_id] = Run(owner)
        threading.Thread(target=self._run, args=(run, work), name=f"parse-{run_id[:6]}", daemon=True).start()
        return run_id

    def get(self, owner: str, run_id: str) -> Run | None:
        """``owner``'s run ``run_id``, or None (unknown, another's, or forgotten)."""
        with self._lock:
            self._forget_old()
            run = self._runs.get(run_id)
        return run if run is not None and secrets.compare_digest(run.owner, owner) else None

    def _run(self, run: Run, work: Work) -> None:
        try:
            run.result = work(run.progress)
        except Exception as exc:  # kept for the result page, which says what it was
            if not isinstance(exc, FormsError):
                log.exception("background parse failed")
            run.error = exc
        with self._lock:
            run.finished_at, run.done = self.clock(), True

    def _forget_old(self) -> None:
        """Drop finished runs older than ``keep``, and the oldest beyond ``kept`` (the lock held)."""
        finished = sorted((run.finished_at, run_id) for run_id, run in self._runs.items() if run.done)
        now = self.clock()
        for n, (at, run_id) in enumerate(finished):
            if now - at > self.keep or len(finished) - n > self.kept:
                del self._runs[run_id]
