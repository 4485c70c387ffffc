"""The scoring pipeline: guards → parse → analysers → level model → decision.

The web layer, the background jobs and the command line all call
:meth:`Scorer.score` (through :func:`assessor.scoring.score`).
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc

from ..errors import InputError
from . import features as feats
from . import neural, neural_feedback
from .decision import Evidence, decide
from .engines.select import EnginePlan, EngineRun, build_engines, evidence_issues, run_grammar
from .guards import Screening, fluency, screen
from .levelmodel import LevelModel, load_model
from .nlp import get_nlp
from .profiles import RoleProfile, get_profile
from .settings import ScoringSettings
from .text import PreparedText, prepare, word_count
from .types import Decision, Issue, Result, TraitScore, Warning_


class Scorer:
    def __init__(self, settings: ScoringSettings | None = None) -> None:
        self.settings = settings or ScoringSettings()
        self._plan = None
        self._lock = threading.Lock()

    @property
    def model(self) -> LevelModel:
        return load_model(self.settings.model_path)

    def _engines(self):
        if self._plan is None:
            with self._lock:
                if self._plan is None:
                    self._plan = build_engines(self.settings)
        return self._plan

    def score(self, text: str, prompt: str | None = None,
              profile: "str | RoleProfile | dict | None" = None,
              target_words: int | None = None) -> Result:
        """``target_words`` is how many words the task asks for: length is
        judged against it rather than against an essay's length."""
        role = get_profile(profile, self.settings.profiles_path)
        p = self._pipeline(text, prompt, target_words)
        issues = tuple(_to_original(p.prepared, p.run.issues))
        warnings = list(p.run.warnings) + _input_warnings(p.prepared) + p.screening.warnings
        base = dict(issues=issues, engine=p.run.engine, model_version=self.model.version,
                    word_count=p.words)
        if p.screening.status != "scored":
            return _unrated(p.screening, role, warnings, base)
        return self._rate(p, role, warnings, base)

    def features(self, text: str, prompt: str | None = None,
                 target_words: int | None = None) -> dict[str, float] | None:
        """The level model's inputs for one answer (None when it cannot be rated).

        Calibration uses this so that it fits exactly what scoring computes.
        """
        p = self._pipeline(text, prompt, target_words)
        if p.screening.status != "scored":
            return None
        return p.analysis().model_inputs(self.model)

    def _pipeline(self, text: str, prompt: str | None, target_words: int | None) -> "_Pipeline":
        if prompt is not None and not isinstance(prompt, str):
            raise InputError("prompt must be a string")
        _check_target(target_words)
        prepared = prepare(text, self.settings.max_chars)
        if not prepared.plain.strip():
            raise InputError("the answer is empty")
        prompt_plain = prepare(prompt, self.settings.max_chars).plain if prompt else None
        doc = get_nlp()(prepared.plain)
        plan = self._engines()
        run = run_grammar(plan, prepared.plain, doc)
        screening = screen(prepared.plain, doc, prompt_plain, self.settings.min_words)
        return _Pipeline(prepared, doc, plan, run, screening, word_count(prepared.plain),
                         target_words)

    def _rate(self, p: "_Pipeline", role: RoleProfile | None, warnings: list[Warning_],
              base: dict) -> Result:
        model, screening = self.model, p.screening
        analysis = p.analysis()
        base["issues"] = _with_neural_issues(p, base["issues"])
        values = analysis.model_inputs(model)
        fluency(screening, values["ged_nn_mean"])
        warnings += [w for w in screening.warnings if w not in warnings]
        overall = TraitScore.from_level(model.predict("overall", values))
        grammar = TraitScore.from_level(model.predict("grammar", values))
        vocab = TraitScore.from_level(model.predict("vocabulary", values))
        overall, grammar, vocab = screening.cap(overall, grammar, vocab)
        words = screening.effective_words or p.words
        sd = model.uncertainty("overall", words)
        # Confidence = probability that the true level lies within one CEFR
        # level of the estimate, under the cross-validated error spread.
        confidence = round(math.erf(1.0 / (sd * math.sqrt(2))), 3)
        decision = None
        if role is not None:
            decision = decide(role, Evidence(
                overall, grammar, vocab, confidence,
                grammar_errors_per_100=values.get("rate_grammar", 0.0),
                spelling_errors_per_100=values.get("rate_spelling", 0.0),
                flags=tuple(w.message for w in screening.warnings if w.code in screening.REVIEW_CODES)))
        # The error rates in the details are the ones the levels and the
        # role's caps read, so the engine that found them is named.
        details = dict(screening.details, **analysis.details(),
                       traits=_traits(model, values), evidence_engine=p.evidence.engine)
        if p.target_words is not None:
            details["target_words"] = p.target_words
        return Result("scored", overall.cefr, overall.score, overall.level, confidence,
                      grammar, vocab, decision=decision, warnings=tuple(warnings),
                      details=details, uncertainty=round(sd, 3), **base)


