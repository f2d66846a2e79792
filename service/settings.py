"""Service settings: one validated dataclass with named defaults, overridable by environment variables.

Every limit and timeout the service applies lives here (as pdfplumber keeps ``TableSettings``), so an
operator reads one place to know what the service will accept.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

ENV_PREFIX = "ITBFORMS_"


@dataclass(frozen=True)
class Settings:
    """``ITBFORMS_<NAME>`` in the environment overrides each default (e.g. ``ITBFORMS_MAX_UPLOAD_MB=20``)."""

    max_upload_mb: int = 50  # request body limit (Flask MAX_CONTENT_LENGTH): above it → 413
    max_record_kb: int = 2048  # a JSON record larger than this is not a record
    soffice_timeout_s: float = 60.0  # one LibreOffice conversion
    data_dir: str = "var"  # where the service keeps its own files (bundle jobs, later)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and value <= 0:
                raise ValueError(f"{ENV_PREFIX}{f.name.upper()} must be positive, got {value!r}")

    @property
    def max_content_length(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``ITBFORMS_*`` variables, then explicit ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                kind = type(f.default)
                try:
                    values[f.name] = kind(raw)
                except ValueError:
                    raise ValueError(
                        f"{ENV_PREFIX}{f.name.upper()}={raw!r} is not a valid {kind.__name__}"
                    ) from None
        values.update(overrides)
        return cls(**values)
