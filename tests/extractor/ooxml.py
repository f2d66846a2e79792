"""Building real .docx files with hand-written WordprocessingML, for the encodings python-docx cannot write
(content controls, legacy form fields, symbol glyphs, tracked changes, text boxes)."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml

NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def p(*runs: str) -> str:
    """A paragraph of runs (plain strings become text runs)."""
    return "<w:p>" + "".join(r if r.startswith("<") else t(r) for r in runs) + "</w:p>"


def t(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def tc(*content: str, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    body = "".join(c if c.startswith("<") else p(c) for c in content) or "<w:p/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def tr(*cells: str) -> str:
    return "<w:tr>" + "".join(cells) + "</w:tr>"


def tbl(*rows: str, cols: int = 2) -> str:
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(cols))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def sdt(*content: str, placeholder: bool = False) -> str:
    pr = "<w:showingPlcHdr/>" if placeholder else ""
    return f"<w:sdt><w:sdtPr>{pr}</w:sdtPr><w:sdtContent>{''.join(content)}</w:sdtContent></w:sdt>"


def w14_checkbox(checked: bool) -> str:
    """A Word 2010 checkbox content control (its displayed glyph deliberately the *other* state's,
    so a test can tell the control's state from the glyph)."""
    val = "1" if checked else "0"
    shown = "☐" if checked else "☒"
    return (
        f'<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{val}"/></w14:checkbox></w:sdtPr>'
        f"<w:sdtContent><w:r><w:t>{shown}</w:t></w:r></w:sdtContent></w:sdt>"
    )


def formcheckbox(checked: bool | None, default: bool = False) -> str:
    """A legacy FORMCHECKBOX field (``checked=None``: no w:checked, the default applies)."""
    state = "" if checked is None else f'<w:checked w:val="{int(checked)}"/>'
    return (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
        f'<w:checkBox><w:sizeAuto/><w:default w:val="{int(default)}"/>{state}</w:checkBox>'
        "</w:ffData></w:fldChar></w:r>"
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def sym(font: str, char: str) -> str:
    return f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'


def symbol_run(font: str, text: str) -> str:
    return f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr><w:t>{text}</w:t></w:r>'


def textbox(text: str) -> str:
    """A text box as Word writes it: a DrawingML shape with a VML fallback holding the same text."""
    inner = f"<w:txbxContent>{p(text)}</w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:wsp><wps:txbx>'
        f"{inner}</wps:txbx></wps:wsp></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape>"
        f"<v:textbox>{inner}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def docx_bytes(*body: str) -> bytes:
    """A real .docx (made by python-docx) whose body is the given WordprocessingML blocks."""
    document = docx.Document()
    root = document.element.body
    fragment = parse_xml(f"<w:body {NS}>{''.join(body)}</w:body>")
    sect = root[-1]
    for child in list(fragment):
        sect.addprevious(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
