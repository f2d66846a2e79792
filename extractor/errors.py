"""The two ways a file can be unusable. Both are ``FormsError`` (a ``ValueError``): the CLI exits 2, the
service answers 4xx. The message names the file and says what was expected, in Chinese; ``english`` keeps a
short English gist for logs."""

from __future__ import annotations

from forms.errors import FormsError


class UnsupportedFile(FormsError):
    """Not a file type we read (not Word/WPS, PDF or Excel), or not one of our two forms."""

    def __init__(self, file: str, reason: str, *, english: str = "") -> None:
        self.file = file
        self.reason = reason
        self.english = english  # for logs and integrators; people read the Chinese message only
        super().__init__(f"{file}：{reason}")


class UnreadableFile(FormsError):
    """A supported type that cannot be read: corrupt, encrypted, too big, or without any text layer."""

    def __init__(self, file: str, reason: str, *, english: str = "") -> None:
        self.file = file
        self.reason = reason
        self.english = english  # for logs and integrators; people read the Chinese message only
        super().__init__(f"{file}：{reason}")


class PagesPending(Exception):  # noqa: N818  (not an error: the read is to be done again later)
    """Raised by a page source (``extractor.scan.PageSource``) whose pages are being recognised elsewhere,
    by the task queue's workers: the read stops, and is done again once ``pages`` are ready. The readers
    let it through; it is not a ``FormsError``, so nothing takes it for a bad file."""

    def __init__(self, pages: list[int]) -> None:
        self.pages = pages
        super().__init__(f"pages {pages} are being recognised")
