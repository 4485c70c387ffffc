"""Vocabulary profile of an answer: CEFR levels of its words, diversity, rarity.

Levels come from the shipped table ``data/wordlevels/word_levels.tsv`` (lemma,
coarse POS, level); overused basic words and better alternatives from the
hand-written ``alternatives.json``. Both load once per process
(``resources.shared``). Use :func:`profile` on a parsed Doc.
"""
from __future__ import annotations

import csv
import json
import math
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Token

from ..errors import DataError
from .resources import shared
from .types import CEFR_LEVELS

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "wordlevels"
OFF_LIST = "off-list"
BANDS = CEFR_LEVELS + (OFF_LIST,)
CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV"})
# Content words whose level a list cannot know: names and figures.
OFF_LIST_POS = frozenset({"PROPN", "NUM"})
MTLD_THRESHOLD = 0.72
MATTR_WINDOW = 50
#: Zipf below this counts as a less common word (about 1 in 100,000 words).
RARE_ZIPF = 4.0
ADVANCED_FROM = CEFR_LEVELS.index("B2")


@dataclass(frozen=True)
class WordLevel:
    text: str
    lemma: str
    pos: str
    level: str  # A1 … C2 or "off-list"


@dataclass(frozen=True)
class Alternative:
    word: str
    level: str


@dataclass(frozen=True)
class OverusedWord:
    lemma: str
    count: int
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class VocabularyProfile:
    #: Content-word tokens (nouns, verbs, adjectives, adverbs, names, numbers).
    content_tokens: int
    words: tuple[WordLevel, ...]
    #: Counts per band, in the order of :data:`BANDS`.
    counts: tuple[int, ...]
    #: Mean level (A1=1 … C2=6) of the content tokens that are on the list.
    mean_level: float | None
    mtld: float | None
    mattr: float | None
    mean_zipf: float | None
    rare_share: float | None
    advanced: tuple[str, ...]
    overused: tuple[OverusedWord, ...]

    @property
    def distribution(self) -> dict[str, int]:
        return dict(zip(BANDS, self.counts))

    @property
    def proportions(self) -> dict[str, float]:
        total = self.content_tokens
        return {b: (round(c / total, 4) if total else 0.0) for b, c in zip(BANDS, self.counts)}

    def to_dict(self) -> dict[str, Any]:
        return {
            "content_tokens": self.content_tokens,
            "distribution": self.distribution,
            "proportions": self.proportions,
            "mean_level": self.mean_level,
            "diversity": {"mtld": self.mtld, "mattr": self.mattr},
            "sophistication": {"mean_zipf": self.mean_zipf, "rare_share": self.rare_share},
            "advanced_words": list(self.advanced),
            "overused": [{**asdict(o), "alternatives": [asdict(a) for a in o.alternatives]}
                         for o in self.overused],
            # asdict() copies recursively; these records are flat, and a long
            # answer has hundreds of them.
            "words": [{"text": w.text, "lemma": w.lemma, "pos": w.pos, "level": w.level}
                      for w in self.words],
        }


class WordData:
    """The shipped word levels, alternatives and word frequencies."""

    def __init__(self, folder: Path = DATA_DIR) -> None:
        self.by_pos, self.any_pos = _load_levels(folder / "word_levels.tsv")
        self.min_repeats, self.alternatives = _load_alternatives(folder / "alternatives.json")
        try:
            from wordfreq import get_frequency_dict
            self.freq = get_frequency_dict("en")
        except Exception as exc:  # wordfreq raises plain errors on missing data
            raise DataError("wordfreq's English frequency data could not be loaded") from exc

    def level(self, lemma: str, pos: str) -> int | None:
        """Level index (0 = A1) of a lemma as ``pos``, else as any POS."""
        found = self.by_pos.get((lemma, pos))
        return self.any_pos.get(lemma) if found is None else found

    def zipf(self, word: str) -> float:
        freq = self.freq.get(word, 0.0)
        return math.log10(freq) + 9.0 if freq > 0 else 0.0


def _load_levels(path: Path) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    by_pos: dict[tuple[str, str], int] = {}
    any_pos: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                level = CEFR_LEVELS.index(row["level"])
                by_pos[(row["lemma"], row["pos"])] = level
                # A learner who knows a word in one use knows its form.
                any_pos[row["lemma"]] = min(level, any_pos.get(row["lemma"], level))
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise DataError(f"word level table unreadable: {path}") from exc
    if not by_pos:
        raise DataError(f"word level table is empty: {path}")
    return by_pos, any_pos


