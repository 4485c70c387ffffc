"""Screening before rating: is there enough English text of the applicant's own?

Finds what must not be rated (too short, not English, keyboard noise) and what
must not count (text copied from the prompt, sentences repeated to pad the
answer), and caps levels that the evidence cannot support (word salad, no
punctuation, all capitals). Everything it finds becomes a warning that a
recruiter sees.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from . import complexity, relevance
from .nlp import get_nlp
from .resources import shared
from .text import word_count
from .types import TraitScore, Warning_

#: Below this share of English words the answer is not rated.
MIN_ENGLISH = 0.6
#: Share of the answer's words that may be dropped (copied, repeated) before
#: the rest is re-parsed and rated on its own.
REPARSE_SHARE = 0.05
#: A sentence most of whose word 4-grams already occurred is a repeat.
REPEAT_SHARE = 0.6
_NORM = re.compile(r"[^\w]+")
_WORDISH = re.compile(r"[^\W\d_]")
_LEADING = ".,;:!?)]}»\"'’” "


@dataclass
class Screening:
    status: str = "scored"
    warnings: list[Warning_] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    #: Parse of the applicant's own words when some text was dropped.
    effective_doc: Doc | None = None
    effective_words: int | None = None
    #: Character ranges of the plain text that do not count.
    dropped: list[tuple[int, int]] = field(default_factory=list)
    caps: dict[str, tuple[float, str]] = field(default_factory=dict)
    #: Complexity of the rated text, measured once here and reused by the features.
    complexity: "complexity.Complexity | None" = None

    #: Warnings that send the result to a person before any decision sticks.
    REVIEW_CODES = frozenset({"copied_prompt", "off_topic", "padding", "word_salad",
                              "no_punctuation", "all_capitals", "disfluent"})

    def counts(self, offset: int) -> bool:
        return not any(a <= offset < b for a, b in self.dropped)

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(Warning_(code, message))

    def cap(self, *scores: TraitScore) -> tuple[TraitScore, ...]:
        """Apply the lowest cap that applies to all traits."""
        if not self.caps:
            return scores
        limit = min(level for level, _ in self.caps.values())
        return tuple(s if (s.level or 0) <= limit else TraitScore.from_level(limit) for s in scores)


def _repeated_sentences(doc: Doc) -> list[tuple[int, int]]:
    """Sentences whose word 4-grams mostly occurred earlier in the answer.

    Comparing n-grams rather than whole sentences also catches a pasted block
    whose first sentence ran into the previous one ("… Maria Dear customer").
    """
    seen: set[tuple[str, ...]] = set()
    spans = []
    for sent in doc.sents:
        words = _NORM.sub(" ", sent.text.lower()).split()
        grams = {tuple(words[i:i + 4]) for i in range(len(words) - 3)}
        if len(words) >= complexity.MIN_REPEAT_WORDS and grams:
            if len(grams & seen) / len(grams) >= REPEAT_SHARE:
                spans.append((sent.start_char, sent.end_char))
        seen |= grams
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _kept_text(plain: str, dropped: list[tuple[int, int]]) -> str:
    parts, pos = [], 0
    for a, b in dropped:
        parts.append(plain[pos:a])
        pos = b
    parts.append(plain[pos:])
    # Punctuation left at the start of a part (the full stop after a copied
    # prompt) would become a sentence of its own and count as a fragment.
    cleaned = (p.strip().lstrip(_LEADING).strip() if i else p.strip() for i, p in enumerate(parts))
    return " ".join(p for p in cleaned if _WORDISH.search(p))


def _language(s: Screening, plain: str) -> bool:
    ratio = relevance.english_ratio(plain)
    s.details["english_ratio"] = round(ratio, 3)
    if relevance.is_keyboard_noise(plain):
        s.status = "not_english"
        s.warn("keyboard_noise", "The answer looks like random typing, not words.")
        return False
    if ratio < MIN_ENGLISH:
        s.status = "not_english"
        s.warn("not_english", f"Only {ratio:.0%} of the words are English; the answer is not rated.")
        return False
    return True


def _own_words(s: Screening, plain: str, doc: Doc, prompt: str | None) -> None:
    dropped = _repeated_sentences(doc)
    if dropped:
        s.warn("padding", f"{len(dropped)} sentence(s) repeat earlier ones; repeats are not counted.")
    if prompt:
        rel = relevance.assess(doc, prompt)
        s.details["relevance"] = rel.to_dict()
        if rel.copied_spans:
            dropped += [(a, a + n) for a, n in rel.copied_spans]
            s.warn("copied_prompt", f"{rel.copied_ratio:.0%} of the answer is copied from the task "
                   "prompt; copied text is not counted.")
        if rel.off_topic:
            s.warn("off_topic", "The answer does not seem to address the task.")
    s.dropped = _merge(dropped)


def _effective(s: Screening, plain: str, total_words: int, min_words: int) -> None:
    if not s.dropped:
        return
    kept = _kept_text(plain, s.dropped)
    own = word_count(kept)
    if own < min_words:
        s.status = "insufficient_text"
        s.warn("insufficient_own_text", f"Only {own} words are the applicant's own; "
               f"at least {min_words} are needed for a level.")
        return
    if total_words - own > REPARSE_SHARE * total_words:
        s.effective_doc = get_nlp()(kept)
        s.effective_words = own


def _caps(s: Screening, doc: Doc) -> None:
    cx = s.complexity = complexity.measure(doc)
    sents = list(doc.sents)
    if cx.words >= 30 and cx.end_punctuation_share < 0.3 and cx.max_words_without_punct > 40:
        s.warn("no_punctuation", "The answer has almost no punctuation.")
        s.caps["no_punctuation"] = (3.0, "B1")
    if cx.all_caps_share > 0.6:
        s.warn("all_capitals", "The answer is written in capital letters.")
        s.caps["all_capitals"] = (3.0, "B1")
    verbless = sum(1 for x in sents if not any(t.pos_ in ("VERB", "AUX") for t in x))
    if len(sents) >= 2 and verbless / len(sents) > 0.5:
        s.warn("word_salad", "Most sentences have no verb: words strung together are not rated "
               "as fluent writing.")
        s.caps["word_salad"] = (2.0, "A2")
    _function_words(s, doc)


_FUNCTION_POS = frozenset({"DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PART"})


def thresholds() -> dict:
    """``data/guards/thresholds.json``, read once (its README says where each line comes from)."""
    return shared.get("guard_thresholds", lambda: json.loads(
        (resources.files("assessor") / "data" / "guards" / "thresholds.json").read_text(encoding="utf-8")))


def _function_words(s: Screening, doc: Doc) -> None:
    """English sentences are about half function words (the least of 6,657
    rated learner texts has 27%); advanced words strung together have none."""
    alpha = [t for t in doc if t.is_alpha]
    limits = thresholds()
    if len(alpha) < limits["min_words_for_function_share"]:
        return
    share = sum(t.pos_ in _FUNCTION_POS for t in alpha) / len(alpha)
    s.details["function_word_share"] = round(share, 3)
    if share < limits["min_function_word_share"] and "word_salad" not in s.caps:
        s.warn("word_salad", "The answer is mostly content words with almost no grammar words "
               "(the, of, is, to): a list of words is not rated as fluent writing.")
        s.caps["word_salad"] = (2.0, "A2")


def fluency(s: Screening, nn_mean: float) -> None:
    """Cap an answer the neural detector reads as mostly wrong. The line sits
    above what rated learner texts, even A1 ones, reach (see
    ``data/guards/README.md``), so honest weak writing is not capped by it."""
    s.details["disfluency"] = round(nn_mean, 3)
    if nn_mean > thresholds()["disfluent_mean"] and not s.caps:
        s.warn("disfluent", "Much of the answer does not read as English sentences; it is not rated "
               "as fluent writing and is sent for review.")
        s.caps["disfluent"] = (2.0, "A2")


def screen(plain: str, doc: Doc, prompt: str | None, min_words: int) -> Screening:
    s = Screening()
    total = word_count(plain)
    if not _language(s, plain):
        return s
    if total < min_words:
        s.status = "insufficient_text"
        s.warn("insufficient_text", f"The answer has {total} words; at least {min_words} are "
               "needed for a reliable level.")
        return s
    _own_words(s, plain, doc, prompt)
    _effective(s, plain, total, min_words)
    if s.status == "scored":
        _caps(s, s.effective_doc or doc)
    return s
