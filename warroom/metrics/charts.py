"""Server-rendered SVG charts of the metrics: no JavaScript, no CDN. One dot per incident in the
order they were declared, on a logarithmic time axis (seconds to days fit one chart), and the
median as a dashed line."""

from __future__ import annotations

import math
import statistics
from html import escape

from warroom.metrics.compute import IncidentMetrics
from warroom.metrics.words import human

# The viewBox is about the size the chart is shown at, so its text keeps the page's size.
WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 66, 8, 10, 24
TICKS = [1, 10, 60, 600, 1800, 3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400]  # s


def dot_chart(metrics: list[IncidentMetrics], key: str, label: str) -> str:
    points = [(m, v) for m in metrics if (v := m.seconds[key]) is not None]
    if not points:
        return ""
    values = [max(v, 1.0) for _, v in points]
    low = max(t for t in TICKS if t <= min(values))  # the tick just below the fastest
    high = max(values) * 1.2
    ticks = [t for t in TICKS if low <= t <= high]

    def y(seconds: float) -> float:
        span = math.log10(high) - math.log10(low) or 1
        share = (math.log10(max(seconds, low)) - math.log10(low)) / span
        return TOP + (1 - share) * (HEIGHT - TOP - BOTTOM)

    def x(index: int) -> float:
        usable = WIDTH - LEFT - RIGHT
        return LEFT + (usable * (index + 0.5) / len(points))

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}, one dot per incident">'
    ]
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/><text class="tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{human(tick)}</text>'
        )
    median = statistics.median(values)
    parts.append(
        f'<line class="median" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(median):.1f}" '
        f'y2="{y(median):.1f}"><title>median {human(median)}</title></line>'
    )
    for index, (m, seconds) in enumerate(points):
        parts.append(
            f'<circle class="dot sev-{m.severity}" cx="{x(index):.1f}" cy="{y(seconds):.1f}" r="3.5">'
            f"<title>{escape(m.title)} ({m.severity}, {m.declared_at:%Y-%m-%d}): "
            f"{human(seconds)}</title></circle>"
        )
    first, last = points[0][0].declared_at, points[-1][0].declared_at
    parts.append(
        f'<text class="tick" x="{LEFT}" y="{HEIGHT - 8}">{first:%Y-%m-%d}</text>'
        f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
        f"{last:%Y-%m-%d}</text></svg>"
    )
    return "".join(parts)
