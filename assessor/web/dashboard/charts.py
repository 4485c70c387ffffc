"""Bar charts as geometry for the SVG templates (``dashboard/charts.html``).

Server-side and dependency-free: the numbers become rectangles and labels
here, the template only draws them, and each chart also carries its data
for a screen-reader table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Narrow enough that the labels stay legible when a phone scales the SVG down.
LABEL_WIDTH = 90
BAR_HEIGHT = 26
GAP = 10
CHART_WIDTH = 400
VALUE_SPACE = 56


@dataclass
class Bar:
    key: str
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float


@dataclass
class BarChart:
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    width: int = CHART_WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    empty: bool = True


def bar_chart(title: str, items: list[tuple[str, str, float]], *, description: str = "",
              fmt: str = "{:g}", maximum: float | None = None) -> BarChart:
    """Horizontal bars, one per ``(key, label, value)``; ``maximum`` fixes
    the full-width value (e.g. 1.0 for shares), else the largest value."""
    top = maximum if maximum is not None else max((v for _, _, v in items), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_SPACE
    chart = BarChart(title, description, empty=not any(v for _, _, v in items))
    for n, (key, label, value) in enumerate(items):
        width = span * value / top if top else 0.0
        # A zero still gets a sliver so the row does not look missing.
        chart.bars.append(Bar(key, label, value, fmt.format(value), LABEL_WIDTH,
                              n * (BAR_HEIGHT + GAP), max(width, 2.0)))
    chart.height = max(len(items) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return chart


def funnel_chart(stages: list[tuple[str, str, int]]) -> BarChart:
    text = ", ".join(f"{label} {n}" for _, label, n in stages)
    return bar_chart("Funnel", [(k, label, n) for k, label, n in stages],
                     description=f"Candidates at each stage: {text}.")


def level_chart(levels: list[tuple[str, int]]) -> BarChart:
    text = ", ".join(f"{level} {n}" for level, n in levels)
    return bar_chart("Levels", [(level.lower(), level, n) for level, n in levels],
                     description=f"Candidates per CEFR level: {text}.")


def vocabulary_chart(vocabulary: dict) -> BarChart | None:
    """The share of the answer's content words at each CEFR band."""
    shares = vocabulary.get("proportions") or {}
    counts = vocabulary.get("distribution") or {}
    if not shares:
        return None
    items = [(band.lower().replace("-", "_"), band, float(share)) for band, share in shares.items()]
    chart = bar_chart("Vocabulary profile", items, fmt="{:.0%}", maximum=1.0,
                      description="Share of content words at each level: " + ", ".join(
                          f"{band} {share:.0%} ({counts.get(band, 0)} words)"
                          for band, share in shares.items()) + ".")
    return chart
