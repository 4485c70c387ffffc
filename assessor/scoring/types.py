"""Value types of the scoring core: frozen, serialisable, versioned.

These are the boundary of the core. Engines turn their own output into
:class:`Issue`; :func:`assessor.scoring.score` returns a :class:`Result`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Bumped when the shape of ``Result.to_dict()`` changes.
SCHEMA_VERSION = "1.0"

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
CATEGORIES = ("grammar", "spelling", "punctuation", "capitalisation", "style", "typography")
OUTCOMES = ("pass", "trainable", "not_yet")
STATUSES = ("scored", "insufficient_text", "not_english", "unscorable")


def level_to_cefr(level: float | None) -> str | None:
    """Map a continuous level (A1=1 … C2=6) to its band; .5 rounds up."""
    if level is None:
        return None
    index = int(min(max(level + 0.5, 1.0), 6.0)) - 1
    return CEFR_LEVELS[min(index, 5)]


def cefr_to_level(cefr: str) -> float:
    """``'B2'`` → 4.0. Accepts fine-grained labels such as ``'B1.ii'``."""
    base = cefr.strip().upper()[:2]
    if base not in CEFR_LEVELS:
        raise ValueError(f"not a CEFR level: {cefr!r}")
    return float(CEFR_LEVELS.index(base) + 1)


def level_to_score(level: float | None) -> float | None:
    """Continuous level → 0–100. Each CEFR band covers 100/6 points.

    A1 = 0–16.7, A2 = 16.7–33.3, B1 = 33.3–50, B2 = 50–66.7, C1 = 66.7–83.3,
    C2 = 83.3–100; a level exactly on a band's centre (e.g. 4.0 for B2)
    sits in the middle of the band.
    """
    if level is None:
        return None
    return round(min(max((level - 0.5) / 6.0 * 100.0, 0.0), 100.0), 1)


@dataclass(frozen=True)
class Issue:
    """One problem found in the answer, with offsets into the *original* text."""

    offset: int
    length: int
    category: str
    rule_id: str
    message: str
    suggestions: tuple[str, ...] = ()
    engine: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "suggestions": list(self.suggestions)}


@dataclass(frozen=True)
class Warning_:
    """Something a reader of the result should know (the text is too short …)."""

    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TraitScore:
    cefr: str | None
    score: float | None
    level: float | None = None

    @classmethod
    def from_level(cls, level: float | None) -> "TraitScore":
        if level is None:
            return cls(None, None, None)
        level = round(min(max(level, 0.5), 6.49), 3)
        return cls(level_to_cefr(level), level_to_score(level), level)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Decision:
    outcome: str | None
    profile: str
    reasons: tuple[str, ...] = ()
    needs_review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reasons": list(self.reasons)}


@dataclass(frozen=True)
class Result:
    status: str
    cefr: str | None
    score: float | None
    level: float | None
    confidence: float | None
    grammar: TraitScore
    vocabulary: TraitScore
    issues: tuple[Issue, ...]
    decision: Decision | None
    engine: str
    warnings: tuple[Warning_, ...]
    model_version: str
    word_count: int
    #: Analyser outputs a person can read (vocabulary profile, complexity …).
    details: dict[str, Any] = field(default_factory=dict)
    #: Uncertainty of ``level`` as a plus-minus in CEFR levels.
    uncertainty: float | None = None
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "status": self.status,
            "cefr": self.cefr,
            "score": self.score,
            "level": self.level,
            "confidence": self.confidence,
            "uncertainty": self.uncertainty,
            "grammar": self.grammar.to_dict(),
            "vocabulary": self.vocabulary.to_dict(),
            "issues": [i.to_dict() for i in self.issues],
            "decision": self.decision.to_dict() if self.decision else None,
            "engine": self.engine,
            "warnings": [w.to_dict() for w in self.warnings],
            "model_version": self.model_version,
            "word_count": self.word_count,
            "details": self.details,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Result":
        """The typed result back from :meth:`to_dict`'s output (a stored result),
        so readers do not walk it with chains of ``.get()``. Results stored by
        an older schema miss newer keys; those take their defaults."""
        if not isinstance(data, dict) or "status" not in data:
            raise ValueError("not a stored result: it has no status")
        decision = data.get("decision")
        return cls(
            status=data["status"], cefr=data.get("cefr"), score=data.get("score"),
            level=data.get("level"), confidence=data.get("confidence"),
            grammar=TraitScore(**_trait(data.get("grammar"))),
            vocabulary=TraitScore(**_trait(data.get("vocabulary"))),
            issues=tuple(Issue(**{**i, "suggestions": tuple(i.get("suggestions", ()))})
                         for i in data.get("issues", ())),
            decision=Decision(**{**decision, "reasons": tuple(decision.get("reasons", ()))})
            if decision else None,
            engine=data.get("engine", ""),
            warnings=tuple(Warning_(**w) for w in data.get("warnings", ())),
            model_version=data.get("model_version", ""), word_count=data.get("word_count", 0),
            details=dict(data.get("details") or {}), uncertainty=data.get("uncertainty"),
            schema_version=data.get("schema_version", SCHEMA_VERSION))


def _trait(raw: dict[str, Any] | None) -> dict[str, Any]:
    raw = raw or {}
    return {"cefr": raw.get("cefr"), "score": raw.get("score"), "level": raw.get("level")}
