"""Checkbox glyphs of symbol fonts (Wingdings, Wingdings 2) as the two marks of the intermediate model.

Word and WPS print checkboxes as pictures of a symbol font (``w:sym w:font="Wingdings" w:char="F0FE"``, or a
run in that font whose text is ``þ``); PDFs printed from such files carry the same codes. Both readers map
them with this table so the mapper only ever sees ``☑``/``☐``.
"""

from __future__ import annotations

from forms.vocabulary import CHECKED, UNCHECKED

#: Symbol-font code points (after removing the U+F000 private-use offset) that are checkboxes.
SYMBOL_BOXES: dict[str, dict[int, str]] = {
    "wingdings": {
        0xFE: CHECKED,  # ☑ box with check
        0xFD: CHECKED,  # ☒ box with x
        0x78: CHECKED,  # ⌧ boxed x
        0xFC: CHECKED,  # ✓ check mark
        0x6E: CHECKED,  # ■ black square
        0xA4: CHECKED,  # ◉ circled dot (radio, chosen)
        0xA8: UNCHECKED,  # ☐ empty box
        0x6F: UNCHECKED,  # □ white square
        0x71: UNCHECKED,  # ❑ shadowed square
        0x72: UNCHECKED,  # ❒
        0xA1: UNCHECKED,  # ○ (radio, empty)
    },
    "wingdings 2": {
        0x52: CHECKED,  # ☑
        0x54: CHECKED,  # ☒
        0x53: CHECKED,  # ⊠
        0x51: CHECKED,  # ☒ (bold)
        0x50: CHECKED,  # ✓
        0xA3: UNCHECKED,  # ☐
        0x2A: UNCHECKED,  # □
        0x99: UNCHECKED,  # ○
        0x9E: CHECKED,  # ◉
    },
}


def symbol_font(name: str | None) -> dict[int, str] | None:
    """The checkbox table of a symbol font name (``Wingdings``, ``ABCDEF+Wingdings2-Regular`` …), or None."""
    if not name:
        return None
    folded = name.rsplit("+", 1)[-1].lower().replace(" ", "").replace("-", "")
    if folded.startswith("wingdings2"):
        return SYMBOL_BOXES["wingdings 2"]
    if folded.startswith("wingdings") and not folded.startswith("wingdings3"):
        return SYMBOL_BOXES["wingdings"]
    return None


def symbol_text(text: str, table: dict[int, str]) -> str:
    """Text typed in a symbol font: checkbox glyphs become ☑/☐, other pictures are dropped."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xF000 <= code <= 0xF0FF:
            code -= 0xF000
        glyph = table.get(code)
        if glyph:
            out.append(glyph)
        elif ch.isspace():
            out.append(ch)
    return "".join(out)
