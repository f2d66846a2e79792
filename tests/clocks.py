"""A clock the test moves, for code that takes one (``JobStore(clock=…)``, ``extractor.settings.clock``):
time passes only when the test says so, and the clock counts how often it was read."""

from __future__ import annotations


class ManualClock:
    """Seconds that change only by ``advance`` or, when ``step`` is set, by ``step`` at each read.

    ``reads`` counts the reads: where code looks at the clock once per so much work (a reader's deadline
    checks), the count measures the work done, and a ``step`` makes a deadline fire after so much work."""

    def __init__(self, start: float = 1_800_000_000.0, step: float = 0.0) -> None:
        self.now = start
        self.step = step
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        now = self.now
        self.now += self.step
        return now

    def advance(self, seconds: float) -> None:
        self.now += seconds