def _load_alternatives(path: Path) -> tuple[int, dict[str, tuple[Alternative, ...]]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        table = {
            basic.lower(): tuple(Alternative(a["word"], a["level"]) for a in entry["alternatives"])
            for basic, entry in raw["words"].items()}
        min_repeats = int(raw["min_repeats"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(f"alternatives file unreadable: {path}") from exc
    bad = [a.level for alts in table.values() for a in alts if a.level not in CEFR_LEVELS]
    if bad:
        raise DataError(f"{path}: not CEFR levels: {sorted(set(bad))}")
    return min_repeats, table


def get_word_data() -> WordData:
    return shared.get("word_data", WordData)


def _is_content(token: Token) -> bool:
    return (token.pos_ in CONTENT_POS or token.pos_ in OFF_LIST_POS) and not (
        token.is_punct or token.is_space)


def word_level(token: Token, data: WordData) -> str:
    """Band of one content token; names, numbers and unknown strings are off-list."""
    if token.pos_ in OFF_LIST_POS or token.like_num or token.like_url or token.like_email:
        return OFF_LIST
    lemma, text = token.lemma_.lower(), token.text.lower()
    found = data.level(lemma, token.pos_)
    if found is None and text != lemma:
        # The lemmatiser sometimes mangles a form the table knows as written.
        found = data.level(text, token.pos_)
    return OFF_LIST if found is None else CEFR_LEVELS[found]


def mtld(tokens: list[str], threshold: float = MTLD_THRESHOLD) -> float | None:
    """Measure of textual lexical diversity (McCarthy & Jarvis 2010), mean of
    both directions. Length-independent, unlike a plain type-token ratio."""
    if not tokens:
        return None
    return round((_mtld_pass(tokens, threshold) + _mtld_pass(tokens[::-1], threshold)) / 2, 2)


def _mtld_pass(tokens: list[str], threshold: float) -> float:
    factors, types, count = 0.0, set(), 0
    for tok in tokens:
        types.add(tok)
        count += 1
        if len(types) / count <= threshold:
            factors += 1
            types, count = set(), 0
    if count:
        # A partial factor counts for how far its TTR fell towards the threshold.
        factors += (1 - len(types) / count) / (1 - threshold)
    return len(tokens) / factors if factors else float(len(tokens))


def mattr(tokens: list[str], window: int = MATTR_WINDOW) -> float | None:
    """Moving-average type-token ratio; the plain TTR for texts under one window."""
    if not tokens:
        return None
    if len(tokens) <= window:
        return round(len(set(tokens)) / len(tokens), 4)
    counts = Counter(tokens[:window])
    total = len(counts)
    for i in range(window, len(tokens)):
        out, new = tokens[i - window], tokens[i]
        counts[out] -= 1
        if not counts[out]:
            del counts[out]
        counts[new] += 1
        total += len(counts)
    return round(total / (len(tokens) - window + 1) / window, 4)


def profile(doc: Doc, data: WordData | None = None) -> VocabularyProfile:
    data = data or get_word_data()
    words = tuple(WordLevel(t.text, t.lemma_.lower(), t.pos_, word_level(t, data))
                  for t in doc if _is_content(t))
    bands = Counter(w.level for w in words)
    on_list = [CEFR_LEVELS.index(w.level) + 1 for w in words if w.level != OFF_LIST]
    # Rarity of what a word-frequency list knows; names and typos would read as rare.
    zipfs = [z for w in words if w.pos in CONTENT_POS and (z := data.zipf(w.text.lower())) > 0]
    advanced = dict.fromkeys(w.lemma for w in words if w.level != OFF_LIST
                             and CEFR_LEVELS.index(w.level) >= ADVANCED_FROM)
    tokens = [t.text.lower() for t in doc if t.is_alpha]
    return VocabularyProfile(
        content_tokens=len(words),
        words=words,
        counts=tuple(bands.get(b, 0) for b in BANDS),
        mean_level=round(sum(on_list) / len(on_list), 3) if on_list else None,
        mtld=mtld(tokens),
        mattr=mattr(tokens),
        mean_zipf=round(sum(zipfs) / len(zipfs), 3) if zipfs else None,
        rare_share=round(sum(z < RARE_ZIPF for z in zipfs) / len(zipfs), 4) if zipfs else None,
        advanced=tuple(advanced),
        overused=_overused(doc, data),
    )


def _overused(doc: Doc, data: WordData) -> tuple[OverusedWord, ...]:
    counts = Counter(t.lemma_.lower() for t in doc if t.is_alpha)
    return tuple(
        OverusedWord(lemma, counts[lemma], data.alternatives[lemma])
        for lemma, _ in counts.most_common()
        if lemma in data.alternatives and counts[lemma] >= data.min_repeats)
