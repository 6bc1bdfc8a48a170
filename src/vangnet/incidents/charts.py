"""Charts as SVG geometry, drawn by templates (``incidents/partials/chart_*.html``) on the
page and in the PDF alike. No JavaScript: every chart is a picture with a title and a
description, each bar carries its own figures (``<title>``, ``data-*``), and every chart
stands beside a table with the same figures (WCAG 1.1.1, 1.4.1: bars differ by pattern and
position as well as colour)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from vangnet.incidents.overview import Row

WIDTH = 720
HEIGHT = 260
LEFT = 40  # room for the axis labels
BOTTOM = 56  # room for the month labels
TOP = 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    key: str
    count: int
    title: str
    previous: bool  # the bar of the same period a year earlier


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    baseline: float
    left: int
    right: int


def _nice_step(top: int) -> int:
    """A round step for about four gridlines up to ``top``."""
    if top <= 4:
        return 1
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)


def month_chart(rows: Sequence[Row], *, compare: bool = True) -> Chart:
    """Bars per month: this period (dark) and, when ``compare``, the same month a year
    earlier (light, hatched) to its left."""
    top = max([1, *(r.count for r in rows), *((r.previous for r in rows) if compare else ())])
    step = _nice_step(top)
    scale_top = step * math.ceil(top / step)
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - 8
    slot = plot_w / max(1, len(rows))
    per = 2 if compare else 1
    bar_w = max(2.0, min(18.0, (slot - 6) / per))
    baseline = HEIGHT - BOTTOM
    bars: list[Bar] = []
    labels: list[Label] = []
    for i, row in enumerate(rows):
        x0 = LEFT + i * slot + (slot - per * bar_w) / 2
        values = [(row.previous, True), (row.count, False)] if compare else [(row.count, False)]
        for j, (value, previous) in enumerate(values):
            h = plot_h * value / scale_top
            if previous:
                title = _("%(month)s, een jaar eerder: %(n)s") % {"month": row.label, "n": value}
            else:
                title = _("%(month)s: %(n)s") % {"month": row.label, "n": value}
            bars.append(
                Bar(
                    round(x0 + j * bar_w, 1),
                    round(baseline - h, 1),
                    round(bar_w - 1, 1),
                    round(h, 1),
                    row.key,
                    value,
                    title,
                    previous,
                )
            )
        labels.append(
            Label(round(LEFT + i * slot + slot / 2, 1), baseline + 16, _short_month(row.key))
        )
    ticks = [
        Tick(round(baseline - plot_h * v / scale_top, 1), v) for v in range(0, scale_top + 1, step)
    ]
    return Chart(WIDTH, HEIGHT, bars, ticks, labels, baseline, LEFT, WIDTH - 8)


SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def _short_month(key: str) -> str:
    return f"{_(SHORT[int(key[5:7]) - 1])} {key[2:4]}"
