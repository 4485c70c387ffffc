"""What the feedback page shows, built from the stored results.

Levels with plain "can do" descriptors (``data/feedback/descriptors.json``),
each answer cut into plain and highlighted pieces by the issues' offsets into
the original text, vocabulary advice, the decision in kind words, and what
to practise with the retake date.
"""
from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ...db.models import Attempt
from ...errors import DataError
from ...scoring.types import CEFR_LEVELS, level_to_cefr
from ...services.applicant import Retake
from ...services.decision_reasons import explain_attempt

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def descriptors() -> dict[str, Any]:
    """The shipped feedback texts, loaded once."""
    with _lock:
        if "data" not in _cache:
            path = resources.files("assessor") / "data" / "feedback" / "descriptors.json"
            try:
                _cache["data"] = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise DataError(f"feedback descriptors {path} are missing or malformed") from exc
        return _cache["data"]


@dataclass
class Piece:
    text: str
    issue: int | None = None  # 1-based number of the issue highlighted here
    category: str = ""


@dataclass
class AnswerView:
    title: str
    prompt: str
    text: str
    pieces: list[Piece]
    issues: list[dict[str, Any]]
    cefr: str | None
    status: str | None
    warnings: list[str] = field(default_factory=list)


def pieces(text: str, issues: list[dict[str, Any]]) -> list[Piece]:
    """Split ``text`` into plain and highlighted pieces. Issues are numbered in
    text order; one overlapping an earlier highlight is listed but not marked."""
    out: list[Piece] = []
    pos = 0
    for number, issue in enumerate(issues, start=1):
        start = max(int(issue.get("offset", 0)), 0)
        end = min(start + max(int(issue.get("length", 0)), 0), len(text))
        if start < pos or start >= len(text) or end <= start:
            continue
        if start > pos:
            out.append(Piece(text[pos:start]))
        out.append(Piece(text[start:end], number, issue.get("category", "")))
        pos = end
    if pos < len(text):
        out.append(Piece(text[pos:]))
    return out


def _answer_view(answer, data: dict[str, Any]) -> AnswerView:
    result = answer.latest_score.result if answer.latest_score else {}
    text = answer.text or ""
    issues = sorted(result.get("issues") or [], key=lambda i: (i.get("offset", 0),
                                                               i.get("length", 0)))
    labels = data["categories"]
    listed = [{**i, "number": n, "label": labels.get(i.get("category"), {}).get("label", "Note"),
               "excerpt": text[i.get("offset", 0):i.get("offset", 0) + i.get("length", 0)],
               "suggestions": list(i.get("suggestions") or [])[:3]}
              for n, i in enumerate(issues, start=1)]
    warnings = [w.get("message", "") for w in result.get("warnings") or []
                if result.get("status") != "scored" or w.get("code") in ("too_short", "off_topic")]
    return AnswerView(answer.task.title, answer.task.prompt, text, pieces(text, issues), listed,
                      result.get("cefr"), result.get("status"), warnings)


def _weighted(answers, trait: str) -> str | None:
    pairs = [((a.latest_score.result.get(trait) or {}).get("level"), a.word_count or 1)
             for a in answers if a.latest_score is not None]
    pairs = [(lv, w) for lv, w in pairs if lv is not None]
    total = sum(w for _, w in pairs)
    return level_to_cefr(sum(lv * w for lv, w in pairs) / total) if total else None


def vocabulary_advice(answers, vocab_cefr: str | None) -> dict[str, Any]:
    """Overused basic words with alternatives, and words one level up."""
    overused: dict[str, dict[str, Any]] = {}
    advanced: list[str] = []
    suggested: list[dict[str, Any]] = []
    profiled = False
    for answer in answers:
        vocab = ((answer.latest_score.result if answer.latest_score else {})
                 .get("details") or {}).get("vocabulary") or {}
        profiled = profiled or bool(vocab)
        for item in vocab.get("overused") or []:
            entry = overused.setdefault(item["lemma"], {"lemma": item["lemma"], "count": 0,
                                                        "alternatives": []})
            entry["count"] += item.get("count", 0)
            for alt in item.get("alternatives") or []:
                if alt not in entry["alternatives"]:
                    entry["alternatives"].append(alt)
        advanced += [w for w in vocab.get("advanced_words") or [] if w not in advanced]
        suggested += vocab.get("next_level_words") or []
    index = CEFR_LEVELS.index(vocab_cefr) if vocab_cefr in CEFR_LEVELS else 1
    target = CEFR_LEVELS[min(index + 1, len(CEFR_LEVELS) - 1)]
    next_words = [w if isinstance(w, dict) else {"word": w, "level": target} for w in suggested]
    for entry in overused.values():
        next_words += [a for a in entry["alternatives"] if a.get("level") == target]
    seen, unique = set(), []
    for w in next_words:
        if w["word"] not in seen:
            seen.add(w["word"])
            unique.append(w)
    return {"profiled": profiled, "overused": sorted(overused.values(), key=lambda e: -e["count"]),
            "next_level": target, "next_words": unique[:12], "advanced": advanced[:12]}


def practice(answers, data: dict[str, Any]) -> list[dict[str, str]]:
    """Tips for the issue categories that came up most, most frequent first."""
    counts: Counter = Counter()
    for answer in answers:
        result = answer.latest_score.result if answer.latest_score else {}
        counts.update(i.get("category") for i in result.get("issues") or [])
    tips = [{"label": data["categories"][c]["label"], "tip": data["categories"][c]["practise"],
             "count": n} for c, n in counts.most_common(3) if c in data["categories"]]
    return tips + [{"label": "", "tip": t, "count": 0} for t in data["general_practice"]]


def build_feedback(attempt: Attempt, data: dict[str, Any], retake: Retake) -> dict[str, Any]:
    answers = [a for a in attempt.answers if a.submitted_at]
    levels = {"overall": attempt.final_cefr, "grammar": _weighted(answers, "grammar"),
              "vocabulary": _weighted(answers, "vocabulary")}
    described = [{"trait": trait, "cefr": cefr,
                  "name": data["levels"].get(cefr, {}).get("name", ""),
                  "can_do": data["levels"].get(cefr, {}).get(trait, "")}
                 for trait, cefr in levels.items()]
    decision = "review" if attempt.needs_review or not attempt.final_decision \
        else attempt.final_decision
    why = explain_attempt(attempt)
    return {
        "why": why.applicant_reasons, "review_why": why.review,
        "levels": described, "scale": CEFR_LEVELS,
        "decision": decision, "decision_text": data["decisions"].get(decision, {}),
        "answers": [_answer_view(a, data) for a in answers],
        "vocabulary": vocabulary_advice(answers, levels["vocabulary"]),
        "practice": practice(answers, data) if decision != "pass" else [],
        "retake": retake,
        "required": (attempt.assessment.profile or {}).get("min_overall"),
    }
