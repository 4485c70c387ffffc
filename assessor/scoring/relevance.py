"""Is the answer the applicant's own, on topic, and in English at all?

Three checks keep the level honest:

* **copying** – word 5-grams shared with the prompt are the prompt's words, not
  the applicant's; :func:`copied_spans` finds them and :func:`strip_copied`
  removes them so only the applicant's own words are scored;
* **topic** – the IDF-weighted cosine of content lemmas of answer and prompt
  (weights from wordfreq's Zipf scale, so "refund" counts more than "good").
  A good reply to a short prompt may share few words with it, so only clear
  cases are flagged ``off_topic`` (threshold in ``data/relevance``);
* **language** – :func:`english_ratio` and :func:`is_keyboard_noise` let the
  core say "not English" instead of rating keyboard mashing or Spanish as A1.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from wordfreq import zipf_frequency

from ..errors import DataError, InputError
from .nlp import get_nlp
from .resources import shared

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
#: An unknown word weighs as much as the rarest words wordfreq knows.
_MAX_IDF = 7.5
_MIN_IDF = 0.25
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.U)
_ALPHA = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.U)
_LATIN = re.compile(r"[a-z]+")
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True)
class Thresholds:
    copy_ngram: int
    max_similarity: float
    min_answer_content: int
    min_prompt_content: int
    max_copied_ratio: float
    #: Words of the task's wording ("write", "reply", "explain") that say
    #: nothing about its topic.
    instruction_words: frozenset[str]
    min_zipf: float
    foreign_margin: float
    languages: tuple[str, ...]
    min_english_ratio: float
    noise_known_zipf: float
    max_consonant_run: int
    max_repeated_char: int
    min_distinct_share: float
    keyboard_rows: tuple[str, ...]
    min_noise_ratio: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Thresholds":
        try:
            c, o, e, n = data["copy"], data["off_topic"], data["english"], data["noise"]
            return cls(int(c["min_ngram"]), float(o["max_similarity"]),
                       int(o["min_answer_content_words"]), int(o["min_prompt_content_words"]),
                       float(o["max_copied_ratio"]), frozenset(o["instruction_words"]),
                       float(e["min_zipf"]),
                       float(e["foreign_margin"]), tuple(e["compare_languages"]),
                       float(e["min_ratio"]), float(n["known_zipf"]),
                       int(n["max_consonant_run"]), int(n["max_repeated_char"]),
                       float(n["min_distinct_share"]), tuple(n["keyboard_rows"]),
                       float(n["min_ratio"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise DataError(f"relevance thresholds are malformed: {exc!r}") from exc


def load_thresholds(path: Path | None = None) -> Thresholds:
    """The shipped thresholds, or those of the JSON file at ``path``."""
    if path is None:
        return shared.get("relevance_thresholds", lambda: _read_thresholds(None))
    return _read_thresholds(path)


def _read_thresholds(path: Path | None) -> Thresholds:
    source = path or resources.files("assessor") / "data" / "relevance" / "thresholds.json"
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read relevance thresholds {source}: {exc}") from exc
    return Thresholds.from_dict(data)


@dataclass(frozen=True)
class Relevance:
    #: IDF-weighted cosine of content lemmas (0–1); ``None`` without a prompt.
    similarity: float | None
    #: Share of the answer's words inside 5-grams (or longer) also in the prompt.
    copied_ratio: float
    #: ``(offset, length)`` of each copied stretch, into the answer's text.
    copied_spans: tuple[tuple[int, int], ...]
    off_topic: bool
    english_ratio: float
    keyboard_noise: bool
    #: Keyboard noise or too few English words: say so rather than rate it A1.
    not_english: bool
    answer_content_words: int
    prompt_content_words: int

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("similarity", "copied_ratio", "english_ratio"):
            if out[key] is not None:
                out[key] = round(out[key], 4)
        out["copied_spans"] = [list(s) for s in self.copied_spans]
        return out


# --- copying ----------------------------------------------------------------

def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower().replace("’", "'"), m.start(), m.end())
            for m in _TOKEN.finditer(text)]


def _copied_mask(tokens: list[tuple[str, int, int]], prompt: str, n: int) -> list[bool]:
    words = [t[0] for t in tokens]
    prompt_words = [t[0] for t in _tokens(prompt)]
    grams = {tuple(prompt_words[i:i + n]) for i in range(len(prompt_words) - n + 1)}
    mask = [False] * len(words)
    for i in range(len(words) - n + 1):
        if tuple(words[i:i + n]) in grams:
            mask[i:i + n] = [True] * n
    return mask


def copied_spans(text: str, prompt: str | None,
                 thresholds: Thresholds | None = None) -> tuple[float, tuple[tuple[int, int], ...]]:
    """``(copied_ratio, spans)``: words of ``text`` in n-grams shared with ``prompt``.

    Spans are ``(offset, length)`` into ``text``; consecutive copied words
    (and the punctuation between them) form one span.
    """
    if not prompt:
        return 0.0, ()
    t = thresholds or load_thresholds()
    tokens = _tokens(text)
    mask = _copied_mask(tokens, prompt, t.copy_ngram)
    spans: list[tuple[int, int]] = []
    start = end = None
    for (_, s, e), copied in zip(tokens, mask):
        if copied:
            start = s if start is None else start
            end = e
        elif start is not None:
            spans.append((start, end - start))
            start = None
    if start is not None:
        spans.append((start, end - start))
    ratio = sum(mask) / len(tokens) if tokens else 0.0
    return ratio, tuple(spans)


def strip_copied(text: str, prompt: str | None, thresholds: Thresholds | None = None) -> str:
    """``text`` without the stretches copied from ``prompt`` (the applicant's own words)."""
    _, spans = copied_spans(text, prompt, thresholds)
    pieces, pos = [], 0
    for offset, length in spans:
        pieces.append(text[pos:offset])
        pos = offset + length
    pieces.append(text[pos:])
    joined = " ".join(p.strip(" \t") for p in pieces if p.strip())
    return re.sub(r"[ \t]{2,}", " ", joined).strip()


# --- topic -------------------------------------------------------------------

@lru_cache(maxsize=65536)
def idf(lemma: str) -> float:
    """Weight of a lemma: rarer in English (lower Zipf) weighs more."""
    return min(_MAX_IDF, max(_MIN_IDF, _MAX_IDF - zipf_frequency(lemma, "en")))


def content_lemmas(doc: Doc) -> Counter[str]:
    """Lower-case lemmas of content words (no stop words, no punctuation)."""
    return Counter(t.lemma_.lower() for t in doc
                   if t.pos_ in CONTENT_POS and not t.is_stop and any(c.isalnum() for c in t.text))


def _weighted(bag: Counter[str]) -> dict[str, float]:
    return {w: (1.0 + math.log(c)) * idf(w) for w, c in bag.items()}


def cosine(a: Counter[str], b: Counter[str]) -> float:
    va, vb = _weighted(a), _weighted(b)
    dot = sum(v * vb[w] for w, v in va.items() if w in vb)
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    return dot / norm if norm else 0.0


def _without(bag: Counter[str], words: frozenset[str]) -> Counter[str]:
    return Counter({w: c for w, c in bag.items() if w not in words})


@lru_cache(maxsize=256)
def _prompt_lemmas(prompt: str) -> Counter[str]:
    # Prompts repeat across every applicant of a test: parse each once.
    return content_lemmas(get_nlp()(prompt))


# --- language ------------------------------------------------------------------

@lru_cache(maxsize=65536)
def zipf_en(word: str) -> float:
    """Zipf frequency in English, cached: wordfreq re-tokenises on every call."""
    return zipf_frequency(word, "en")


@lru_cache(maxsize=65536)
def _foreign_zipf(word: str, languages: tuple[str, ...]) -> float:
    # The small lists hold every word common enough to tell a language by.
    return max((zipf_frequency(word, lang, wordlist="small") for lang in languages), default=0.0)


def _is_noise_word(word: str, t: Thresholds) -> bool:
    """Keyboard mashing: row runs, no vowels, long consonant or letter runs."""
    if not _LATIN.fullmatch(word) or len(word) < 3 or zipf_en(word) >= t.noise_known_zipf:
        return False
    if any(word in row or word in row[::-1] for row in t.keyboard_rows):
        return True
    if len(word) >= 4 and any(set(word) <= set(row) for row in t.keyboard_rows):
        return True
    if not _VOWELS & set(word):
        return True
    if re.search(f"[^aeiouy]{{{t.max_consonant_run + 1},}}", word):
        return True
    if re.search(f"(.)\\1{{{t.max_repeated_char},}}", word):
        return True
    return len(word) >= 8 and len(set(word)) / len(word) <= t.min_distinct_share


@lru_cache(maxsize=65536)
def _latin(word: str) -> bool:
    # English web text quotes Cyrillic and other scripts too; English is written in Latin.
    return all(c == "'" or unicodedata.name(c, "").startswith("LATIN") for c in word)


def _is_english(word: str, t: Thresholds) -> bool:
    zipf = zipf_en(word)
    if zipf < t.min_zipf or not _latin(word) or _is_noise_word(word, t):
        return False
    # "und", "que", "ang" occur in English web text too, but far more in their own language.
    return zipf + t.foreign_margin >= _foreign_zipf(word, t.languages)


def _alpha_words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _ALPHA.findall(text)]


