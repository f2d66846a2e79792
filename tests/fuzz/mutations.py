"""Hypothesis strategies that damage good documents the way a fuzzer does: edits inside the XML of a
package's members (then zipped again, so the damage reaches the parsers), raw edits of a file's bytes, and
random JSON values put at random places of a record."""

from __future__ import annotations

import copy
import io
import zipfile
from typing import Any

from hypothesis import strategies as st

#: Fragments that make an XML edit interesting rather than merely ill-formed.
TOKENS = (
    b"<",
    b">",
    b"/>",
    b'"',
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#xD800;",
    b"]]>",
    b"<![CDATA[",
    b"<!DOCTYPE d>",
    b'<!ENTITY x "y">',
    b"<w:tbl>",
    b"</w:tc>",
    b"<w:tr>",
    b"<w:p>",
    b'<w:gridSpan w:val="999999"/>',
    b'<w:vMerge w:val="restart"/>',
    b"<w:tbl><w:tr><w:tc><w:tbl>",
    b'<row r="1048576">',
    b'<c r="XFD1" t="s"><v>99999</v></c>',
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<c t="n"><v>1e400</v></c>',
    b'<c t="d"><v>not a date</v></c>',
    b"\x00",
    b"\xff\xfe",
    "申报单位".encode(),
    "☑".encode(),
)

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()  # NaN and ±Infinity included: json.dumps writes them, json.loads reads them back
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "=1+1", "2026-02-30", "１２３", "☑是", "-0", "1e309", "null", "\u0000"])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def byte_edits(draw: st.DrawFn, data: bytes, max_edits: int = 6) -> bytes:
    """``data`` with a few bytes flipped, fragments inserted, ranges deleted or duplicated."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, max_edits))):
        if not out:
            out += draw(st.sampled_from(TOKENS))
            continue
        at = draw(st.integers(0, len(out) - 1))
        kind = draw(st.sampled_from(["flip", "insert", "delete", "duplicate"]))
        if kind == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            out[at:at] = draw(st.sampled_from(TOKENS) | st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        else:
            end = min(len(out), at + draw(st.integers(1, 256)))
            out[at:at] = out[at:end] * draw(st.integers(1, 4))
    return bytes(out)


def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return {name: z.read(name) for name in z.namelist()}


@st.composite
def member_edits(draw: st.DrawFn, package: bytes) -> bytes:
    """``package`` zipped again after edits inside one or two of its XML members."""
    parts = members(package)
    xml = sorted(n for n in parts if n.endswith((".xml", ".rels")))
    for name in draw(st.lists(st.sampled_from(xml), min_size=1, max_size=2, unique=True)):
        parts[name] = draw(byte_edits(parts[name]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buffer.getvalue()


@st.composite
def record_edits(draw: st.DrawFn, record: dict[str, Any]) -> Any:
    """The record with random JSON values at random places: a field, a table row's cell, a new key, a
    whole section, or the record itself."""
    out = copy.deepcopy(record)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["field", "row", "new", "section", "root"]))
        sections = [k for k, v in out.items() if isinstance(v, dict)] if isinstance(out, dict) else []
        if where == "root" or not sections:
            return draw(JSON_VALUES | st.just(out))
        section = draw(st.sampled_from(sections))
        values = out[section]
        if where == "section":
            out[section] = draw(JSON_VALUES)
        elif where == "new" or not values:
            values[draw(st.text(max_size=12))] = draw(JSON_VALUES)
        elif where == "row":
            rows = [r for v in values.values() if isinstance(v, list) for r in v if isinstance(r, dict) and r]
            if rows:
                row = draw(st.sampled_from(rows))
                row[draw(st.sampled_from(sorted(row)) | st.text(max_size=6))] = draw(JSON_VALUES)
        else:
            values[draw(st.sampled_from(sorted(values)))] = draw(JSON_VALUES)
    return out
