"""Decide pass / trainable / not yet against a role profile, with reasons a person can read."""
from __future__ import annotations

from dataclasses import dataclass

from .profiles import RoleProfile
from .types import Decision, TraitScore

_TRAIT_NAMES = {"overall": "Overall level", "grammar": "Grammar", "vocabulary": "Vocabulary"}


@dataclass(frozen=True)
class Evidence:
    """What the decision looks at, already computed by the scorer."""

    overall: TraitScore
    grammar: TraitScore
    vocabulary: TraitScore
    confidence: float
    grammar_errors_per_100: float
    spelling_errors_per_100: float
    #: Reasons from the input guards that a recruiter must see (copied prompt,
    #: near-duplicate, padding …); any of them means human review.
    flags: tuple[str, ...] = ()


def _trait_verdicts(profile: RoleProfile, ev: Evidence) -> tuple[list[str], list[str], list[float]]:
    fails, shorts, gaps = [], [], []
    for trait in ("overall", "grammar", "vocabulary"):
        score: TraitScore = getattr(ev, trait)
        bar = profile.bar(trait)
        need = getattr(profile, f"min_{trait}")
        gap = bar - (score.level or 0.0)
        gaps.append(gap)
        if gap <= -profile.pass_margin:
            continue
        if gap <= 0:
            shorts.append(f"{_TRAIT_NAMES[trait]} is {score.cefr}, only just at this role's bar ({need}); "
                          "a recruiter should confirm it.")
            continue
        text = f"{_TRAIT_NAMES[trait]} is {score.cefr}; this role needs {need}."
        (shorts if gap <= profile.trainable_margin else fails).append(text)
    return fails, shorts, gaps


def _rate_verdicts(profile: RoleProfile, ev: Evidence) -> list[str]:
    reasons = []
    limits = (("grammar", profile.max_grammar_errors_per_100, ev.grammar_errors_per_100),
              ("spelling", profile.max_spelling_errors_per_100, ev.spelling_errors_per_100))
    for name, limit, rate in limits:
        if limit is not None and rate > limit:
            reasons.append(f"{rate:.1f} {name} errors per 100 words; this role allows at most {limit:g}.")
    return reasons


def decide(profile: RoleProfile, ev: Evidence) -> Decision:
    fails, shorts, gaps = _trait_verdicts(profile, ev)
    # Error rates alone never make an answer "not yet": a fluent writer with
    # careless slips is exactly who training fixes.
    shorts += _rate_verdicts(profile, ev)
    if fails:
        outcome, reasons = "not_yet", fails + shorts
    elif shorts:
        outcome, reasons = "trainable", shorts
    else:
        outcome = "pass"
        reasons = [f"Meets the {profile.label} bar: overall {ev.overall.cefr}, grammar "
                   f"{ev.grammar.cefr}, vocabulary {ev.vocabulary.cefr}."]
    review = list(ev.flags)
    near = [g for g in gaps if abs(g) < profile.review_band or -profile.pass_margin < g <= 0]
    if near:
        review.append("The level is within a quarter level of the bar.")
    if ev.confidence < profile.min_confidence:
        review.append(f"Confidence is low ({ev.confidence:.0%}).")
    if review:
        reasons.append("Needs human review: " + " ".join(review))
    return Decision(outcome, profile.name, tuple(reasons), needs_review=bool(review))
