"""Build the shipped CEFR word-level table from packaged sources.

The reference lists (CEFR-J Vocabulary Profile 1.5, Octanove C1/C2) may not be
shipped, so they only serve as the *target* of a model whose features come from
packages we may redistribute: cefrpy (per-POS levels, MIT) and wordfreq (Zipf
frequency). The model then rates every lemma of a vocabulary drawn from those
packages, reference words included: the table holds predictions, never labels.

    python -m assessor.training.wordlevels --shared ../shared \
        --out assessor/data/wordlevels/word_levels.tsv

Needs the ``train`` extra (scikit-learn, cefrpy); scoring does not.
"""
from __future__ import annotations

import argparse
import csv
import math
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..scoring.types import CEFR_LEVELS

REFERENCE_FILES = ("cefrj-vocabulary-profile-1.5.csv", "octanove-vocabulary-profile-c1c2-1.0.csv")
COARSE = ("NOUN", "VERB", "ADJ", "ADV", "other")
_REF_POS = {"noun": "NOUN", "verb": "VERB", "adjective": "ADJ", "adverb": "ADV"}
# Penn tags cefrpy uses, grouped as the table's coarse POS. Proper nouns and
# numbers are off-list at scoring time, so they are never rated.
_PENN = {
    "NOUN": ("NN", "NNS"), "VERB": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"),
    "ADJ": ("JJ", "JJR", "JJS"), "ADV": ("RB", "RBR", "RBS"),
    "other": ("CC", "DT", "IN", "MD", "PRP", "RP", "TO", "UH", "WDT", "WP", "WRB"),
}
_PENN_TO_COARSE = {tag: c for c, tags in _PENN.items() for tag in tags}
_SPACY_POS = {"NOUN": "NOUN", "VERB": "VERB", "ADJ": "ADJ", "ADV": "ADV", "other": "X"}
SUFFIXES = ("tion", "sion", "ness", "ity", "ment", "ance", "ence", "ism", "ist", "ous", "ive",
            "al", "ic", "ical", "able", "ible", "ful", "less", "ize", "ise", "ify", "ate",
            "ly", "er", "or", "ing", "ed", "ship", "hood", "ure", "ant", "ent", "ory", "ary")
PREFIXES = ("un", "re", "dis", "in", "im", "over", "under", "mis", "pre", "inter", "non", "counter")
_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
_VOWELS = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class RefEntry:
    lemma: str
    pos: str
    level: int  # 1 = A1 … 6 = C2


def load_reference(shared: Path) -> list[RefEntry]:
    """Single-word (headword, coarse POS) → lowest level over both lists."""
    folder = Path(shared) / "data" / "olp-cefrj"
    best: dict[tuple[str, str], int] = {}
    for name in REFERENCE_FILES:
        path = folder / name
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
        except OSError as exc:
            raise DataError(f"reference word list missing: {path}") from exc
        for row in rows:
            level = (row.get("CEFR") or "").strip().upper()
            if level not in CEFR_LEVELS:
                continue
            pos = _REF_POS.get((row.get("pos") or "").strip().lower(), "other")
            # "colour/color" lists spelling variants of one entry.
            for variant in (row.get("headword") or "").split("/"):
                lemma = variant.strip().lower()
                if _WORD.match(lemma):
                    key = (lemma, pos)
                    best[key] = min(best.get(key, 9), CEFR_LEVELS.index(level) + 1)
    if not best:
        raise DataError(f"no usable entries in {folder}")
    return [RefEntry(lemma, pos, level) for (lemma, pos), level in sorted(best.items())]


