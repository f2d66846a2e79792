"""The bundles page's annual view: ``/bundles/jobs/<id>/annual`` answers an HTML fragment — the annual
summary of a done job with its charts (SVG made here, ``service.pages.charts``), each platform's
year-over-year changes and its 年度核查 — which ``bundles.js`` inserts and filters.

Made from the job's stored JSON report, as ``/api/v1/jobs/<id>/statistics`` is; 409 before the job is
done, 404 when its bundle held no annual report.
"""

from __future__ import annotations

from flask import render_template, url_for

from forms.annual_statistics import show_change
from forms.annual_summary import STATUSES
from service.api.annual import job_report
from service.pages import pages
from service.pages.charts import ranking_chart, status_chart, totals_chart
from templates.summary import findings

#: The metrics of the page's table, in its order.
TABLE_METRICS = ("revenue_itb", "clients", "staff_total")


@pages.get("/bundles/jobs/<job_id>/annual")
def bundle_annual(job_id: str) -> str:
    """The annual section of a done bundle job (an HTML fragment for the bundles page)."""
    annual = job_report(job_id)["annual"]
    stats = annual["statistics"]
    labels = {t["key"]: t["label"] for t in stats["totals"]}
    lines = {u["seq"]: findings(u) for u in annual["units"]}
    return render_template(
        "pages/_annual.html",
        annual=annual,
        stats=stats,
        statuses=STATUSES,
        metrics=[(key, labels[key]) for key in TABLE_METRICS],
        findings=lines,
        show_change=show_change,
        charts={
            "totals": totals_chart(stats["totals"]),
            "ranking": ranking_chart(stats["ranking"]),
            "status": status_chart(stats["by_status"]),
        },
        workbook=url_for("annual.get_annual_summary", job_id=job_id),
        statistics=url_for("annual.get_statistics", job_id=job_id),
    )
