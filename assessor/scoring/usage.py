"""Article and preposition usage model: how expected is the writer's choice?

The grammar engines find few of the article and preposition errors typical of
writers whose first language has no articles or uses other prepositions, so
those writers are over-rated. Here a multinomial logistic model, trained on
corrected learner texts (``assessor.training.usage``), predicts from the
context alone which article (``a``, ``the`` or none) or preposition the slot
should hold; the writer's choice is then scored by its probability.

Only the level model reads these figures (``usage_features``); nothing is
shown to applicants, so a modest precision is acceptable. ``suspicions``
lists the unlikely choices for the benchmark.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
from spacy.attrs import IS_ALPHA, LOWER, TAG
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token

from ..errors import ModelError
from .resources import shared

FORMAT = "assessor-usage/1"
MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "usage" / "usage-model.json"
THRESHOLD = 0.1
ARTICLES = {"a": "a", "an": "a", "the": "the"}
# The prepositions learners choose between; rarer ones are too sparse to model.
PREPOSITIONS = ("of", "in", "to", "for", "with", "on", "at", "by", "from", "about", "as", "into",
                "like", "through", "after", "over", "between", "against", "during", "without",
                "before", "under", "around", "among", "since", "until", "towards")
_PREP_SET = frozenset(PREPOSITIONS)
_PREP_IDS = frozenset(get_string_id(p) for p in PREPOSITIONS)
_NOUN_TAG_IDS = frozenset(get_string_id(t) for t in ("NN", "NNS"))
# Slots shrink towards the training mean as if they had this many typical
# slots more, so that a short answer with two slots does not swing the feature.
_PRIOR_SLOTS = 2.0


@dataclass(frozen=True)
class Slot:
    kind: str  # "article" or "prep"
    start: int
    end: int
    observed: str
    features: tuple[str, ...]


@dataclass(frozen=True)
class Suspicion:
    start: int
    end: int
    kind: str
    observed: str
    expected: str
    probability: float


class KindModel(NamedTuple):
    classes: list[str]
    index: dict[str, int]  # feature → row of ``rows``
    rows: np.ndarray  # features × classes
    bias: np.ndarray
    neutral_nll: float


class UsageModel:
    """Stored weights: per kind, one row of class weights per context feature."""

    def __init__(self, data: dict) -> None:
        if data.get("format") != FORMAT:
            raise ModelError(f"usage model format {data.get('format')!r}, expected {FORMAT!r}")
        self.threshold = float(data.get("threshold", THRESHOLD))
        self.kinds: dict[str, KindModel] = {}
        for kind, spec in data["models"].items():
            names = list(spec["features"])
            rows = np.array([spec["features"][n] for n in names] or np.zeros((0, len(spec["classes"]))),
                            dtype=np.float64).reshape(len(names), len(spec["classes"]))
            self.kinds[kind] = KindModel(list(spec["classes"]), {n: i for i, n in enumerate(names)}, rows,
                                         np.asarray(spec["bias"], dtype=np.float64),
                                         float(spec["neutral_nll"]))


def load_model(path: Path = MODEL_PATH) -> UsageModel:
    try:
        return UsageModel(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"usage model {path} is missing or malformed: {exc}") from exc


def get_model() -> UsageModel:
    # Loaded on first use so that importing the scorer stays cheap.
    return shared.get("usage", load_model)


def _word(token: Token | None) -> str:
    if token is None:
        return "<s>"
    return token.lower_ if token.is_alpha else f"<{token.tag_}>"


def _neighbour(doc: Doc, i: int) -> Token | None:
    return doc[i] if 0 <= i < len(doc) else None


def _article_features(noun: Token, det: Token | None, seen: bool) -> tuple[str, ...]:
    doc, lemma = noun.doc, noun.lemma_.lower()
    first = det.i + 1 if det is not None else noun.left_edge.i
    before = _neighbour(doc, (det.i if det is not None else first) - 1)
    mod = doc[first] if first < noun.i else None
    after = _neighbour(doc, noun.i + 1)
    gov = noun.head
    prev = _word(before)
    rights = {c.dep_ for c in noun.rights} | {c.lower_ for c in noun.rights if c.dep_ == "prep"}
    # The cues grammars give: the noun and its number (countability), a
    # superlative or ordinal modifier, an earlier mention, a post-modifier
    # ("the X of", "the X that"), and the role of the phrase (a doctor / at the).
    feats = [f"h={lemma}", f"t={noun.tag_}", f"suf={lemma[-3:]}", f"p={prev}",
             f"pp={before.tag_ if before is not None else '<s>'}", f"n={_word(after)}",
             f"d={noun.dep_}", f"g={gov.lemma_.lower()}|{noun.dep_}", f"ph={prev}|{lemma}",
             f"ht={lemma}|{noun.tag_}", f"dt={noun.dep_}|{noun.tag_}", f"seen={seen}",
             f"gh={gov.lemma_.lower()}|{lemma}"]
    if mod is not None:
        feats += [f"m={mod.lower_}", f"mt={mod.tag_}", f"mh={mod.lower_}|{lemma}"]
    if noun.dep_ == "pobj":
        feats.append(f"gg={gov.head.lemma_.lower()}|{gov.lower_}")
    feats += [f"r={r}" for r in sorted(rights & {"of", "relcl", "acl", "prep"})]
    return tuple(feats)


def _article_slot(noun: Token, seen: bool) -> Slot | None:
    """The determiner choice of a common-noun phrase, None when it is not
    a/an/the/nothing (this, my, some … are other decisions)."""
    if noun.pos_ != "NOUN" or noun.dep_ == "compound":
        return None
    dets = [c for c in noun.lefts if c.dep_ in ("det", "poss")]
    if any(c.dep_ == "poss" or c.lower_ not in ARTICLES for c in dets):
        return None
    det = dets[-1] if dets else None
    observed = ARTICLES[det.lower_] if det is not None else "none"
    anchor = det if det is not None else noun.doc[noun.left_edge.i]
    return Slot("article", anchor.idx, anchor.idx + len(anchor), observed,
                _article_features(noun, det, seen))


def _prep_slot(prep: Token) -> Slot | None:
    if prep.lower_ not in _PREP_SET or not (prep.dep_ in ("prep", "dative", "agent")
                                            or (prep.tag_ == "IN" and prep.dep_ != "mark")):
        return None
    doc, gov = prep.doc, prep.head
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    olemma = (f"<{obj.tag_}>" if obj.pos_ in ("PROPN", "PRON", "NUM") or obj.tag_ == "VBG"
              else obj.lemma_.lower()) if obj is not None else "<none>"
    odet = next((c.lower_ for c in obj.lefts if c.dep_ in ("det", "poss")), "-") if obj is not None else "-"
    before, after = _neighbour(doc, prep.i - 1), _neighbour(doc, prep.i + 1)
    # The word before matters as well as the parser's head, which is often the
    # verb where the preposition belongs to an adjective ("good at maths").
    prev = before.lemma_.lower() if before is not None and before.is_alpha else _word(before)
    feats = (f"g={gov.lemma_.lower()}", f"gp={gov.pos_}", f"d={prep.dep_}", f"o={olemma}",
             f"od={odet}", f"p={prev}", f"n={_word(after)}", f"go={gov.lemma_.lower()}|{olemma}",
             f"po={prev}|{olemma}", f"gd={gov.lemma_.lower()}|{prep.dep_}", f"right={gov.i < prep.i}")
    return Slot("prep", prep.idx, prep.idx + len(prep), prep.lower_, feats)


def slots(doc: Doc) -> list[Slot]:
    """Every article slot and preposition of the text, in order."""
    # Token objects are the cost here, so candidates are found in the doc's
    # arrays first and only they become tokens.
    tags, lowers = doc.to_array([TAG, LOWER]).T.tolist() if len(doc) else ((), ())
    found, seen = [], set()
    for i, (tag, lower) in enumerate(zip(tags, lowers)):
        if tag in _NOUN_TAG_IDS:
            token = doc[i]
            lemma = token.lemma_.lower()
            slot = _article_slot(token, lemma in seen)
            seen.add(lemma)
        elif lower in _PREP_IDS:
            slot = _prep_slot(doc[i])
        else:
            continue
        if slot is not None:
            found.append(slot)
    return found


def score_slots(found: list[Slot], model: UsageModel) -> list[tuple[Slot, dict[str, float]]]:
    """Each modelled slot with its distribution over the choices."""
    # One numpy pass per kind rather than per slot: this is the per-answer cost.
    out = []
    for kind, (classes, index, rows, bias, _) in model.kinds.items():
        mine = [s for s in found if s.kind == kind and s.observed in classes]
        if not mine:
            continue
        owner, flat = [], []
        for n, s in enumerate(mine):
            hits = [j for j in map(index.get, s.features) if j is not None]
            flat += hits
            owner += [n] * len(hits)
        z = np.tile(bias, (len(mine), 1))
        np.add.at(z, owner, rows[flat])
        z = np.exp(z - z.max(axis=1, keepdims=True))
        z /= z.sum(axis=1, keepdims=True)
        out += [(s, dict(zip(classes, p))) for s, p in zip(mine, z.tolist())]
    return sorted(out, key=lambda sp: sp[0].start)


def _scored(doc: Doc, model: UsageModel) -> list[tuple[Slot, dict[str, float]]]:
    return score_slots(slots(doc), model)


def usage_features(doc: Doc, model: UsageModel | None = None) -> dict[str, float]:
    """Mean surprise of the writer's article and preposition choices and the
    rate of very unlikely ones per 100 words; neutral when there are no slots."""
    model = model or get_model()
    words = max(1, int(doc.to_array([IS_ALPHA]).sum()) if len(doc) else 0)
    scored = _scored(doc, model)
    out = {}
    for kind, name in (("article", "art"), ("prep", "prep")):
        probs = [p[s.observed] for s, p in scored if s.kind == kind]
        neutral = model.kinds[kind].neutral_nll if kind in model.kinds else 0.0
        nll = sum(-math.log(max(p, 1e-6)) for p in probs)
        out[f"use_{name}_nll"] = (nll + _PRIOR_SLOTS * neutral) / (len(probs) + _PRIOR_SLOTS)
        out[f"use_{name}_surprise_per100"] = 100.0 * sum(p < model.threshold for p in probs) / words
        out[f"use_{name}_slots_per100"] = 100.0 * len(probs) / words
    return out


def suspicions(doc: Doc, model: UsageModel | None = None,
               threshold: float | None = None) -> list[Suspicion]:
    """The slots whose observed choice the model finds unlikely."""
    model = model or get_model()
    limit = model.threshold if threshold is None else threshold
    out = []
    for slot, probs in _scored(doc, model):
        if probs[slot.observed] < limit:
            best = max(probs, key=probs.__getitem__)
            out.append(Suspicion(slot.start, slot.end, slot.kind, slot.observed, best,
                                 round(probs[slot.observed], 4)))
    return out
