"""Inline SVG charts drawn on the server (no chart library, nothing from a CDN)."""
from __future__ import annotations

from typing import Any

from ...scoring.types import CEFR_LEVELS

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


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
    coords = [{"x": round(LEFT + (i * step if len(points) > 1 else span / 2), 1),
               "y": round(_y(r["score"]), 1), "cefr": r["cefr"], "n": i + 1,
               "label": r["date"].strftime("%-d %b") if r.get("date") else f"#{i + 1}"}
              for i, r in enumerate(points)]
    bands = [{"cefr": c, "y": round(_y(100 * i / 6), 1), "mid": round(_y(100 * (i + 0.5) / 6), 1)}
             for i, c in enumerate(CEFR_LEVELS)]
    bar = points[-1].get("required_score")
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT,
            "points": coords, "path": " ".join(f"{p['x']},{p['y']}" for p in coords),
            "bands": bands, "bar_y": round(_y(bar), 1) if bar is not None else None,
            "bar_cefr": points[-1].get("required_cefr"), "axis_y": HEIGHT - BOTTOM, "top": TOP}
