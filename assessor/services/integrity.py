"""What an answer's browser events say about how it was written: the flags
an attempt gets, and the timeline and summary a recruiter reads.

One place for these rules, because the autosave, the form path, the API and
the dashboard must agree on what counts as a paste or as impossible typing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

#: Sustained typing above this is beyond human speed (fast typists reach
#: about 10 characters a second; 15 leaves room for bursts of short words).
MAX_HUMAN_CHARS_PER_SECOND = 15.0
#: Bursts shorter than this say too little about speed to flag.
MIN_BURST_CHARS = 50
#: A burst shorter than this took "no time": its speed is judged over one second.
MIN_BURST_MS = 1000
FOCUS_LOST = ("blur", "tab_hidden")
NO_EVENTS_NOTE = ("No browser events were recorded for this answer (it was sent through the API "
                  "or from a page without JavaScript), so pasting and typing speed cannot be seen.")


def _num(event: dict[str, Any], key: str) -> float:
    value = event.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def arrived_paste(event: dict[str, Any]) -> bool:
    """A paste whose text reached the answer; a blocked one never did."""
    return event.get("type") == "paste" and not event.get("blocked") and _num(event, "chars") > 0


def burst_speed(event: dict[str, Any]) -> float:
    return _num(event, "chars") * 1000 / max(_num(event, "ms"), MIN_BURST_MS)


def too_fast(event: dict[str, Any]) -> bool:
    return (event.get("type") == "typing_burst" and _num(event, "chars") >= MIN_BURST_CHARS
            and burst_speed(event) > MAX_HUMAN_CHARS_PER_SECOND)


def without_keys(event: dict[str, Any]) -> bool:
    """Text that appeared as typing with no key pressed (a script, not a person).
    Only bursts that report their key count can say so."""
    return (event.get("type") == "typing_burst" and "keys" in event
            and _num(event, "keys") == 0 and _num(event, "chars") >= MIN_BURST_CHARS)


def flags_for(events: Iterable[dict[str, Any]], allow_paste: bool) -> list[str]:
    """The attempt flags these events raise."""
    events = list(events)
    out = []
    if not allow_paste and any(arrived_paste(e) for e in events):
        out.append("paste")
    if any(e.get("type") in FOCUS_LOST for e in events):
        out.append("focus_lost")
    if any(too_fast(e) for e in events):
        out.append("inhuman_typing")
    if any(without_keys(e) for e in events):
        out.append("no_key_events")
    return out


@dataclass
class Entry:
    at: datetime | None
    type: str
    text: str
    times: int = 1
    alert: bool = False


@dataclass
class Summary:
    time_on_task_ms: int = 0
    longest_pause_ms: int = 0
    pastes: int = 0
    blocked_pastes: int = 0
    focus_losses: int = 0
    alerts: list[str] = field(default_factory=list)


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def describe(event: dict[str, Any]) -> tuple[str, bool]:
    """The event in words with its figures, and whether it is a warning sign."""
    kind, chars, ms = event.get("type", ""), int(_num(event, "chars")), int(_num(event, "ms"))
    if kind == "paste":
        if event.get("blocked"):
            return f"Paste blocked ({chars} characters, none reached the answer)", False
        return f"Pasted {chars} characters", chars > 0
    if kind == "typing_burst":
        text = f"Typed {chars} characters in {ms / 1000:.1f} s ({burst_speed(event):.0f} per second)"
        if without_keys(event):
            return text + " with no key pressed: the text did not come from the keyboard", True
        if too_fast(event):
            return text + f": faster than a person types (over {MAX_HUMAN_CHARS_PER_SECOND:g} per second)", True
        return text, False
    if kind == "task_time":
        return f"On the task page for {ms / 1000:.0f} s", False
    labels = {"blur": "Left the window", "focus": "Came back to the window",
              "tab_hidden": "Switched to another tab", "tab_visible": "Came back to the tab",
              "copy": "Copied text", "cut": "Cut text"}
    return labels.get(kind, kind.replace("_", " ")), False


def timeline(events: Iterable[dict[str, Any]]) -> list[Entry]:
    """Events in time order, with repeats of the same event at the same
    moment (a save retried, two listeners) merged into one entry."""
    rows = sorted((e for e in events if isinstance(e, dict)), key=lambda e: str(e.get("at", "")))
    out: list[Entry] = []
    for event in rows:
        text, alert = describe(event)
        at = _when(event.get("at"))
        last = out[-1] if out else None
        if last is not None and last.text == text and last.at == at and at is not None:
            last.times += 1
            continue
        out.append(Entry(at, str(event.get("type", "")), text, alert=alert))
    return out


def summary(events: Iterable[dict[str, Any]]) -> Summary:
    events = [e for e in events if isinstance(e, dict)]
    out = Summary()
    out.time_on_task_ms = int(sum(_num(e, "ms") for e in events if e.get("type") == "task_time"))
    times = sorted(t for t in (_when(e.get("at")) for e in events) if t is not None)
    gaps = [(b - a).total_seconds() * 1000 for a, b in zip(times, times[1:])]
    out.longest_pause_ms = int(max(gaps, default=0))
    out.pastes = sum(1 for e in events if arrived_paste(e))
    out.blocked_pastes = sum(1 for e in events if e.get("type") == "paste" and e.get("blocked"))
    out.focus_losses = sum(1 for e in events if e.get("type") in FOCUS_LOST)
    out.alerts = [describe(e)[0] for e in events if too_fast(e) or without_keys(e)]
    return out
