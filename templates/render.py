"""Filling a form: typed record → ``.docx`` / ``.pdf`` / ``.xlsx`` bytes. The one module importing docxtpl.

Rendering is safe by default, in one place: the jinja environment has ``autoescape=True`` (without it ``&``
and ``<`` in a value break or vanish from the XML) and ``StrictUndefined`` (without it a key missing from the
context silently prints nothing). The context is built once (``templates.context``), each template file is
read once per process, and a ``DocxTemplate`` is made from those bytes for every render.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, nodes

from forms.errors import FormsError, OwnFault
from forms.model import FormDef
from forms.records import resolve_form
from office import libreoffice
from templates.build import template_path
from templates.context import build_context, context_keys

#: Output formats ``fill`` produces.
FORMATS = ("docx", "pdf", "xlsx")

_ENV = Environment(autoescape=True, undefined=StrictUndefined)


class TemplateMismatch(OwnFault):
    """A template names a key its form does not have, or renders with errors (a bug to fix in templates/,
    not the user's input: the service answers 500, the CLI exits 3)."""


def fill(
    form: FormDef | str,
    record: Mapping[str, Any],
    fmt: str,
    *,
    timeout: float | None = None,
) -> bytes:
    """The filled form as bytes; ``fmt`` is ``docx``, ``pdf`` (through LibreOffice) or ``xlsx`` (annex2).

    A partial record fills what it has (missing values print as blank space); what is still to be filled
    is V-REQ's to say (``service.workflows.missing_required``).
    """
    fd = resolve_form(form)
    if fmt == "docx":
        return render_docx(fd, record)
    if fmt == "pdf":
        return fill_pdfs([(fd, record)], timeout=timeout)[0]
    if fmt == "xlsx":
        if fd.id != "annex2":
            raise FormsError(f"{fd.short_title}（{fd.id}）没有 Excel 版本，可选格式：docx、pdf")
        from templates.xlsx import build_workbook  # openpyxl is only needed here

        return build_workbook(fd, record)
    raise FormsError(f"不支持的输出格式：{fmt!r}（可选：{'、'.join(FORMATS)}）")


def render_docx(form: FormDef | str, record: Mapping[str, Any], *, template: bytes | None = None) -> bytes:
    """The filled Word document; ``template`` overrides the committed template (tests, previews)."""
    fd = resolve_form(form)
    context = build_context(fd, record)
    doc = DocxTemplate(io.BytesIO(template if template is not None else template_bytes(fd.id)))
    try:
        doc.render(context, _ENV, autoescape=True)
    except TemplateError as exc:
        raise TemplateMismatch(f"{fd.id} 模板无法渲染：{exc}") from exc
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def fill_pdfs(
    items: Sequence[tuple[FormDef | str, Mapping[str, Any]]], *, timeout: float | None = None
) -> list[bytes]:
    """Several records as PDFs with one LibreOffice start (~1 s saved per document after the first)."""
    with tempfile.TemporaryDirectory(prefix="itbforms-fill-") as tmp:
        sources = []
        for i, (form, record) in enumerate(items):
            fd = resolve_form(form)
            path = Path(tmp, f"{i:04d}-{fd.id}.docx")
            path.write_bytes(render_docx(fd, record))
            sources.append(path)
        pdfs = libreoffice.convert_many(sources, "pdf", Path(tmp, "pdf"), timeout=timeout)
        return [p.read_bytes() for p in pdfs]


# --- templates ------------------------------------------------------------------------------------------


@cache
def template_bytes(form_id: str) -> bytes:
    """The committed Word template of a form, read once per process."""
    path = template_path(form_id)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise TemplateMismatch(f"模板文件不存在：{path}（运行 python -m templates.build 生成）") from None


def template_keys(template: bytes) -> set[str]:
    """Every dotted key a Word template uses (``applicant.name``; loop rows resolved to their table:
    ``{% for row in capability.leaders %}{{ row.name }}`` → ``capability.leaders``, ``…leaders.name``)."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.init_docx()
    xml = doc.patch_xml(doc.get_xml())
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _, part in doc.get_headers_footers(uri):
            xml += doc.patch_xml(doc.get_part_xml(part))
    keys: set[str] = set()
    _collect(_ENV.parse(xml), {}, keys)
    return keys


def check_template(form: FormDef | str, template: bytes | None = None) -> list[str]:
    """What is wrong between a form definition and its template (empty when they agree).

    Fields of the definition without a place in the template, keys of the template the definition does not
    have, and top-level names (docxtpl's ``get_undeclared_template_variables``) that are not sections.
    """
    fd = resolve_form(form)
    data = template if template is not None else template_bytes(fd.id)
    expected = context_keys(fd)
    used = template_keys(data)
    problems = [f"模板中缺少 {key}（{_label(fd, key)}）" for key in sorted(expected - used)]
    problems += [f"模板引用了表单 {fd.id} 中没有的键 {key}" for key in sorted(used - expected)]
    names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(_ENV)
    sections = {s.key for s in fd.sections}
    problems += [f"模板引用了表单 {fd.id} 中没有的部分 {name}" for name in sorted(names - sections)]
    return problems


def _label(fd: FormDef, key: str) -> str:
    parts = [p for p in key.split(".") if p not in ("previous", "current")]
    try:
        return fd.field(".".join(parts)).label
    except KeyError:
        return key


def _collect(node: nodes.Node, loops: dict[str, str], keys: set[str]) -> None:
    """Walk a jinja AST collecting dotted attribute paths; ``for`` targets stand for their iterable."""
    if isinstance(node, nodes.For):
        iterable = _dotted(node.iter, loops)
        if iterable is None:
            _collect(node.iter, loops, keys)
        else:
            keys.add(iterable)
        inner = dict(loops)
        if isinstance(node.target, nodes.Name) and iterable is not None:
            inner[node.target.name] = iterable
        for child in (*node.body, *node.else_):
            _collect(child, inner, keys)
        return
    path = _dotted(node, loops) if isinstance(node, nodes.Getattr | nodes.Getitem | nodes.Name) else None
    if path is not None:
        keys.add(path)
        return
    for child in node.iter_child_nodes():
        _collect(child, loops, keys)


def _dotted(node: nodes.Node, loops: dict[str, str]) -> str | None:
    if isinstance(node, nodes.Name):
        return loops.get(node.name, node.name)
    if isinstance(node, nodes.Getattr):
        base = _dotted(node.node, loops)
        return None if base is None else f"{base}.{node.attr}"
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        base = _dotted(node.node, loops)
        return None if base is None else f"{base}.{node.arg.value}"
    return None
