"""Template filters and names the dashboard's templates share."""
from __future__ import annotations

from datetime import datetime

from flask import Flask

DECISIONS = {"pass": "Pass", "trainable": "Trainable", "not_yet": "Not yet"}
FLAG_LABELS = {"paste": "Pasted text", "focus_lost": "Left the page",
               "inhuman_typing": "Typing faster than a person",
               "no_key_events": "Text without key presses",
               "near_duplicate": "Near-duplicate of another answer",
               "auto_submitted": "Auto-submitted at time-out",
               "over_word_limit": "Over the word limit (kept at time-out)",
               "scoring_failed": "Scoring failed"}
STATUS_LABELS = {"new": "New", "in_review": "In review", "shortlisted": "Shortlisted",
                 "interview": "Interview", "rejected": "Rejected", "hired": "Hired",
                 "withdrawn": "Withdrawn"}


def when(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return value.strftime(fmt) + " UTC" if value else "—"


def day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def decision(value: str | None) -> str:
    return DECISIONS.get(value or "", "Pending") if value else "Pending"


def local_input(value: datetime | None) -> str:
    """The value a ``datetime-local`` field wants."""
    return value.strftime("%Y-%m-%dT%H:%M") if value else ""


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        dash_when=when, dash_day=day, dash_decision=decision, dash_local_input=local_input,
        dash_flag=lambda f: FLAG_LABELS.get(f, f),
        dash_status=lambda s: STATUS_LABELS.get(s, s),
    )
