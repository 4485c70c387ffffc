"""Reading HTML form fields: every value arrives as text and leaves as the
type the service layer expects, or as an InputError naming the field."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import request

from ...services.errors import InputError
from ...services.filters import bounded_number


def text(name: str, limit: int = 2000, *, required: bool = False, label: str = "") -> str:
    value = (request.form.get(name) or "").strip()
    if required and not value:
        raise InputError(f"{label or name} is required")
    if len(value) > limit:
        raise InputError(f"{label or name} must be at most {limit} characters")
    return value


def opt_int(name: str, low: int, high: int, label: str = "") -> int | None:
    return bounded_number((request.form.get(name) or "").strip() or None, label or name, low, high)


def opt_float(name: str, low: float, high: float, label: str = "") -> float | None:
    return bounded_number((request.form.get(name) or "").strip() or None, label or name, low,
                          high, kind=float)


def checkbox(name: str) -> bool:
    return request.form.get(name) in ("1", "on", "true", "yes")


def opt_datetime(name: str, label: str = "") -> datetime | None:
    """A ``datetime-local`` field, taken as UTC (the form says so)."""
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{label or name} must be a date and time such as 2026-01-31T09:00") \
            from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def choice(name: str, allowed: tuple[str, ...], label: str = "", *,
           required: bool = False) -> str | None:
    value = (request.form.get(name) or "").strip()
    if not value:
        if required:
            raise InputError(f"choose a {label or name}")
        return None
    if value not in allowed:
        raise InputError(f"{label or name} must be one of {', '.join(allowed)}")
    return value
