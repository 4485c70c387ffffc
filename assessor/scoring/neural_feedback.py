"""Feedback from the neural detector: what it is sure of, with a correction.

The detector gives every token a probability of being wrong; the rule
engines give few flags but exact ones. Tokens the detector is sure of
(above a threshold per kind of word, chosen for precision against gold
edits of answers it never saw, see ``data/neural/README.md``) become issues
that no rule engine raised.
Where a word has a small set of alternatives (the forms of a verb or noun,
the articles, the common prepositions, the pronoun forms), each is put in
its place and the detector judges the sentence again: the alternative it
reads as right becomes the suggestion.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc, Token

from .engines.builtin import inflect
from .engines.builtin.resources import grammar_data
from .resources import shared
from .types import Issue

ENGINE = "neural"


@dataclass(frozen=True)
class FeedbackSettings:
    #: Per kind of word: above this a token is shown, with a correction if
    #: one is found. Chosen for precision 0.8 against gold edits.
    thresholds: dict[str, float]
    #: An alternative "reads as right" below this probability ...
    accept: float
    #: ... and at most this share of the original word's.
    max_ratio: float
    prepositions: tuple[str, ...]
    pronouns: dict[str, tuple[str, ...]]
    messages: dict[str, str]


def settings() -> FeedbackSettings:
    return shared.get("neural_feedback", _load_settings)


def _load_settings() -> FeedbackSettings:
    raw = json.loads((resources.files("assessor") / "data" / "neural" / "feedback.json")
                     .read_text(encoding="utf-8"))
    return FeedbackSettings({k: float(v) for k, v in raw["thresholds"].items()},
                            float(raw["accept"]), float(raw["max_ratio"]),
                            tuple(raw["prepositions"]),
                            {k: tuple(v) for k, v in raw["pronouns"].items()},
                            dict(raw["messages"]))


def kind(tok: Token) -> str:
    if tok.pos_ in ("VERB", "AUX"):
        return "verb"
    if tok.pos_ in ("NOUN", "PROPN"):
        return "noun"
    if tok.lower_ in ("a", "an", "the"):
        return "article"
    if tok.pos_ == "ADP":
        return "preposition"
    if tok.pos_ == "PRON" or tok.tag_ == "PRP$":
        return "pronoun"
    return "word"


@functools.cache
def _irregular_pasts() -> dict[str, frozenset[str]]:
    """Base form → its irregular past forms (the data maps the other way)."""
    out: dict[str, set[str]] = {}
    for past, base in grammar_data().irregular.past_to_base.items():
        out.setdefault(base, set()).add(past)
    return {base: frozenset(pasts) for base, pasts in out.items()}


def _verb_forms(tok: Token) -> set[str]:
    if tok.lemma_.lower() == "be":
        return {"be", "am", "is", "are", "was", "were", "been", "being"}
    base = tok.lemma_.lower()
    past = _irregular_pasts().get(base) or {inflect.regular_past(base) or base + "ed"}
    participles = grammar_data().irregular.participles.get(base, ())
    forms = {base, inflect.third_singular(base), *past, *participles}
    forms.add((base[:-1] if base.endswith("e") and not base.endswith("ee") else base) + "ing")
    return forms


def candidates(tok: Token, cfg: FeedbackSettings) -> list[str]:
    k, low = kind(tok), tok.lower_
    if k == "verb":
        forms = _verb_forms(tok)
    elif k == "noun" and tok.pos_ == "NOUN":
        forms = {tok.lemma_.lower(), inflect.plural(tok.lemma_.lower())}
    elif k == "article":
        forms = {"a", "an", "the", ""}
    elif k == "preposition" and low in cfg.prepositions:
        forms = set(cfg.prepositions) | {""}
    elif k == "pronoun":
        forms = set(cfg.pronouns.get(low, ()))
    else:
        forms = set()
    forms.discard(low)
    return sorted(forms)


def _cased(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() and word else word


def best_correction(detector, tok: Token, options: list[str], cfg: FeedbackSettings,
                    p_original: float = 1.0) -> str | None:
    """The option the detector reads as right in the token's sentence, if any."""
    if not options:
        return None
    sent = tok.sent
    a, b = tok.idx - sent.start_char, tok.idx - sent.start_char + len(tok)
    texts, spans = [], []
    for word in options:
        w = _cased(word, tok.text)
        before, after = sent.text[:a], sent.text[b:]
        if not w:  # a deletion: judge the word that moves into the gap
            before, after = before.rstrip(), after.lstrip()
            joined = before + (" " if before else "") + after
            texts.append(joined)
            spans.append((len(before), len(before) + 1 + len(after.split(" ", 1)[0])))
        else:
            texts.append(before + w + after)
            spans.append((a, a + len(w)))
    scores = detector.span_probabilities(texts, spans)
    k = min(range(len(options)), key=scores.__getitem__)
    ok = scores[k] < cfg.accept and scores[k] <= cfg.max_ratio * p_original
    return options[k] if ok else None


def issues(doc: Doc, probs, detector, taken: list[Issue]) -> list[Issue]:
    """Issues for the tokens the detector is sure of that no engine flagged."""
    cfg = settings()
    lowest = min(cfg.thresholds.values())
    toks = [t for t in doc if not t.is_space]
    out: list[Issue] = []
    for k, tok in enumerate(toks):
        p = float(probs[k])
        if p <= lowest or tok.is_punct or not tok.text.strip():
            continue
        what = kind(tok)
        if p <= cfg.thresholds[what]:
            continue
        if any(i.offset < tok.idx + len(tok) and tok.idx < i.offset + max(i.length, 1) for i in taken + out):
            continue
        fix = best_correction(detector, tok, candidates(tok, cfg), cfg, p)
        message = cfg.messages["remove" if fix == "" else what]
        suggestion = (_cased(fix, tok.text),) if fix else ()
        out.append(Issue(tok.idx, len(tok), "grammar", f"NEURAL_{what.upper()}", message,
                         suggestion, ENGINE))
    return out
