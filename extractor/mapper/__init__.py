"""The one mapper: intermediate document (``extractor.model``) → typed record, by label
(``extractor.mapper.candidates``)."""

from __future__ import annotations

from extractor.mapper.candidates import Mapped, Where, map_document

__all__ = ["Mapped", "Where", "map_document"]
