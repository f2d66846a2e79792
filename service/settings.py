"""Service settings: one validated dataclass with named defaults, overridable by environment variables.

Every limit and timeout the service applies lives here (as pdfplumber keeps ``TableSettings``), so an
operator reads one place to know what the service will accept.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from extractor.settings import SettingsError, env_overrides
from forms.limits import RecordLimits

ENV_PREFIX = "ITBFORMS_"
#: Settings where 0 means "none" (no worker process beside the web server).
MAY_BE_ZERO = frozenset({"workers"})


@dataclass(frozen=True)
class Settings:
    """``ITBFORMS_<NAME>`` in the environment overrides each default (e.g. ``ITBFORMS_MAX_UPLOAD_MB=20``)."""

    max_upload_mb: int = 50  # request body limit (Flask MAX_CONTENT_LENGTH): above it → 413
    max_record_kb: int = 2048  # a JSON record larger than this is not a record
    record_max_chars: int = RecordLimits.max_chars  # fill: one text value the form does not bound itself
    record_max_rows: int = RecordLimits.max_rows  # fill: rows of one table
    soffice_timeout_s: float = 60.0  # one LibreOffice conversion
    data_dir: str = "var"  # where the service keeps its own files (bundle jobs, later)
    # bundle jobs (issues 6, 20): service.jobs, service.jobstore, service.queue, extractor.bundle_zip
    jobs_db: str = (
        ""  # SQLite file of the accounts (and of the jobs by default); empty → <data_dir>/jobs.sqlite3
    )
    database_url: str = ""  # job records (SQLAlchemy URL); empty → that SQLite file; postgresql+psycopg://…
    queue_url: str = ""  # the task queue; empty → SQLite under <data_dir>; redis://host:port/db
    storage_dir: str = ""  # uploads and files every worker reads; empty → <data_dir>/storage
    workers: int = os.cpu_count() or 1  # worker processes `make run` starts beside the web server; 0: none
    job_workers: int = os.cpu_count() or 1  # parser processes of `itbforms bundle` (no queue)
    ocr_processes: int = os.cpu_count() or 1  # the web server's processes recognising one scan's pages
    job_retention_hours: float = 72.0  # finished jobs and their results are deleted after this
    job_file_retries: int = (
        2  # a file task that raised is tried again this often (a parse itself never raises)
    )
    job_file_deadline_s: float = 300.0  # a file "running" longer was lost with its worker: queued again
    job_max_active: int = 3  # queued + running jobs of one account; more → 429
    job_max_queued: int = 100  # queued jobs of all accounts; more → 503
    storage_min_free_mb: int = 1024  # free space the storage directory must keep; less → 503
    bundle_max_upload_mb: int = 200  # request body limit of POST /bundles
    bundle_max_entries: int = 10_000  # files and folders in a bundle, nested zips included
    bundle_max_total_mb: int = 1024  # uncompressed size of a whole bundle
    bundle_max_ratio: float = 100.0  # compression ratio of one entry (zip bomb guard)
    # accounts (issue 16): service.accounts, service.auth
    require_auth: bool = False  # True: fill, parse, check … need an account too (bundles always do)
    secret_key: str = ""  # signs the pages' session cookie; empty → <data_dir>/secret_key, made once
    session_hours: float = 8.0  # a page login lasts this long
    # the web server (issue 17.1): service.serving
    server_threads: int = 4 * (os.cpu_count() or 1)  # requests handled at once (each read whole first)
    header_timeout_s: float = 20.0  # a request's headers must have arrived by then (else 408)
    body_timeout_s: float = 60.0  # … and its body this much later, extended by body_min_kb_per_s
    body_min_kb_per_s: float = 64.0  # an upload slower than this past body_timeout_s gets 408

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in MAY_BE_ZERO and value == 0:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool) and value <= 0:
                name = f"{ENV_PREFIX}{f.name.upper()}"
                raise SettingsError(f"环境变量 {name} 应为正数，实为 {value!r} / {name} must be positive")

    @property
    def max_content_length(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def record_limits(self) -> RecordLimits:
        """What a record may hold to be filled (``forms.limits``)."""
        return RecordLimits(max_chars=self.record_max_chars, max_rows=self.record_max_rows)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``ITBFORMS_*`` variables, then explicit ``overrides``."""
        values = env_overrides(cls, environ, ENV_PREFIX)
        values.update(overrides)
        return cls(**values)
