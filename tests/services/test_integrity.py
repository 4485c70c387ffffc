"""Integrity signals a recruiter can trust: impossible typing and text without
key presses are flagged with their figures, a blocked paste is not a paste,
and the timeline merges repeats and sums up."""
from __future__ import annotations

from assessor.services.integrity import describe, flags_for, summary, timeline


def _burst(chars, ms, **extra):
    return {"type": "typing_burst", "chars": chars, "ms": ms, **extra}


def test_typing_beyond_human_speed_is_flagged_with_the_figures():
    fast = _burst(641, 4900, keys=641)  # what the issue saw: about 130 a second
    assert flags_for([fast], allow_paste=False) == ["inhuman_typing"]
    text, alert = describe(fast)
    assert alert and "641 characters in 4.9 s (131 per second)" in text
    assert flags_for([_burst(400, 60_000, keys=420)], allow_paste=False) == []  # 7 a second


def test_text_without_key_presses_is_flagged_but_old_events_are_not():
    scripted = _burst(120, 20_000, keys=0)  # slow enough, but no key was pressed
    assert flags_for([scripted], allow_paste=False) == ["no_key_events"]
    assert "no key pressed" in describe(scripted)[0]
    assert flags_for([_burst(120, 20_000)], allow_paste=False) == []  # no key count recorded


def test_a_blocked_paste_is_recorded_but_not_flagged():
    blocked = {"type": "paste", "chars": 12, "blocked": True}
    assert flags_for([blocked], allow_paste=False) == []
    assert describe(blocked) == ("Paste blocked (12 characters, none reached the answer)", False)
    assert flags_for([{"type": "paste", "chars": 12}], allow_paste=False) == ["paste"]
    assert flags_for([{"type": "paste", "chars": 12}], allow_paste=True) == []


def test_timeline_merges_repeats_and_summary_counts():
    events = [{"type": "blur", "at": "2026-01-01T10:00:00.120Z"},
              {"type": "blur", "at": "2026-01-01T10:00:00.120Z"},
              {"type": "focus", "at": "2026-01-01T10:02:00Z"},
              {"type": "paste", "chars": 30, "blocked": True, "at": "2026-01-01T10:02:05Z"},
              {"type": "paste", "chars": 30, "at": "2026-01-01T10:02:06Z"},
              {"type": "task_time", "ms": 90_000, "at": "2026-01-01T10:02:07Z"}]
    entries = timeline(events)
    assert [(e.type, e.times) for e in entries][:2] == [("blur", 2), ("focus", 1)]
    s = summary(events)
    assert (s.time_on_task_ms, s.pastes, s.blocked_pastes, s.focus_losses) == (90_000, 1, 1, 2)
    assert s.longest_pause_ms == 119_880
