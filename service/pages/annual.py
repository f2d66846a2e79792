"""The bundles page's annual view: ``/bundles/jobs/<id>/annual`` answers an HTML fragment — the annual
summary of a done job with its charts (SVG made here, ``service.pages.charts``), each platform's
year-over-year changes and its 年度核查 — which ``bundles.js`` inserts and filters.

Made from the job's stored JSON report, as ``/api/v1/jobs/<id>/statistics`` is; 409 before the job is
done, 404 when its bundle held no annual report.
"""

from __future__ import annotations

import json

from flask import abort, current_app, render_template, url_for

from forms.annual_statistics import show_change
from forms.annual_summary import STATUSES
from service import jobs
from service.pages import pages
from service.pages.charts import ranking_chart, status_chart, totals_chart

#: The metrics of the page's table, in its order.
TABLE_METRICS = ("revenue_itb", "clients", "staff_total")


@pages.get("/bundles/jobs/<job_id>/annual")
def bundle_annual(job_id: str) -> str:
    """The annual section of a done bundle job (an HTML fragment for the bundles page)."""
    report = json.loads(jobs.job_result(current_app.config["SETTINGS"], job_id, "report"))
    annual = report.get("annual")
    if not annual:
        abort(404, description=f"任务 {job_id} 的压缩包中没有年度运行情况表")
    stats = annual["statistics"]
    labels = {t["key"]: t["label"] for t in stats["totals"]}
    findings = {
        u["seq"]: [c["message"] for c in u["checks"] if c["passed"] is not True] + list(u.get("notes") or [])
        for u in annual["units"]
    }
    return render_template(
        "pages/_annual.html",
        annual=annual,
        stats=stats,
        statuses=STATUSES,
        metrics=[(key, labels[key]) for key in TABLE_METRICS],
        findings=findings,
        show_change=show_change,
        charts={
            "totals": totals_chart(stats["totals"]),
            "ranking": ranking_chart(stats["ranking"]),
            "status": status_chart(stats["by_status"]),
        },
        workbook=url_for("annual.get_annual_summary", job_id=job_id),
        statistics=url_for("annual.get_statistics", job_id=job_id),
    )
