"""A scanned file's pages recognised by the task queue's workers, one task each, so that several workers
(on several machines) recognise one file's pages at once; recognition is seconds a page, everything else
about a file a fraction of a second.

The file's task reads it with a ``StoredPages`` source (``extractor.scan.PageSource``), which gives the
reader the stored pages in order. At the first page not stored it writes down the next pages wanted (up to
``PAGES_PER_ROUND``) and raises ``PagesPending``, and the queue makes one page task of each. Each page task
recognises its page (``recognise_stored``) and stores it as JSON beside the file; the task that finds every
wanted page stored has the file read again, from the stored pages, up to the next round. Rounds, rather
than every page at once, because the reader stops where the form ends: the applicant's attachments after
it are listed, not recognised. A round of one page is done in the file's own task.

The stored pages are what ``ScannedPage.to_dict`` gives; a page that could not be read is stored as the
reason, and reading the file then says it as a reader would have.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import PagesPending, UnreadableFile
from extractor.settings import Limits

if TYPE_CHECKING:  # extractor.scan (OpenCV, the recognition engine) is loaded by the workers only
    from extractor.scan import ScannedPage

log = logging.getLogger(__name__)

#: Pages asked for at once: enough for several workers, few enough that little is recognised past the form.
PAGES_PER_ROUND = 6
#: A round of at most this many pages is recognised in the file's own task.
INLINE_PAGES = 1
WANTED = "wanted.json"


class PageFailed(RuntimeError):
    """A page task met an error of ours (not of the file) recognising its page: the file fails with it."""


class StoredPages:
    """The page source of a file read by the queue: the pages recognised by page tasks, stored under
    ``folder``; ``PagesPending`` with those missing (after writing down every page wanted)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(
        self, data: bytes, name: str, numbers: Sequence[int], limits: Limits
    ) -> Iterator[ScannedPage]:
        from extractor.scan import ScannedPage, recognise_page  # noqa: PLC0415

        for at, number in enumerate(numbers):
            path = _page_path(self.folder, number)
            if not path.exists():
                ahead = numbers[at : at + PAGES_PER_ROUND]
                wanted = [n for n in ahead if not _page_path(self.folder, n).exists()]
                if len(wanted) > INLINE_PAGES:
                    self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                    _write(self.folder / WANTED, json.dumps(wanted).encode())
                    raise PagesPending(wanted)
                yield recognise_page(data, name, number, limits)
                continue
            stored = json.loads(path.read_text(encoding="utf-8"))
            if "error" in stored:
                raise UnreadableFile(name, stored["error"], english=stored.get("english", ""))
            if "failed" in stored:
                raise PageFailed(stored["failed"])
            yield ScannedPage.from_dict(stored)


def recognise_stored(folder: Path, data: bytes, number: int, limits: Limits) -> bool:
    """Recognise page ``number`` of the PDF ``data`` and store it in ``folder`` (or the reason it could not
    be read); True when every page the file wants is now stored (read the file again)."""
    from extractor.scan import recognise_page  # noqa: PLC0415

    try:
        stored = recognise_page(data, f"第 {number} 页", number, limits).to_dict()
    except UnreadableFile as exc:
        stored = {"error": exc.reason, "english": exc.english}
    except Exception as exc:  # noqa: BLE001  (a bug fails the file with a reason, not the job)
        log.exception("recognising page %d in %s failed", number, folder)
        stored = {"failed": type(exc).__name__}
    _write(_page_path(folder, number), json.dumps(stored, ensure_ascii=False).encode("utf-8"))
    wanted = json.loads((folder / WANTED).read_text())
    return all(_page_path(folder, n).exists() for n in wanted)


def _page_path(folder: Path, number: int) -> Path:
    return folder / f"{number}.json"


def _write(path: Path, content: bytes) -> None:
    """Write ``content`` whole or not at all (a reader never sees half a page): a private temporary file
    renamed into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with open(os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600), "wb") as fh:
        fh.write(content)
    os.replace(temporary, path)
