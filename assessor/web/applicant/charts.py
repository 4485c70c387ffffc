"""Inline SVG charts drawn on the server (no chart library, nothing from a CDN)."""
from __future__ import annotations

from typing import Any

from ...scoring.types import CEFR_LEVELS

WIDTH, HEIGHT = 400, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 26, 14, 32


def _y(score: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - score / 100.0)


def progress_chart(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Coordinates for the progress chart: one point per scored attempt, the
    CEFR bands as gridlines and the role's bar as a dashed line."""
    points = [r for r in rows if r.get("score") is not None]
    if not points:
        return None
    span = WIDTH - LEFT - RIGHT
    step = span / max(len(points) - 1, 1)
    bar = points[-1].get("required_score")
    bar_y = _y(bar) if bar is not None else None
    coords = []
    for i, r in enumerate(points):
        y = _y(r["score"])
        # Level labels sit above the point unless that would cross the bar's line.
        above = bar_y is None or not 0 < y - bar_y < 20
        coords.append({"x": round(LEFT + (i * step if len(points) > 1 else span / 2), 1),
                       "y": round(y, 1), "label_y": round(y - 10 if above else y + 20, 1),
                       "cefr": r["cefr"], "n": i + 1,
                       "label": r["date"].strftime("%-d %b") if r.get("date") else f"#{i + 1}"})
    bands = [{"cefr": c, "y": round(_y(100 * i / 6), 1), "mid": round(_y(100 * (i + 0.5) / 6), 1)}
             for i, c in enumerate(CEFR_LEVELS)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "points": coords, "path": " ".join(f"{p['x']},{p['y']}" for p in coords),
            "bands": bands, "bar_y": round(bar_y, 1) if bar_y is not None else None,
            "bar_cefr": points[-1].get("required_cefr"), "axis_y": HEIGHT - BOTTOM, "top": TOP}
