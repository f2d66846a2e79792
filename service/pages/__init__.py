"""The service's web pages: 首页, 在线填写, 上传解析 and 批量审核 — server-rendered Chinese HTML, one
stylesheet, a small script per interactive page, nothing from a CDN.

The fill page is generated from the form definitions (``forms/``): every section, field, option and table
column comes from ``FormDef``, so a field added there appears here without an edit. Its script posts the
draft to the JSON API (``/api/v1/check``, ``/api/v1/forms/<id>/fill``, ``/api/v1/forms/annex2/prefill``).
The parse page posts the file to the page itself and calls the same library functions as the API; its
script posts it to ``/parse/runs`` instead (``service.pages.parsing``) and shows a scan's page progress.
Beside a value recognised uncertainly the page shows the crop of the scan it was read from (the JSON API
does not carry the crops: its provenance gives the page and box).
The bundle page's script uploads the zip to ``/api/v1/bundles`` and follows the job the API answers with.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from extractor.formats import accept_list
from extractor.settings import Limits, Progress
from forms import FORMS, FieldType, get_form
from forms.checks import RULES
from forms.describe import form_as_dict
from forms.errors import FormsError, UnknownForm
from forms.model import Field, FormDef, Section
from forms.vocabulary import RESULT_LABELS, YEAR_MAX, YEAR_MIN
from service import workflows
from service.accounts import BUNDLE_ROLES
from service.api.transfer import limits, page_source
from service.auth import login_required
from service.hygiene import file_name, strip_paths
from service.problems import problem_kind

if TYPE_CHECKING:
    from extractor.scan import PageSource

pages = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)

#: Document formats each form can be downloaded in, with their button labels.
DOWNLOAD_FORMATS: Mapping[str, tuple[str, ...]] = {
    "annex1": ("docx", "pdf"),
    "annex2": ("docx", "pdf", "xlsx"),
}
FORMAT_LABELS: Mapping[str, str] = {"docx": "Word", "pdf": "PDF", "xlsx": "Excel"}

#: Files the parse page accepts (the extractors sniff the real type; this only guides the file picker).
UPLOAD_ACCEPT = accept_list()
#: Files the fill page's 从上年报告预填 accepts: a JSON record or any document we read.
PREFILL_ACCEPT = accept_list(".json")

#: The pages load nothing from elsewhere and run no inline script: say so to the browser.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

#: ``<input type="number">`` attributes per numeric type (step 0.01 for 万元, as the spec keeps 2 decimals).
NUMBER_ATTRS: Mapping[FieldType, Mapping[str, str]] = {
    FieldType.INT: {"step": "1", "min": "0", "inputmode": "numeric"},
    FieldType.WAN: {"step": "0.01", "min": "0", "inputmode": "decimal"},
    FieldType.PCT: {"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"},
    FieldType.M2: {"step": "0.01", "min": "0", "inputmode": "decimal"},
    FieldType.YEAR: {"step": "1", "min": str(YEAR_MIN), "max": str(YEAR_MAX), "inputmode": "numeric"},
}

#: What the parse page says beside a required field left empty (V-REQ's own message lists them all).
REQUIRED_NOTE = "必填项，未填写"

#: Files the bundle page accepts (the API checks that it really is a zip).
BUNDLE_ACCEPT = ".zip,application/zip"

#: Bundles with more files than this are polled without the per-file list (``?files=false``) until done.
BUNDLE_BRIEF_POLL_FILES = 200

#: Fields that take the whole width of the fill page's grid.
WIDE_TYPES = frozenset({FieldType.PROSE, FieldType.MULTI, FieldType.TABLE})


@dataclass(frozen=True)
class Block:
    """A run of a section's fields laid out together: one field, or consecutive metrics as one table."""

    kind: str  # "field" | "metrics"
    fields: tuple[Field, ...]


def section_blocks(section: Section) -> list[Block]:
    """The section's fields in order, consecutive ``metric`` fields grouped (上年末/本年末 table)."""
    blocks: list[Block] = []
    for f in section.fields:
        if f.type is FieldType.METRIC and blocks and blocks[-1].kind == "metrics":
            blocks[-1] = Block("metrics", (*blocks[-1].fields, f))
        elif f.type is FieldType.METRIC:
            blocks.append(Block("metrics", (f,)))
        else:
            blocks.append(Block("field", (f,)))
    return blocks


@pages.after_request
def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


@pages.context_processor
def _helpers() -> dict[str, Any]:
    """Functions the pages' templates call (kept to this blueprint, not the whole app)."""
    return {
        "show": show_value,
        "where": where,
        "format_labels": FORMAT_LABELS,
        "rule_titles": {rule_id: rule.title for rule_id, rule in RULES.items()},
        "form_titles": {form.id: form.short_title for form in FORMS.values()},
    }


@pages.get("/")
def index() -> str:
    """首页: the tasks, the API docs and the JSON Schemas."""
    return render_template("pages/index.html", forms=list(FORMS.values()), bundles_url=_bundles_url())


