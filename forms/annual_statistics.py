"""The aggregates of a bundle of annual reports: totals of the key metrics this year and last year, counts
by 年度核查, and each platform's year-over-year change. One plain function the 年度运行情况汇总表 (its 统计图
and 年度评价 sheets), the bundles page and ``GET /api/v1/jobs/{id}/statistics`` all use.

Last year's value of a metric is the one in last year's report of the same platform (same 统一社会信用代码)
when that report is given; without it, a capacity metric falls back to this year's own 上年末 column, and
an operations metric has no last-year value. Totals compare like with like: the change of a total is
computed over the platforms that have both years' values (``compared`` says how many).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from forms.annual_summary import METRICS, STATUSES, annual_status, get_path
from forms.uscc import fold_uscc

_CENT = Decimal("0.01")


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _plain(value: Decimal | None, whole: bool) -> int | float | None:
    if value is None:
        return None
    return int(value) if whole else float(value.quantize(_CENT, ROUND_HALF_UP))


def change_pct(current: Decimal | None, previous: Decimal | None) -> float | None:
    """``(current − previous) / previous × 100`` rounded half up to 2 decimals; None without a base."""
    if current is None or previous is None or previous == 0:
        return None
    return float(((current - previous) / previous * 100).quantize(_CENT, ROUND_HALF_UP))


def show_change(pct: float | None) -> str | None:
    """A change as the workbook and the page print it: ``+12.3%`` / ``−4.0%`` (one decimal, half up)."""
    if pct is None:
        return None
    shown = Decimal(str(pct)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"+{shown}%" if shown >= 0 else f"−{-shown}%"


def uscc_key(record: Mapping[str, Any] | None) -> str | None:
    """The folded 统一社会信用代码 of an annual record (how platforms are matched year to year)."""
    code = get_path(record, "header.uscc")
    return fold_uscc(code) if isinstance(code, str) and code.strip() else None


def _last_year(record: Mapping[str, Any], last: Mapping[str, Any] | None, path: str, own: str | None) -> Any:
    if last is not None:
        return get_path(last, path)
    return get_path(record, own) if own else None


def annual_statistics(
    units: Sequence[Mapping[str, Any]], previous: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """The aggregates of annual ``units`` (each ``{seq, uscc, platform_name, record, checks}``) against
    ``previous`` (last year's records by folded 统一社会信用代码), JSON-ready::

        {"report_year", "platform_count", "with_previous",
         "by_status": {"正常": n, "需关注": n, "不符合": n, "待补充": n},
         "totals": [{key, label, current, previous, compared, change_pct}],
         "ranking": [{seq, platform_name, uscc, revenue_itb}],          # by 产业技术基础服务收入, high first
         "platforms": [{seq, platform_name, uscc, status, has_previous,
                        metrics: {key: {current, previous, change_pct}}}]}
    """
    previous = previous or {}
    by_status = dict.fromkeys(STATUSES, 0)
    # per metric: [this year over all platforms, this year and last year over the platforms with both]
    sums: dict[str, list[Decimal]] = {key: [Decimal(0), Decimal(0), Decimal(0)] for key, *_ in METRICS}
    compared = dict.fromkeys(sums, 0)
    platforms: list[dict[str, Any]] = []
    years = []
    for unit in units:
        record = unit.get("record") or {}
        last = previous.get(uscc_key(record) or "")
        status = annual_status(unit.get("checks") or [])
        by_status[status] += 1
        if isinstance(year := get_path(record, "header.report_year"), int):
            years.append(year)
        metrics = {}
        for key, _label, path, own, whole in METRICS:
            now = _number(get_path(record, path))
            then = _number(_last_year(record, last, path, own))
            metrics[key] = {
                "current": _plain(now, whole),
                "previous": _plain(then, whole),
                "change_pct": change_pct(now, then),
            }
            if now is not None:
                sums[key][0] += now
            if now is not None and then is not None:
                sums[key][1] += now
                sums[key][2] += then
                compared[key] += 1
        platforms.append(
            {
                "seq": unit.get("seq"),
                "platform_name": unit.get("platform_name"),
                "uscc": unit.get("uscc"),
                "status": status,
                "has_previous": last is not None,
                "metrics": metrics,
            }
        )
    totals = []
    for key, label, _path, _own, whole in METRICS:
        total, now_pairs, then_pairs = sums[key]
        totals.append(
            {
                "key": key,
                "label": label,
                "current": _plain(total, whole),
                "previous": _plain(then_pairs, whole) if compared[key] else None,
                "compared": compared[key],
                "change_pct": change_pct(now_pairs, then_pairs) if compared[key] else None,
            }
        )

    def itb(p: Mapping[str, Any]) -> Any:
        return p["metrics"]["revenue_itb"]["current"]

    ranked = sorted(platforms, key=lambda p: (itb(p) is None, -(itb(p) or 0)))
    return {
        "report_year": max(set(years), key=years.count) if years else None,
        "platform_count": len(platforms),
        "with_previous": sum(p["has_previous"] for p in platforms),
        "by_status": by_status,
        "totals": totals,
        "ranking": [
            {
                "seq": p["seq"],
                "platform_name": p["platform_name"],
                "uscc": p["uscc"],
                "revenue_itb": p["metrics"]["revenue_itb"]["current"],
            }
            for p in ranked
        ],
        "platforms": platforms,
    }
