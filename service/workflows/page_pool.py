"""A scan's pages recognised in parallel for one upload (the parse page and ``POST /parse``): a pool of
``ITBFORMS_OCR_PROCESSES`` processes of the web server, each recognising whole pages
(``extractor.scan.recognise_page``) with its own engine, loaded once. A bundle's pages are the task queue's
instead (``service.bundles.pages``).

The pool is started on first use, from a ``forkserver`` (safe from a threaded server), its processes exit
with their parent, and uploads parsed at once share it. A pool process that dies (killed, out of memory)
costs no upload: the pages it had not given back are recognised here, one after the other, and a fresh pool
is started for the next upload.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from extractor.errors import UnreadableFile
from extractor.settings import Limits
from service.bundles.pool import exit_with_parent

if TYPE_CHECKING:
    from extractor.scan import ScannedPage

log = logging.getLogger(__name__)

#: Pages a pool process recognises before it is replaced (what a long-lived engine may leak stays bounded).
PAGES_PER_PROCESS = 500


class PagePool:
    """A ``PageSource`` that spreads a scan's pages over ``processes`` processes (one or none: in turn)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def __call__(
        self, data: bytes, name: str, numbers: Sequence[int], limits: Limits
    ) -> Iterator[ScannedPage]:
        from extractor.scan import in_turn, recognise_page  # noqa: PLC0415  (OpenCV where scans are read)

        if self.processes < 2 or len(numbers) < 2:
            yield from in_turn(data, name, numbers, limits)
            return
        executor = self._executor_now()
        futures: list[Future[ScannedPage]] = [
            executor.submit(recognise_page, data, name, n, limits) for n in numbers
        ]
        try:
            for at, future in enumerate(futures):
                try:
                    yield future.result(timeout=limits.ocr_timeout)
                except BrokenProcessPool:
                    log.warning("a page-recognition process died; %s is recognised here", name)
                    self._discard(executor)
                    yield from in_turn(data, name, numbers[at:], limits)
                    return
                except FutureTimeout:
                    reason = f"PDF 第 {numbers[at]} 页识别超时（超过 {limits.ocr_timeout:g} 秒），拒绝处理"
                    raise UnreadableFile(name, reason, english="recognition timeout") from None
        finally:
            for future in futures:
                future.cancel()  # the pages not begun when the read stops early

    def pids(self) -> list[int]:
        """The pool's live processes (none before the first scan of several pages)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(pid for pid, process in processes.items() if process.is_alive())

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _executor_now(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["extractor.scan"])
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=context,
                    initializer=exit_with_parent,
                    max_tasks_per_child=PAGES_PER_PROCESS,
                )
            return self._executor

    def _discard(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)


_pools: dict[tuple[int, int], PagePool] = {}
_pools_lock = threading.Lock()


def page_pool(processes: int) -> PagePool:
    """This process's pool of ``processes`` page-recognition processes."""
    key = (os.getpid(), processes)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = PagePool(processes)
        return _pools[key]
