"""Syntactic complexity of an answer, measured in one pass over its parse.

The measures are those a rater looks at when judging range and control:
sentence length and its spread, clause density and subordination, noun-phrase
elaboration, the variety of verb forms and linking words, plus signals of
trouble (run-on sentences, missing punctuation, shouting, padding by
repetition). They feed the level model and are shown to reviewers, so each is
a plain number with an obvious meaning.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from ..errors import DataError
from .resources import shared

#: Dependency labels that open a subordinate (embedded) clause.
SUBORDINATE = frozenset({"ccomp", "xcomp", "advcl", "acl", "relcl", "csubj", "csubjpass"})
#: Labels under which a verb is coordinated with another clause.
COORDINATE = frozenset({"conj", "parataxis"})
#: Dependents that elaborate a noun (determiners are not elaboration).
NP_MODIFIERS = frozenset({"amod", "compound", "nmod", "prep", "poss", "acl", "relcl",
                          "nummod", "appos", "quantmod"})
VERBAL = frozenset({"VERB", "AUX"})
TERMINAL = frozenset({".", "!", "?", "…"})
#: A sentence longer than this is a run-on risk for a written answer.
LONG_SENTENCE = 40
#: Sentences shorter than this repeat legitimately ("Thank you.").
MIN_REPEAT_WORDS = 4
NGRAM = 4


@dataclass(frozen=True)
class Connector:
    phrase: tuple[str, ...]
    cefr: str
    function: str
    deps: frozenset[str] | None = None
    head_pos: frozenset[str] | None = None


@dataclass(frozen=True)
class Repetition:
    #: Share of sentences (of at least 4 words) that repeat an earlier one.
    repeated_sentence_share: float
    #: Share of word 4-grams that already occurred earlier in the answer.
    repeated_ngram_share: float

    def to_dict(self) -> dict[str, Any]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


@dataclass(frozen=True)
class Complexity:
    sentences: int
    words: int
    mean_sentence_length: float
    sd_sentence_length: float
    #: Mean over sentences of the deepest token's distance from the root.
    mean_depth: float
    max_depth: int
    clauses: int
    clauses_per_sentence: float
    subordination_ratio: float
    coordination_ratio: float
    words_per_clause: float
    passive_share: float
    long_sentence_share: float
    #: Mean number of modifiers (adjectives, compounds, prepositional phrases,
    #: relative clauses …) per common noun.
    np_complexity: float
    verb_forms: tuple[str, ...]
    verb_form_variety: int
    #: Distinct connectors used, in order of first use, as (phrase, CEFR).
    connectors: tuple[tuple[str, str], ...]
    connector_count: int
    all_caps_share: float
    punctuation_per_sentence: float
    #: Share of sentences that end with . ! ? (unpunctuated text scores low).
    end_punctuation_share: float
    #: Longest stretch of words with no punctuation mark between them.
    max_words_without_punct: int
    repeated_sentence_share: float
    repeated_ngram_share: float

    @property
    def connector_variety(self) -> int:
        return len(self.connectors)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            out[key] = round(value, 4) if isinstance(value, float) else value
        out["verb_forms"] = list(self.verb_forms)
        out["connectors"] = [{"phrase": p, "cefr": c} for p, c in self.connectors]
        out["connector_variety"] = self.connector_variety
        return out


# --- data -----------------------------------------------------------------

def _parse_connectors(raw: str) -> dict[str, list[Connector]]:
    try:
        rows = json.loads(raw)["connectors"]
        index: dict[str, list[Connector]] = {}
        for row in rows:
            deps, head_pos = row.get("deps"), row.get("head_pos")
            conn = Connector(tuple(row["phrase"].lower().split()), row["cefr"], row["function"],
                             frozenset(deps) if deps else None,
                             frozenset(head_pos) if head_pos else None)
            index.setdefault(conn.phrase[0], []).append(conn)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataError(f"connectors.json is malformed: {exc}") from exc
    for options in index.values():
        # Longest first, so "even though" wins over "even".
        options.sort(key=lambda c: -len(c.phrase))
    return index


def connectors_index() -> dict[str, list[Connector]]:
    """Connectors by first word, longest phrase first (loaded once)."""
    return shared.get("connectors", _load_connectors)


def _load_connectors() -> dict[str, list[Connector]]:
    path = resources.files("assessor") / "data" / "complexity" / "connectors.json"
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"cannot read {path}") from exc
    return _parse_connectors(raw)


# --- measures -------------------------------------------------------------

def _depths(doc: Doc) -> list[int]:
    """Distance of every token from its sentence root, memoised walk up."""
    depth = [-1] * len(doc)
    heads = [t.head.i for t in doc]
    for i in range(len(doc)):
        path, j = [], i
        while depth[j] < 0 and heads[j] != j:
            path.append(j)
            j = heads[j]
        base = depth[j] = max(depth[j], 0)
        for k in reversed(path):
            base += 1
            depth[k] = base
    return depth


_PERFECT = {"VBD": "past_perfect", "VB": "modal_perfect"}


def _forms_of(tok, auxes) -> set[str]:
    """Tense, aspect, voice and mood of one clause from its verb and auxiliaries."""
    forms: set[str] = set()
    finite = None
    for aux in auxes:
        lemma, tag = aux.lemma_.lower(), aux.tag_
        if aux.dep_ == "auxpass":
            forms.add("passive")
        elif tag == "MD":
            forms.add("future" if lemma in ("will", "shall") else "modal")
        elif lemma == "have" and tok.tag_ == "VBN":
            forms.add(_PERFECT.get(tag, "present_perfect"))
        elif lemma == "be" and tok.tag_ == "VBG":
            forms.add("progressive")
        if finite is None and tag in ("VBD", "VBZ", "VBP", "MD"):
            finite = tag
    if finite is None and tok.tag_ in ("VBD", "VBZ", "VBP"):
        finite = tok.tag_
    if finite == "VBD" and not forms & {"past_perfect"}:
        forms.add("past")
    elif finite in ("VBZ", "VBP") and not forms & {"present_perfect"}:
        forms.add("present")
    children = list(tok.children)
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in children):
        forms.add("conditional")
    if (not forms and tok.tag_ == "VB" and tok.dep_ == "ROOT"
            and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in children)):
        # A bare-infinitive root without subject: "Please call us."
        forms.add("imperative")
    return forms


def _match_connectors(words: list[str], deps: list[str], head_pos: list[str]
                      ) -> list[tuple[str, str]]:
    index = connectors_index()
    found: list[tuple[str, str]] = []
    i, n = 0, len(words)
    while i < n:
        step = 1
        for conn in index.get(words[i], ()):
            k = len(conn.phrase)
            if tuple(words[i:i + k]) != conn.phrase:
                continue
            if conn.deps is not None and deps[i] not in conn.deps:
                continue
            if conn.head_pos is not None and head_pos[i] not in conn.head_pos:
                continue
            found.append((" ".join(conn.phrase), conn.cefr))
            step = k
            break
        i += step
    return found


def repetition_of(sentences: list[list[str]]) -> Repetition:
    """Padding signals from sentences given as lists of lower-case words."""
    seen: set[tuple[str, ...]] = set()
    long_sents = repeated = 0
    for sent in sentences:
        if len(sent) < MIN_REPEAT_WORDS:
            continue
        long_sents += 1
        key = tuple(sent)
        repeated += key in seen
        seen.add(key)
    flat = [w for s in sentences for w in s]
    grams = [tuple(flat[i:i + NGRAM]) for i in range(len(flat) - NGRAM + 1)]
    seen_grams: set[tuple[str, ...]] = set()
    rep_grams = 0
    for g in grams:
        rep_grams += g in seen_grams
        seen_grams.add(g)
    return Repetition(repeated / long_sents if long_sents else 0.0,
                      rep_grams / len(grams) if grams else 0.0)


_SENT_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.U)


def repetition(doc_or_text: "Doc | str") -> Repetition:
    """Share of repeated sentences and of repeated word 4-grams (anti-padding)."""
    if isinstance(doc_or_text, Doc):
        sentences = [[t.lower_ for t in s if not (t.is_punct or t.is_space)]
                     for s in doc_or_text.sents]
    else:
        sentences = [[w.lower().replace("’", "'") for w in _WORD.findall(s)]
                     for s in _SENT_END.split(doc_or_text)]
    return repetition_of([s for s in sentences if s])


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def measure(doc: Doc) -> Complexity:
    """All measures of :class:`Complexity` for a parsed answer."""
    acc = _Accumulator()
    for tok in doc:
        acc.feed(tok)
    return acc.result(doc)


class _Accumulator:
    """State of the single pass over tokens; ``result`` derives the figures."""

    def __init__(self) -> None:
        self.sent_words: list[int] = []
        self.sent_spans: list[tuple[int, int]] = []  # (start, end) token spans
        self.sent_lists: list[list[str]] = []
        self.end_punct = 0
        self.punct = 0
        self.clause_heads: list[int] = []
        self.subordinate = self.coordinate = 0
        self.auxes: dict[int, list] = {}
        self.passive_heads: set[int] = set()
        self.nouns = self.np_mods = 0
        self.alpha = self.caps = 0
        self.run = self.max_run = 0
        self.words: list[str] = []
        self.deps: list[str] = []
        self.head_pos: list[str] = []
        self.last_real = None

    def _close_sentence(self) -> None:
        if self.sent_words[-1] and self.last_real is not None \
                and self.last_real.text[-1] in TERMINAL:
            self.end_punct += 1

    def feed(self, tok) -> None:
        if tok.is_sent_start or not self.sent_words:
            if self.sent_words:
                self._close_sentence()
            self.sent_words.append(0)
            self.sent_lists.append([])
            self.sent_spans.append((tok.i, tok.i))
            self.last_real = None
        start, _ = self.sent_spans[-1]
        self.sent_spans[-1] = (start, tok.i + 1)
        if tok.is_space:
            return
        self.last_real = tok
        dep, pos = tok.dep_, tok.pos_
        if tok.is_punct:
            self.punct += 1
            self.run = 0
            return
        self._word(tok, dep, pos)

    def _word(self, tok, dep: str, pos: str) -> None:
        lower = tok.lower_
        self.sent_words[-1] += 1
        self.sent_lists[-1].append(lower)
        self.words.append(lower)
        self.deps.append(dep)
        head = tok.head
        self.head_pos.append(head.pos_)
        self.run += 1
        self.max_run = max(self.max_run, self.run)
        if tok.is_alpha and len(lower) > 1:
            self.alpha += 1
            self.caps += tok.is_upper
        if dep == "ROOT":
            self.clause_heads.append(tok.i)
        elif dep in SUBORDINATE and pos in VERBAL:
            self.clause_heads.append(tok.i)
            self.subordinate += 1
        elif dep in COORDINATE and pos in VERBAL and head.pos_ in VERBAL:
            self.clause_heads.append(tok.i)
            self.coordinate += 1
        if dep in ("aux", "auxpass"):
            self.auxes.setdefault(head.i, []).append(tok)
            if dep == "auxpass":
                self.passive_heads.add(head.i)
        if pos == "NOUN":
            self.nouns += 1
        if dep in NP_MODIFIERS and head.pos_ == "NOUN":
            self.np_mods += 1

    def result(self, doc: Doc) -> Complexity:
        if self.sent_words:
            self._close_sentence()
        lengths = [n for n in self.sent_words if n]
        n_sent, n_words = len(lengths), sum(lengths)
        mean = _ratio(n_words, n_sent)
        sd = math.sqrt(_ratio(sum((x - mean) ** 2 for x in lengths), n_sent))
        depths = _depths(doc)
        sent_depths = [max(depths[a:b]) for (a, b), n in zip(self.sent_spans, self.sent_words)
                       if n and b > a]
        clauses = len(self.clause_heads)
        forms = {f for i in self.clause_heads if doc[i].pos_ in VERBAL
                 for f in _forms_of(doc[i], self.auxes.get(i, ()))}
        found = _match_connectors(self.words, self.deps, self.head_pos)
        distinct = tuple(dict.fromkeys(found))
        rep = repetition_of([s for s in self.sent_lists if s])
        return Complexity(
            sentences=n_sent, words=n_words,
            mean_sentence_length=mean, sd_sentence_length=sd,
            mean_depth=_ratio(sum(sent_depths), len(sent_depths)),
            max_depth=max(sent_depths, default=0),
            clauses=clauses, clauses_per_sentence=_ratio(clauses, n_sent),
            subordination_ratio=_ratio(self.subordinate, clauses),
            coordination_ratio=_ratio(self.coordinate, clauses),
            words_per_clause=_ratio(n_words, clauses),
            passive_share=min(1.0, _ratio(len(self.passive_heads), clauses)),
            long_sentence_share=_ratio(sum(n > LONG_SENTENCE for n in lengths), n_sent),
            np_complexity=_ratio(self.np_mods, self.nouns),
            verb_forms=tuple(sorted(forms)), verb_form_variety=len(forms),
            connectors=distinct, connector_count=len(found),
            all_caps_share=_ratio(self.caps, self.alpha),
            punctuation_per_sentence=_ratio(self.punct, n_sent),
            end_punctuation_share=_ratio(self.end_punct, n_sent),
            max_words_without_punct=self.max_run,
            repeated_sentence_share=rep.repeated_sentence_share,
            repeated_ngram_share=rep.repeated_ngram_share,
        )
