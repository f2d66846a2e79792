"""Parsing a bundle's files: in this process, or in a ``forkserver`` pool of ``workers`` (safe from a
threaded server, cheap to start: the extractor is imported once, in the fork server) whose workers exit
when their parent is gone (a killed server must not leave parsers behind).

As with any ``multiprocessing`` start method other than fork, a *script* that screens bundles with
``workers > 1`` must guard its top level with ``if __name__ == "__main__"``.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from extractor.bundle_zip import Bundle, BundleEntry
from extractor.errors import UnreadableFile
from extractor.settings import Limits
from service.bundles.files import FileOutcome, parse_entry


def parse_all(bundle: Bundle, workers: int, limits: Limits) -> Iterator[FileOutcome]:
    """Each entry parsed, in completion order; entries are read here and at most ``2 × workers`` are in
    flight, so memory stays bounded however big the bundle."""
    if workers <= 1:
        for entry, data in bundle:
            if isinstance(data, UnreadableFile):
                yield _read_failed(entry, data)
            else:
                yield parse_entry(entry.index, entry.name, entry.folder, data, limits)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["service.bundles.files", "extractor.docx", "extractor.pdf"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=exit_with_parent) as pool:
        pending: dict[Future[FileOutcome], BundleEntry] = {}
        for entry, data in bundle:
            if isinstance(data, UnreadableFile):
                yield _read_failed(entry, data)
                continue
            pending[pool.submit(parse_entry, entry.index, entry.name, entry.folder, data, limits)] = entry
            while len(pending) >= 2 * workers:
                yield from _collect(pending)
        while pending:
            yield from _collect(pending)


def _collect(pending: dict[Future[FileOutcome], BundleEntry]) -> Iterator[FileOutcome]:
    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in finished:
        entry = pending.pop(future)
        try:
            yield future.result()
        except Exception as exc:  # noqa: BLE001  (a crashed worker: this file fails, the bundle goes on)
            reason = f"解析进程异常退出（{type(exc).__name__}），请单独上传此文件核对"
            yield FileOutcome(entry.index, entry.name, entry.folder, entry.size, "failed", reason=reason)


def _read_failed(entry: BundleEntry, exc: UnreadableFile) -> FileOutcome:
    return FileOutcome(entry.index, entry.name, entry.folder, entry.size, "unreadable", reason=exc.reason)


def exit_with_parent() -> None:
    """In a pool worker: exit once the parent is gone (a killed server must not leave parsers behind)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
