"""Helpers for the service tests (imported by tests/conftest.py and tests)."""
from __future__ import annotations


def fake_result(text: str, profile=None, engine: str = "builtin", warnings=(),
                model_version: str = "test-model-1"):
    """A Result whose level follows the answer's length: deterministic and cheap."""
    from assessor.scoring.types import Decision, Result, TraitScore, Warning_

    words = len(text.split())
    level = min(1.0 + words / 40.0, 6.0)
    trait = TraitScore.from_level(level)
    outcome = "pass" if level >= 4 else "trainable" if level >= 3 else "not_yet"
    decision = Decision(outcome, getattr(profile, "name", "none"), ("length rule",),
                        needs_review=level < 2)
    return Result(status="scored", cefr=trait.cefr, score=trait.score, level=trait.level,
                  confidence=0.8, grammar=trait, vocabulary=trait, issues=(),
                  decision=decision, engine=engine,
                  warnings=tuple(Warning_(c, m) for c, m in warnings),
                  model_version=model_version, word_count=words)


SAMPLE = ("Dear customer, thank you for your message. I am sorry that the parcel is late. "
          "I have checked the tracking and it will arrive tomorrow morning. Please write to us "
          "again if anything else goes wrong, and we will be happy to help you.")


def applicant_headers(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"X-Invitation-Token": token}
    if key:
        headers["Idempotency-Key"] = key
    return headers