def english_ratio(text: str, thresholds: Thresholds | None = None) -> float:
    """Share of alphabetic tokens that are English words (0 when there are none)."""
    t = thresholds or load_thresholds()
    words = _alpha_words(text)
    return sum(_is_english(w, t) for w in words) / len(words) if words else 0.0


def noise_ratio(text: str, thresholds: Thresholds | None = None) -> float:
    t = thresholds or load_thresholds()
    words = _alpha_words(text)
    return sum(_is_noise_word(w, t) for w in words) / len(words) if words else 0.0


def is_keyboard_noise(text: str, thresholds: Thresholds | None = None) -> bool:
    """True when a large share of the words are keyboard mashing ("asdf jkl qwerty")."""
    t = thresholds or load_thresholds()
    words = _alpha_words(text)
    if not words:
        # Only digits and symbols: nothing a person wrote in any language.
        return bool(text.strip())
    return noise_ratio(text, t) >= t.min_noise_ratio


def topic_similarity(doc: Doc, prompt: str | None, thresholds: Thresholds | None = None
                     ) -> tuple[float | None, int, int]:
    """``(similarity, answer content words, prompt content words)``.

    Similarity is ``None`` when there is no prompt or it has no content word.
    """
    t = thresholds or load_thresholds()
    answer_bag = _without(content_lemmas(doc), t.instruction_words)
    prompt_bag = (_without(_prompt_lemmas(prompt), t.instruction_words)
                  if prompt and prompt.strip() else Counter())
    similarity = cosine(answer_bag, prompt_bag) if prompt_bag else None
    return similarity, sum(answer_bag.values()), sum(prompt_bag.values())


