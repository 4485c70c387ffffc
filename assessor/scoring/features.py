"""Turn the analysers' outputs into the flat, named numbers the level model reads.

Every feature is a rate or a mean, never a raw count, so that padding an
answer does not raise its level; length enters only as a capped logarithm.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

import numpy as np

from . import complexity, errordensity, neural, ngrams, usage, vocabulary
from .relevance import zipf_en
from .types import CEFR_LEVELS, Issue

_CEFR_NUM = {c: i + 1 for i, c in enumerate(CEFR_LEVELS)}
_ISSUE_GROUPS = {
    "grammar": ("grammar",),
    "spelling": ("spelling",),
    "punctuation": ("punctuation",),
    "capitalisation": ("capitalisation",),
    "style": ("style", "typography"),
}
_COMPLEXITY = ("mean_sentence_length", "sd_sentence_length", "mean_depth", "clauses_per_sentence",
               "subordination_ratio", "coordination_ratio", "words_per_clause", "passive_share",
               "long_sentence_share", "np_complexity", "end_punctuation_share",
               "repeated_ngram_share", "all_caps_share")


def _issue_rates(issues: list[Issue], words: int) -> dict[str, float]:
    per = 100.0 / max(words, 1)
    counts = Counter(i.category for i in issues)
    out = {f"rate_{name}": per * sum(counts[c] for c in cats) for name, cats in _ISSUE_GROUPS.items()}
    out["rate_all"] = per * len(issues)
    # Error rates matter most at the low end; a log keeps one extra slip in a
    # long text from mattering as much as the first few.
    for name in ("grammar", "spelling", "all"):
        out[f"log_rate_{name}"] = math.log1p(out[f"rate_{name}"])
    return out


def _complexity(cx: "complexity.Complexity") -> dict[str, float]:
    out = {f"cx_{k}": float(getattr(cx, k)) for k in _COMPLEXITY}
    out["cx_verb_form_variety"] = float(cx.verb_form_variety)
    out["cx_connector_variety"] = math.log1p(cx.connector_variety)
    levels = [_CEFR_NUM.get(c, 1) for _, c in cx.connectors]
    out["cx_connector_level"] = max(levels) if levels else 0.0
    return out


def _vocabulary(vp: "vocabulary.VocabularyProfile") -> dict[str, float]:
    out = {f"voc_{k.lower().replace('-', '_')}": float(v) for k, v in vp.proportions.items()}
    # None means "no content words": neutral values keep the model defined.
    out["voc_mtld"] = math.log(max(vp.mtld or 1.0, 1.0))
    out["voc_mattr"] = vp.mattr if vp.mattr is not None else 0.0
    out["voc_mean_zipf"] = vp.mean_zipf if vp.mean_zipf is not None else 5.0
    out["voc_rare_share"] = vp.rare_share or 0.0
    out["voc_mean_level"] = vp.mean_level or 1.0
    return out


# Contractions written without an apostrophe: a conventions slip raters
# notice at once and the spelling checker may accept ("its", "well").
_BARE_CONTRACTIONS = frozenset({"dont", "cant", "wont", "didnt", "doesnt", "isnt", "im", "ive",
                                "thats", "wasnt", "arent", "couldnt", "shouldnt", "wouldnt", "youre"})
#: Words beyond which length earns no more credit (W&I cross-validation: QWK
#: 0.737 at 150, 0.744 at 600, 0.673 with no length at all).
LENGTH_CAP = 150
#: Below this a task target is not trusted to show range at all.
MIN_TARGET = 40
_ZIPF_BINS = ((6.0, "zipf_6"), (5.0, "zipf_5"), (4.0, "zipf_4"), (3.0, "zipf_3"))


def _zipf_profile(alpha: list) -> dict[str, float]:
    counts = dict.fromkeys([name for _, name in _ZIPF_BINS] + ["zipf_rare"], 0)
    for tok in alpha:
        z = zipf_en(tok.lower_)
        counts[next((name for lo, name in _ZIPF_BINS if z >= lo), "zipf_rare")] += 1
    n = max(len(alpha), 1)
    return {k: v / n for k, v in counts.items()}


def _conventions(doc: Doc, sents: list, alpha: list) -> dict[str, float]:
    per = 100.0 / max(len(alpha), 1)
    starts = [next((t for t in s if not t.is_space and not t.is_punct), None) for s in sents]
    lower_starts = sum(1 for t in starts if t is not None and t.is_alpha and t.text[0].islower())
    text = doc.text
    return {
        "lower_sentence_start_share": lower_starts / max(len(sents), 1),
        "lower_i_rate": per * sum(1 for t in alpha if t.text == "i"),
        "bare_contraction_rate": per * sum(1 for t in alpha if t.lower_ in _BARE_CONTRACTIONS),
        "space_before_punct_rate": per * sum(text.count(f" {p}") for p in ",.?!;:"),
        "comma_per_sentence": sum(1 for t in doc if t.text == ",") / max(len(sents), 1),
    }


def length_credit(words: int, target_words: int | None = None) -> float:
    """Words as the model sees them: a task that asks for fewer words than a
    full essay scales the answer up, so a complete 60-word chat reply is not
    judged as a stunted essay; past the cap, length earns nothing."""
    seen = max(words, 1)
    if target_words and target_words < LENGTH_CAP:
        seen = seen * LENGTH_CAP / max(target_words, MIN_TARGET)
    return math.log(min(seen, LENGTH_CAP))


def _surface(doc: Doc, words: int, target_words: int | None = None) -> dict[str, float]:
    alpha = [t for t in doc if t.is_alpha]
    n = max(len(alpha), 1)
    sents = list(doc.sents)
    verbless = sum(1 for s in sents if not any(t.pos_ in ("VERB", "AUX") for t in s))
    out = {
        # Length earns credit only up to a typical task's length: a short
        # answer cannot show range, but padding beyond that earns nothing.
        "log_words": length_credit(words, target_words),
        "mean_word_length": sum(len(t) for t in alpha) / n,
        "long_word_share": sum(1 for t in alpha if len(t) >= 7) / n,
        "unknown_dep_share": sum(1 for t in doc if t.dep_ == "dep") / max(len(doc), 1),
        "verbless_sentence_share": verbless / max(len(sents), 1),
    }
    out.update(_conventions(doc, sents, alpha))
    out.update(_zipf_profile(alpha))
    return out


@dataclass(frozen=True)
class Analysis:
    values: dict[str, float]
    vocabulary: "vocabulary.VocabularyProfile"
    complexity: "complexity.Complexity"
    #: Syntactic n-gram frequencies, scored by the model's n-gram heads.
    ngram_freqs: dict[str, float]
    #: The neural detector's states averaged over the answer (None: not run).
    pooled: "np.ndarray | None" = None

    def model_inputs(self, model) -> dict[str, float]:
        """Every feature the level model reads, its stacked heads' outputs included."""
        return dict(self.values, **model.ngram_features(self.ngram_freqs),
                    **model.pooled_features(self.pooled))

    def details(self) -> dict:
        """What a person reading the result sees (not the raw features)."""
        return {
            "vocabulary": self.vocabulary.to_dict(),
            "complexity": self.complexity.to_dict(),
            "error_rates_per_100_words": {k[5:]: round(v, 2) for k, v in self.values.items()
                                          if k.startswith("rate_")},
        }


def analyse(doc: Doc, issues: list[Issue], words: int,
            cx: "complexity.Complexity | None" = None, target_words: int | None = None,
            nn_probs: "np.ndarray | None" = None, pooled: "np.ndarray | None" = None) -> Analysis:
    """``nn_probs`` and ``pooled`` are the neural detector's token
    probabilities and pooled states when the caller already has them
    (training passes its cross-fitted ones)."""
    vp, cx = vocabulary.profile(doc), cx or complexity.measure(doc)
    if nn_probs is None:
        nn_probs, pooled = neural.default().analyse(doc)
    values: dict[str, float] = {}
    values.update(_surface(doc, words, target_words))
    values.update(_issue_rates(issues, words))
    values.update(_complexity(cx))
    values.update(_vocabulary(vp))
    values.update(errordensity.features(doc))
    values.update(neural.features(nn_probs, words))
    values.update(usage.usage_features(doc))
    return Analysis(values, vp, cx, ngrams.frequencies(doc), pooled)
