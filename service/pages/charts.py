"""The annual statistics as SVG charts made on the server (no chart library, no CDN, no script): plain
horizontal bars a screen reader can follow (each chart has a ``<title>`` and a text label per bar).

Every text is escaped; numbers are laid out from the statistics of ``forms.annual_statistics``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from forms.annual_statistics import show_change

WIDTH = 640
LABEL_W = 200
VALUE_W = 150
BAR_H = 14
#: 本年 / 上年 and the 年度核查 colours (the pages' verdict colours).
THIS_YEAR, LAST_YEAR = "#2f5597", "#a9bcd9"
STATUS_COLOURS = {"正常": "#2e7d32", "需关注": "#b26a00", "不符合": "#c62828", "待补充": "#6d6d6d"}


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _svg(title: str, height: int, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _bar(x: float, y: float, width: float, colour: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}" height="{BAR_H}" fill="{colour}"/>'


def totals_chart(totals: Sequence[Mapping[str, Any]]) -> Markup:
    """Each key metric: this year's total and last year's (like for like) as two bars scaled to the pair."""
    span = WIDTH - LABEL_W - VALUE_W
    body = [
        _bar(LABEL_W, 4, 10, THIS_YEAR),
        _text(LABEL_W + 14, 14, "本年合计"),
        _bar(LABEL_W + 90, 4, 10, LAST_YEAR),
        _text(LABEL_W + 104, 14, "上年合计（可比平台）"),
    ]
    y = 28
    for total in totals:
        now, then = total.get("current") or 0, total.get("previous") or 0
        top = max(now, then) or 1
        body.append(_text(LABEL_W - 8, y + BAR_H + 3, str(total.get("label", "")), "end"))
        body.append(_bar(LABEL_W, y, span * now / top, THIS_YEAR))
        body.append(_text(LABEL_W + span * now / top + 4, y + 11, _number(total.get("current")), cls="value"))
        body.append(_bar(LABEL_W, y + BAR_H + 2, span * then / top, LAST_YEAR))
        change = show_change(total.get("change_pct"))
        shown = _number(total.get("previous")) + (f"（{change}）" if change else "")
        body.append(_text(LABEL_W + span * then / top + 4, y + BAR_H + 13, shown, cls="value"))
        y += 2 * BAR_H + 12
    return _svg("主要指标：本年与上年合计", y, body)


def ranking_chart(ranking: Sequence[Mapping[str, Any]]) -> Markup:
    """The platforms by 产业技术基础服务收入, the highest first."""
    span = WIDTH - LABEL_W - VALUE_W
    top = max((r.get("revenue_itb") or 0 for r in ranking), default=0) or 1
    body = []
    y = 6
    for r in ranking:
        value = r.get("revenue_itb") or 0
        name = str(r.get("platform_name") or "（未识别平台名称）")
        body.append(_text(LABEL_W - 8, y + 11, name if len(name) <= 14 else name[:13] + "…", "end"))
        body.append(_bar(LABEL_W, y, span * value / top, THIS_YEAR))
        body.append(
            _text(LABEL_W + span * value / top + 4, y + 11, _number(r.get("revenue_itb")), cls="value")
        )
        y += BAR_H + 8
    return _svg("各平台产业技术基础服务收入（万元）排名", y + 4, body)


def status_chart(by_status: Mapping[str, int]) -> Markup:
    """The 年度核查 results as one bar split by result, with a legend of counts."""
    total = sum(by_status.values()) or 1
    body = []
    x = 0.0
    for status, count in by_status.items():
        width = WIDTH * count / total
        if count:
            body.append(
                f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="24" fill="{STATUS_COLOURS[status]}"/>'
            )
        x += width
    legend_x = 0
    for status, count in by_status.items():
        body.append(f'<rect x="{legend_x}" y="34" width="12" height="12" fill="{STATUS_COLOURS[status]}"/>')
        body.append(_text(legend_x + 16, 45, f"{status} {count}"))
        legend_x += 120
    return _svg("年度核查结果分布", 52, body)