@pages.get("/favicon.ico")
def favicon() -> WerkzeugResponse:
    """Browsers ask for /favicon.ico on every page without an icon link (the API docs): the site's icon."""
    return redirect(url_for("pages.static", filename="favicon.svg"), code=301)


@pages.get("/fill/<form_id>")
def fill(form_id: str) -> str | tuple[str, int]:
    """在线填写: the HTML form generated from the definition of ``form_id``."""
    try:
        form = get_form(form_id)
    except UnknownForm as exc:
        return render_template("pages/error.html", title="未知的表单", detail=str(exc)), 404
    return render_template(
        "pages/fill.html",
        form=form,
        definition=form_as_dict(form),
        section_blocks=section_blocks,
        number_attrs=NUMBER_ATTRS,
        wide_types=WIDE_TYPES,
        T=FieldType,
        formats=DOWNLOAD_FORMATS[form.id],
        prefill_accept=PREFILL_ACCEPT,
        year_bounds=(YEAR_MIN, YEAR_MAX),
    )


@pages.get("/parse")
def parse_page() -> str:
    """上传解析: the upload form."""
    return render_parse()


@pages.post("/parse")
def parse_upload() -> str | tuple[str, int]:
    """Parse the uploaded file and show the record, its problems and the check verdict (the page without
    script; with script it runs in the background, ``service.pages.parsing``)."""
    upload = parse_request()
    if isinstance(upload, PageError):
        return render_parse(error=(upload.title, upload.detail)), upload.status
    try:
        view = upload.view(limits(), pages=page_source())
    except FormsError as exc:
        return render_parse(error=error_text(exc)), problem_kind(exc).status
    return render_parse(result=view)


@dataclass(frozen=True)
class PageError:
    """What the parse page says instead of a result (title, detail) and its HTTP status."""

    title: str
    detail: str
    status: int


@dataclass(frozen=True)
class Upload:
    """A file posted to the parse page, with what was chosen beside it."""

    data: bytes
    filename: str
    form: str | None
    checks: bool

    def view(
        self, limits: Limits, progress: Progress | None = None, pages: PageSource | None = None
    ) -> dict[str, Any]:
        """Parse it (``FormsError`` when it cannot be used): what the parse template shows of the result;
        a scan's pages recognised by ``pages``."""
        result = workflows.parse(
            self.data,
            self.filename,
            form=self.form,
            checks=self.checks,
            limits=limits,
            progress=progress,
            page_source=pages,
        )
        report = result.checks.to_dict() if result.checks is not None else None
        crops = workflows.uncertain_crops(self.data, result)
        return _result_view(result.definition, result.to_dict(), report, self.filename, crops)


def parse_request() -> Upload | PageError:
    """The parse page's form as posted, or what is wrong with it."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return PageError("未选择文件", "请选择一个 Word、PDF 或 Excel 文件后再上传。", 400)
    form_id = request.form.get("form") or None
    if form_id is not None and form_id not in FORMS:
        return PageError("未知的表单", str(UnknownForm(form_id)), 400)
    return Upload(upload.read(), upload.filename, form_id, bool(request.form.get("checks")))


def error_text(exc: Exception) -> tuple[str, str]:
    """The title and message the parse page shows for an upload that could not be used (our own fault:
    only that it happened, the log has the rest)."""
    if not isinstance(exc, FormsError):
        return problem_kind(exc).title, "解析时发生内部错误，详情已记入服务日志，请稍后重试。"
    return problem_kind(exc).title, strip_paths(str(exc))


@pages.get("/bundles")
@login_required(BUNDLE_ROLES)
def bundles_page() -> str:
    """批量审核: upload a zip of applications; the page's script follows the job and shows every unit.

    The 申报书 definition and the rule titles are embedded for the script, which lays each unit's record
    out per section as the parse page does."""
    settings = current_app.config["SETTINGS"]
    return render_template(
        "pages/bundles.html",
        accept=BUNDLE_ACCEPT,
        definition=form_as_dict(get_form("annex1")),
        result_labels=dict(RESULT_LABELS),
        max_upload_mb=settings.bundle_max_upload_mb,
        max_entries=settings.bundle_max_entries,
        brief_poll_files=BUNDLE_BRIEF_POLL_FILES,
    )


@pages.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
    limit = current_app.config["SETTINGS"].max_upload_mb
    return render_parse(error=("上传内容过大", f"文件超过允许的大小（{limit} MB）。")), 413


# --- parse page helpers ----------------------------------------------------------------------------------


def render_parse(*, result: dict[str, Any] | None = None, error: tuple[str, str] | None = None) -> str:
    return render_template(
        "pages/parse.html",
        forms=list(FORMS.values()),
        accept=UPLOAD_ACCEPT,
        result=result,
        error=error,
        result_labels=dict(RESULT_LABELS),
        T=FieldType,
    )


def _result_view(
    form: FormDef,
    parsed: dict[str, Any],
    report: dict[str, Any] | None,
    filename: str,
    crops: Mapping[str, bytes] | None = None,
) -> dict[str, Any]:
    """Everything the parse template shows, keyed so that a field finds its problems by dotted path; an
    uncertain recognised value's note carries the crop of the scan it was read from (``crops``)."""
    shown = _shown_paths(form)
    notes: dict[str, list[dict[str, Any]]] = {}
    for problem in parsed["problems"]:
        path = shown.get(_top_path(problem.get("field")), "")
        note = {**problem, "where": _row_hint(problem.get("field"))}
        if crops and problem["code"] == "ocr_uncertain" and problem.get("field") in crops:
            note["crop"] = "data:image/png;base64," + base64.b64encode(crops[problem["field"]]).decode()
        notes.setdefault(path, []).append(note)
    noted = set(notes)  # a field the reader already flagged: a V- rule restating it is not repeated there
    failed = [r for r in (report or {}).get("results", []) if r["passed"] is False]
    for result in failed:
        places = dict.fromkeys(shown.get(_top_path(path), "") for path in result["fields"] or [""])
        for place in places:
            if place and place in noted and result["rule"].startswith("V-"):
                continue
            # V-REQ lists every empty required field in one message: beside one field, say it of that one
            message = REQUIRED_NOTE if result["rule"] == "V-REQ" and place else result["message"]
            notes.setdefault(place, []).append(
                {"severity": result["severity"], "message": message, "rule": result}
            )
    record = parsed["record"]  # the record JSON of the spec, with form and schema_version
    return {
        "form": form,
        "filename": filename,
        "record": record,
        "provenance": parsed.get("provenance") or {},
        "notes": notes,
        "general": notes.get("", []),
        "problem_count": len(parsed["problems"]),
        "report": report,
        "record_href": _json_href(record),
        "result_href": _json_href(parsed),
        "json_name": f"{file_name(filename.rsplit('.', 1)[0]) or 'record'}.json",
    }