class Featurizer:
    """Features of a (lemma, coarse POS) from cefrpy and wordfreq only."""

    def __init__(self) -> None:
        try:
            from cefrpy import CEFRAnalyzer
            from wordfreq import get_frequency_dict
        except ImportError as exc:
            raise DataError("building word levels needs the 'train' extra (cefrpy)") from exc
        self._cefr = CEFRAnalyzer()
        self._freq = get_frequency_dict("en")
        #: (lemma, POS) → surface forms that lemmatise to it; filled by
        #: :func:`candidate_vocabulary` so frequent inflections count.
        self.forms: dict[tuple[str, str], set[str]] = defaultdict(set)

    def cefr_tags(self, word: str) -> dict[str, float]:
        return self._cefr.get_pos_level_dict_for_word(word, True, True)

    def zipf(self, word: str) -> float:
        freq = self._freq.get(word, 0.0)
        return math.log10(freq) + 9.0 if freq > 0 else 0.0

    def names(self) -> list[str]:
        return (["lvl_pos", "lvl_base", "lvl_forms_min", "lvl_avg", "lvl_min", "lvl_max",
                 "n_tags", "zipf", "zipf_family", "n_forms", "length", "syllables", "hyphen"]
                + [f"pos_{p}" for p in COARSE] + [f"suf_{s}" for s in SUFFIXES]
                + [f"pre_{p}" for p in PREFIXES])

    def _pos_levels(self, word: str, pos: str) -> tuple[float, float]:
        tags = self.cefr_tags(word)
        group = [lvl for tag, lvl in tags.items() if _PENN_TO_COARSE.get(tag) == pos]
        base = tags.get(_PENN[pos][0], math.nan)
        return (min(group) if group else math.nan), base

    def row(self, lemma: str, pos: str) -> list[float]:
        lvl_pos, lvl_base = self._pos_levels(lemma, pos)
        forms = self.forms.get((lemma, pos), set()) | {lemma}
        form_lvls = [self._pos_levels(f, pos)[0] for f in forms]
        form_lvls = [v for v in form_lvls if not math.isnan(v)]
        all_lvls = list(self.cefr_tags(lemma).values())
        avg = self._cefr.get_average_word_level_float(lemma)
        family = sum(self._freq.get(f, 0.0) for f in forms)
        nan = math.nan
        return ([lvl_pos, lvl_base, min(form_lvls) if form_lvls else nan,
                 nan if avg is None else avg, min(all_lvls) if all_lvls else nan,
                 max(all_lvls) if all_lvls else nan, float(len(all_lvls)), self.zipf(lemma),
                 math.log10(family) + 9.0 if family > 0 else 0.0, float(len(forms)),
                 float(len(lemma)), float(len(_VOWELS.findall(lemma))), float("-" in lemma)]
                + [float(pos == p) for p in COARSE]
                + [float(lemma.endswith(s) and len(lemma) > len(s) + 2) for s in SUFFIXES]
                + [float(lemma.startswith(p) and len(lemma) > len(p) + 3) for p in PREFIXES])

    def matrix(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return np.array([self.row(lemma, pos) for lemma, pos in pairs], dtype=np.float64)


def _lemmatiser():
    from spacy.tokens import Doc

    from ..scoring.nlp import get_nlp
    nlp = get_nlp()
    lemmatizer = nlp.get_pipe("lemmatizer")

    def lemma(word: str, pos: str) -> str:
        doc = lemmatizer(Doc(nlp.vocab, words=[word], pos=[_SPACY_POS[pos]]))
        return doc[0].lemma_.lower()
    return lemma


# British spellings pyspellchecker's US list lacks: try the US form before
# calling a word a misspelling ("colour", "organisation", "centre", "travelled").
_BRITISH = ((re.compile("our"), "or"), (re.compile("is(e|a|i)"), r"iz\1"),
            (re.compile("ys(e|i)"), r"yz\1"), (re.compile("([tb])re"), r"\1er"),
            (re.compile("ogue"), "og"), (re.compile("ll(ed|ing|er|ous)"), r"l\1"), (re.compile("ence$"), "ense"),
            (re.compile("ae"), "e"), (re.compile("oe"), "e"), (re.compile("mme$"), "m"))


class MisspellingFilter:
    """Keeps common misspellings (wordfreq and cefrpy list "thier", "recieve")
    out of the table, so at scoring time they are off-list, not "C2"."""

    def __init__(self, feat: Featurizer) -> None:
        from spellchecker import SpellChecker
        self._spell = SpellChecker(language="en")
        self._zipf = feat.zipf

    def _known(self, word: str) -> bool:
        if word in self._spell or all(p in self._spell for p in word.split("-")):
            return True
        us = word
        for pattern, repl in _BRITISH:
            variant = pattern.sub(repl, word)
            us = pattern.sub(repl, us)
            if variant in self._spell:
                return True
        return us in self._spell

    def __call__(self, word: str) -> bool:
        """True when ``word`` is unknown and one edit from a much commoner word."""
        # Frequent words are words, even if the speller lacks them ("tv", "cafe").
        if self._zipf(word) >= 4.0 or self._known(word):
            return False
        near = self._spell.known(self._spell.edit_distance_1(word))
        return any(self._zipf(w) >= self._zipf(word) + 1.0 for w in near)


def candidate_vocabulary(feat: Featurizer, top_n: int = 40_000,
                         min_zipf: float = 1.5) -> list[tuple[str, str]]:
    """Lemmas of cefrpy's words (frequent enough to matter) ∪ wordfreq's top words.

    Each surface form is lemmatised by the scoring pipeline's own lemmatiser for
    every coarse POS cefrpy gives it, so table keys match what scoring looks up.
    """
    from wordfreq import top_n_list
    words = {w for w in top_n_list("en", top_n) if _WORD.match(w)}
    words |= {w for w in feat._cefr.yield_words() if _WORD.match(w) and feat.zipf(w) >= min_zipf}
    misspelt = MisspellingFilter(feat)
    words = {w for w in words if not misspelt(w)}
    lemma = _lemmatiser()
    pairs: set[tuple[str, str]] = set()
    for word in sorted(words):
        coarse = {_PENN_TO_COARSE[t] for t in feat.cefr_tags(word) if t in _PENN_TO_COARSE}
        for pos in coarse:
            # Junk function-word tags on rare strings would pollute the any-POS fallback.
            if pos == "other" and feat.zipf(word) < 4.0:
                continue
            lem = lemma(word, pos)
            # A form lemmatised under a POS it does not have yields non-words
            # ("thyroiditis" as a verb → "thyroiditi"); neither source knows those.
            if lem != word and feat.zipf(lem) == 0 and not feat._cefr.is_word_in_database(lem):
                continue
            if _WORD.match(lem):
                feat.forms[(lem, pos)].add(word)
                pairs.add((lem, pos))
    return sorted(pairs)


def make_model(seed: int = 0):
    """Multinomial gradient boosting over the six bands.

    Chosen over regression with tuned cut points and over rounding cefrpy
    (see models/wordlevels-card.md): it agreed best out of fold.
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    return HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, min_samples_leaf=20, l2_regularization=1.0,
        random_state=seed)


def agreement(pred: np.ndarray, gold: np.ndarray, pos: np.ndarray | None = None) -> dict:
    """Exact and within-one agreement, overall, per reference level and per POS."""
    out = {"n": int(len(gold)), "exact": float(np.mean(pred == gold)),
           "within_one": float(np.mean(np.abs(pred - gold) <= 1)),
           "mae": float(np.mean(np.abs(pred - gold))), "by_level": {}, "by_pos": {}}
    for name in COARSE if pos is not None else ():
        mask = pos == name
        if mask.any():
            out["by_pos"][name] = {"n": int(mask.sum()), "exact": float(np.mean(pred[mask] == gold[mask]))}
    for k, name in enumerate(CEFR_LEVELS, start=1):
        mask = gold == k
        if mask.any():
            out["by_level"][name] = {
                "n": int(mask.sum()), "exact": float(np.mean(pred[mask] == k)),
                "within_one": float(np.mean(np.abs(pred[mask] - k) <= 1)),
                "mean_pred": float(np.mean(pred[mask]))}
    return out


def cross_validate(entries: list[RefEntry], feat: Featurizer, folds: int = 5,
                   seed: int = 0) -> tuple[dict, dict]:
    """Out-of-fold agreement of the model, and of cefrpy alone as a baseline.

    Folds are grouped by lemma: a word held out is predicted by a model that
    saw none of its senses (POS) either.
    """
    from sklearn.model_selection import GroupKFold
    X = feat.matrix([(e.lemma, e.pos) for e in entries])
    y = np.array([e.level for e in entries])
    groups = np.array([e.lemma for e in entries])
    pred = np.zeros_like(y)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(X, y, groups):
        pred[test] = make_model(seed).fit(X[train], y[train]).predict(X[test])
    pos = np.array([e.pos for e in entries])
    return agreement(pred, y, pos), agreement(_cefrpy_baseline(X, feat), y, pos)


def _cefrpy_baseline(X: np.ndarray, feat: Featurizer) -> np.ndarray:
    names = feat.names()
    pos_lvl, avg = X[:, names.index("lvl_pos")], X[:, names.index("lvl_avg")]
    lvl = np.where(np.isnan(pos_lvl), avg, pos_lvl)
    # Words cefrpy does not know at all count as its top band.
    return np.clip(np.rint(np.nan_to_num(lvl, nan=6.0)), 1, 6).astype(int)


def build(shared: Path, out: Path, folds: int = 5, seed: int = 0) -> dict:
    entries = load_reference(shared)
    feat = Featurizer()
    vocab = candidate_vocabulary(feat)
    cv, baseline = cross_validate(entries, feat, folds, seed)
    X = feat.matrix([(e.lemma, e.pos) for e in entries])
    model = make_model(seed).fit(X, np.array([e.level for e in entries]))
    levels = model.predict(feat.matrix(vocab))
    write_table(out, vocab, levels)
    known = {(e.lemma, e.pos) for e in entries}
    covered = sum(1 for pair in vocab if pair in known)
    return {"reference_entries": len(entries), "table_rows": len(vocab),
            "reference_covered": covered, "cv": cv, "cefrpy_baseline": baseline,
            "predicted": {name: int(n) for name, n in
                          zip(CEFR_LEVELS, np.bincount(levels, minlength=7)[1:])}}


def write_table(out: Path, pairs: list[tuple[str, str]], levels: np.ndarray) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("lemma\tpos\tlevel\n")
        for (lemma, pos), level in zip(pairs, levels):
            fh.write(f"{lemma}\t{pos}\t{CEFR_LEVELS[int(level) - 1]}\n")


def format_report(summary: dict) -> str:
    lines = [f"reference entries (single-word, lemma+POS): {summary['reference_entries']}",
             f"table rows: {summary['table_rows']} "
             f"(reference entries among them: {summary['reference_covered']})"]
    for title, key in (("model, cross-validated by lemma", "cv"),
                       ("cefrpy alone (rounded POS level)", "cefrpy_baseline")):
        m = summary[key]
        lines.append(f"{title}: exact {m['exact']:.3f}  within one {m['within_one']:.3f}  "
                     f"MAE {m['mae']:.3f}  (n={m['n']})")
        for name, b in m["by_level"].items():
            lines.append(f"  {name}: n={b['n']:5d}  exact {b['exact']:.3f}  "
                         f"within one {b['within_one']:.3f}  mean predicted {b['mean_pred']:.2f}")
        lines.append("  by POS: " + "  ".join(
            f"{p} {b['exact']:.3f} (n={b['n']})" for p, b in m["by_pos"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--out", type=Path,
                        default=Path("assessor/data/wordlevels/word_levels.tsv"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    summary = build(args.shared, args.out, args.folds, args.seed)
    print(format_report(summary))
    print(f"table levels: {summary['predicted']}\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
