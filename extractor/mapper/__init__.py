"""The one mapper: intermediate document (``extractor.model``) → typed record, by label, in named stages.

1. **repair** happens inside each reader (``extractor.pdf`` stitches a table continued over pages, every
   reader unifies checkbox marks …): the mapper gets one intermediate whatever the format — only what
   needs the form's labels (a row whose label a page break cut) is mended in the next stage;
2. **candidates** (``extractor.mapper.candidates``): every value the document holds for a field, read the
   way a person reads a form — headings, labels, ``label：value`` lines, repeating tables;
3. **resolution** (``extractor.mapper.resolution``): each field's candidates → one typed value, a conflict
   or a problem, with where it was read.

No stage branches on the file format: what differs (a printed line, a worksheet's grid) is said by the
intermediate itself. Each stage's result is a plain value, so a test (or a person) can look at it.
"""

from __future__ import annotations

from extractor.mapper.candidates import Candidates, Where, collect
from extractor.mapper.resolution import Mapped, resolve
from extractor.model import SourceDoc
from forms.model import FormDef

__all__ = ["Candidates", "Mapped", "Where", "collect", "map_document", "resolve"]


def map_document(doc: SourceDoc, form: FormDef) -> Mapped:
    """Read ``doc`` as a filled ``form``: the typed record, its problems and the provenance of each value."""
    return resolve(collect(doc, form))