# --- all together ----------------------------------------------------------------

def assess(doc_or_text: "Doc | str", prompt: str | None,
           thresholds: Thresholds | None = None) -> Relevance:
    """Copying, topic and language checks of one answer against its prompt."""
    if isinstance(doc_or_text, Doc):
        doc = doc_or_text
    elif isinstance(doc_or_text, str):
        doc = get_nlp()(doc_or_text)
    else:
        raise InputError(f"answer must be text or a spaCy Doc, not {type(doc_or_text).__name__}")
    if prompt is not None and not isinstance(prompt, str):
        raise InputError(f"prompt must be text, not {type(prompt).__name__}")
    t = thresholds or load_thresholds()
    text = doc.text
    ratio, spans = copied_spans(text, prompt, t)
    similarity, n_answer, n_prompt = topic_similarity(doc, prompt, t)
    off_topic = (similarity is not None and similarity < t.max_similarity
                 and n_answer >= t.min_answer_content and n_prompt >= t.min_prompt_content
                 and ratio <= t.max_copied_ratio)
    english, noise = english_ratio(text, t), is_keyboard_noise(text, t)
    return Relevance(similarity=similarity, copied_ratio=ratio, copied_spans=spans,
                     off_topic=off_topic, english_ratio=english, keyboard_noise=noise,
                     not_english=noise or english < t.min_english_ratio,
                     answer_content_words=n_answer, prompt_content_words=n_prompt)
