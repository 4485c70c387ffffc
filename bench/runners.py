"""The engines as the service runs them, for the benches: each runner takes a
sample (``grammar_precision.Sample``) and returns its flags as
``(offset, length, category, rule_id)``, and keeps the time it took.

Shared by ``grammar_precision.py`` and ``harper_rules.py``; nothing here reads
the data.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

from assessor.scoring.engines.builtin import BuiltinEngine
from assessor.scoring.nlp import get_nlp

if TYPE_CHECKING:
    from bench.grammar_precision import Sample

Flag = tuple[int, int, str, str]


class BuiltinRunner:
    """Runs the engine once per sample and keeps the time it took."""

    def __init__(self) -> None:
        self.nlp, self.engine = get_nlp(), BuiltinEngine()
        self.cache: dict[int, list] = {}
        self.parse = self.check = 0.0
        self.words = 0

    def __call__(self, sample: Sample) -> list[Flag]:
        key = id(sample)
        if key not in self.cache:
            t0 = time.perf_counter()
            doc = self.nlp(sample.text)
            t1 = time.perf_counter()
            issues = self.engine.check(sample.text, doc)
            self.parse += t1 - t0
            self.check += time.perf_counter() - t1
            self.words += len(sample.text.split())
            self.cache[key] = [(i.offset, i.length, i.category, i.rule_id) for i in issues]
        return self.cache[key]

    def timing(self) -> dict[str, float]:
        per250 = 250 / max(self.words, 1) * 1000
        return {"parse": round(self.parse * per250, 1), "check": round(self.check * per250, 1)}


class HarperRunner:
    """harper as the service runs it (allow-listed rules), timed."""

    def __init__(self) -> None:
        from assessor.scoring.engines.harper import HarperEngine
        self.engine, self.cache, self.seconds, self.words = HarperEngine(), {}, 0.0, 0

    def issues(self, sample: Sample) -> list:
        if id(sample) not in self.cache:
            t0 = time.perf_counter()
            self.cache[id(sample)] = self.engine.check(sample.text)
            self.seconds += time.perf_counter() - t0
            self.words += len(sample.text.split())
        return self.cache[id(sample)]

    def __call__(self, sample: Sample) -> list[Flag]:
        return [(i.offset, i.length, i.category, i.rule_id) for i in self.issues(sample)]

    def ms_per_250_words(self) -> float:
        return round(self.seconds / max(self.words, 1) * 250e3, 2)


class ShownRunner:
    """What a result shows: the built-in engine's issues, harper's that do not
    overlap them (engines.select.merge_shown; when given a ``harper`` runner)
    and the neural detector's sure flags that no engine raised
    (scorer._with_neural_issues). The shipped detector learned from half of
    the W&I writers, so it is judged only on sets it never saw (CoNLL-2014,
    FCE dev)."""

    def __init__(self, harper: HarperRunner | None = None) -> None:
        from assessor.scoring import neural
        self.nlp, self.engine, self.detector = get_nlp(), BuiltinEngine(), neural.default()
        self.harper = harper

    def __call__(self, sample: Sample) -> list[Flag]:
        from assessor.scoring import neural_feedback
        from assessor.scoring.engines.select import merge_shown
        doc = self.nlp(sample.text)
        issues = self.engine.check(sample.text, doc)
        if self.harper is not None:
            issues = merge_shown({"builtin": issues, "harper": self.harper.issues(sample)})
        issues += neural_feedback.issues(doc, self.detector.token_probabilities(doc), self.detector, issues)
        return [(i.offset, i.length, i.category, i.rule_id) for i in issues]
