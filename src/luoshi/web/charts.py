"""Chart geometry for server-drawn SVG (no chart library, nothing to download): a donut
of the status mix and a line chart of progress against expectation."""

import math
from dataclasses import dataclass


@dataclass
class Segment:
    key: str
    label: str
    value: int
    colour: str
    dash: str
    offset: str
    url: str


def donut(parts: list[tuple[str, str, int, str, str]], radius: float = 52) -> list[Segment]:
    """Segments of a donut drawn as circle strokes: (key, label, value, colour, url)."""
    total = sum(p[2] for p in parts) or 1
    circumference = 2 * math.pi * radius
    segments, start = [], 0.0
    for key, label, value, colour, url in parts:
        length = circumference * value / total
        if value:
            segments.append(
                Segment(
                    key,
                    label,
                    value,
                    colour,
                    f"{length:.2f} {circumference - length:.2f}",
                    f"{-start:.2f}",
                    url,
                )
            )
        start += length
    return segments


@dataclass
class LineChart:
    width: int
    height: int
    series: list[dict]
    xlabels: list[dict]
    ylabels: list[dict]


def line_chart(
    labels: list[str], series: list[tuple[str, str, list[float]]], width=520, height=200
) -> LineChart:
    """Lines over the same x labels, y from 0 to 100 (%)."""
    left, right, top, bottom = 34, 10, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    count = max(len(labels) - 1, 1)

    def xy(index, value):
        return left + plot_w * index / count, top + plot_h * (1 - max(0.0, min(100.0, value)) / 100)

    lines = []
    for name, colour, values in series:
        points = [xy(i, v) for i, v in enumerate(values)]
        lines.append(
            {
                "name": name,
                "colour": colour,
                "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                "dots": [
                    {"x": f"{x:.1f}", "y": f"{y:.1f}", "v": v}
                    for (x, y), v in zip(points, values, strict=True)
                ],
            }
        )
    xlabels = [{"x": f"{xy(i, 0)[0]:.1f}", "y": height - 6, "text": t} for i, t in enumerate(labels)]
    ylabels = [
        {"y": f"{xy(0, v)[1]:.1f}", "text": f"{v}%", "x1": left, "x2": width - right}
        for v in (0, 25, 50, 75, 100)
    ]
    return LineChart(width, height, lines, xlabels, ylabels)