def _shown_paths(form: FormDef) -> dict[str, str]:
    """Dotted path → the row of the parse page it is shown on (``*_other`` text shows with its field)."""
    shown: dict[str, str] = {}
    for section in form.sections:
        for f in section.fields:
            path = f"{section.key}.{f.key}"
            shown[path] = path
            if f.other_key:
                shown[f"{section.key}.{f.other_key}"] = path
    return shown


def _top_path(path: str | None) -> str:
    """``performance.cases.2.title`` → ``performance.cases`` (the field a note is shown beside)."""
    return ".".join((path or "").split(".")[:2]) if path and "." in path else ""


def _row_hint(path: str | None) -> str:
    """``performance.cases.2.title`` → ``第3行`` (where in a table a problem is)."""
    parts = (path or "").split(".")
    return f"第{int(parts[2]) + 1}行" if len(parts) > 2 and parts[2].isdigit() else ""


def _json_href(data: Any) -> str:
    """A ``data:`` URL for a download link that works without script."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return "data:application/json;charset=utf-8," + quote(text, safe="")


def show_value(value: Any) -> str:
    """A record value as a person reads it: 是/否, lists joined with 、, ``—`` for empty."""
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def provenance_text(where: Mapping[str, Any] | None) -> str:
    """``{file, page, table, row, col}`` → ``来源：申报书.docx，第 2 页，表 3 第 4 行 第 2 列``.

    Tables, rows and columns count from 0 in provenance and from 1 for people."""
    if not where:
        return ""
    parts = [f"来源：{where.get('file') or '上传文件'}"]
    if where.get("page") is not None:
        parts.append(f"第 {where['page']} 页")
    cell = []
    if where.get("table") is not None:
        cell.append(f"表 {where['table'] + 1}")
    if where.get("row") is not None:
        cell.append(f"第 {where['row'] + 1} 行")
    if where.get("col") is not None:
        cell.append(f"第 {where['col'] + 1} 列")
    if cell:
        parts.append(" ".join(cell))
    return "，".join(parts)


def _bundles_url() -> str | None:
    """The bundle review page once the service has one (批量审核 shows "即将提供" until then)."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule in ("/bundles", "/bundle") and "GET" in (rule.methods or ()):
            return rule.rule
    return None


def lookup(provenance: Mapping[str, Any], paths: Iterable[str]) -> Mapping[str, Any] | None:
    """The first provenance entry among ``paths`` (a table cell falls back to its row, then its field)."""
    for path in paths:
        if path in provenance:
            return provenance[path]
    return None


def where(provenance: Mapping[str, Any], path: str) -> str:
    """The hover text for the value at ``path``."""
    parts = path.split(".")
    candidates = [".".join(parts[:n]) for n in range(len(parts), 1, -1)]
    return provenance_text(lookup(provenance, candidates))


from service.pages import annual, parsing  # noqa: E402, F401  (register the annual view, background parses)