@dataclass
class _Pipeline:
    prepared: PreparedText
    doc: Doc
    plan: EnginePlan
    run: EngineRun
    screening: Screening
    words: int
    target_words: int | None = None

    @cached_property
    def evidence(self) -> EngineRun:
        """The built-in engine's issues, which the level model reads (see
        evidence_issues); only a rated answer needs them."""
        return evidence_issues(self.plan, self.run, self.prepared.plain, self.doc)

    def analysis(self) -> feats.Analysis:
        s = self.screening
        # Issues count only where they fall inside the text that is rated.
        counted = [i for i in self.evidence.issues if s.counts(i.offset)]
        return feats.analyse(s.effective_doc or self.doc, counted, s.effective_words or self.words,
                             cx=s.complexity, target_words=self.target_words, nn_probs=self.nn_probs,
                             pooled=self.nn_read[1])

    @cached_property
    def nn_read(self):
        """The neural detector's token probabilities and pooled states over the rated text."""
        return neural.default().analyse(self.screening.effective_doc or self.doc)

    @property
    def nn_probs(self):
        return self.nn_read[0]


def _with_neural_issues(p: _Pipeline, issues: tuple[Issue, ...]) -> tuple[Issue, ...]:
    """The engine's issues and the neural detector's sure ones that no engine raised."""
    if p.screening.effective_doc is not None:  # its offsets would point into the kept text
        return issues
    found = neural_feedback.issues(p.doc, p.nn_probs, neural.default(), list(p.run.issues))
    return tuple(sorted(issues + tuple(_to_original(p.prepared, found)), key=lambda i: (i.offset, i.length)))


def _check_target(target_words) -> None:
    if target_words is None:
        return
    if isinstance(target_words, bool) or not isinstance(target_words, int) or not 1 <= target_words <= 5000:
        raise InputError("target_words must be a whole number of words from 1 to 5000")


def _traits(model: LevelModel, values: dict[str, float]) -> dict[str, float]:
    """Scores on the 1–5 analytic rubric scale (ELLIPSE), where the model has them."""
    return {name[6:]: round(model.predict(name, values), 2)
            for name in model.heads if name.startswith("trait_")}


def _unrated(screening: Screening, role: RoleProfile | None,
             warnings: list[Warning_], base: dict) -> Result:
    """No level for text we cannot rate: a made-up A1 would mislead everyone."""
    empty = TraitScore(None, None, None)
    decision = None
    if role is not None:
        reason = screening.warnings[0].message if screening.warnings else "The answer could not be rated."
        decision = Decision(None, role.name, (f"No decision: {reason}",), needs_review=True)
    return Result(screening.status, None, None, None, None, empty, empty, decision=decision,
                  warnings=tuple(warnings), details=dict(screening.details), **base)


def _to_original(prepared: PreparedText, issues: list[Issue]) -> list[Issue]:
    out = []
    for issue in issues:
        start, length = prepared.span_to_original(issue.offset, issue.length)
        out.append(Issue(start, length, issue.category, issue.rule_id, issue.message,
                         issue.suggestions, issue.engine))
    return out


def _input_warnings(prepared: PreparedText) -> list[Warning_]:
    out = []
    if prepared.had_markup:
        out.append(Warning_("markup_removed", "HTML markup was removed before scoring."))
    if prepared.removed_controls:
        out.append(Warning_("control_characters_removed",
                            f"{prepared.removed_controls} control or invisible characters were removed."))
    return out
