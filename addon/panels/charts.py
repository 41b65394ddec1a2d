"""Charts as SVG drawn on the server with pygal, so pages show them with no network access
(pygal's default script tags, which load from the web, are switched off)."""

from __future__ import annotations

import pygal
from pygal.style import Style

_STYLE = Style(background="transparent", plot_background="transparent",
               foreground="#172B4D", foreground_strong="#172B4D", foreground_subtle="#6B778C",
               colors=("#0052CC", "#36B37E", "#FF5630", "#FFAB00"), font_family="sans-serif")


def _config(**extra) -> dict:
    return {"style": _STYLE, "js": [], "disable_xml_declaration": True, "height": 260,
            "width": 720, "explicit_size": False, "legend_at_bottom": True,
            "print_values": False, **extra}


def cost_revenue_bars(labels: list[str], cost: list, revenue: list, currency: str) -> str:
    chart = pygal.Bar(**_config(title=f"Cost and revenue ({currency})", x_label_rotation=20))
    chart.x_labels = labels
    chart.add("Cost", [float(v) if v is not None else None for v in cost])  # display only
    chart.add("Revenue", [float(v) if v is not None else None for v in revenue])
    return chart.render(is_unicode=True)


def burn_line(points: list, thresholds: list[int]) -> str:
    chart = pygal.Line(**_config(title="Budget burn (%)", range=(0, max(
        [100, *thresholds, *(float(p) for _, p in points)]) * 1.1), x_label_rotation=20))
    chart.x_labels = [week.isoformat() for week, _ in points]
    chart.add("Burn", [float(p) for _, p in points])
    for threshold in thresholds:
        chart.add(f"{threshold} %", [threshold] * len(points), show_dots=False,
                  stroke_style={"dasharray": "4, 4"})
    return chart.render(is_unicode=True)
