"""Syntactic n-gram evidence: how the answer's word-class sequences look.

Each token becomes its function word (``the``, ``of``, ``has``…) or, for
everything else, its fine part-of-speech tag (``NN``, ``VBD``…), so the
n-grams describe grammar, not topic: they carry over to prompts the model
never saw. A learner's "people is", "the informations", "can to go" leave
tell-tale sequences; the level model holds a weight per sequence.
"""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

#: Closed-class parts of speech whose words stay words.
FUNCTION_POS = frozenset({"DET", "ADP", "PRON", "AUX", "CCONJ", "SCONJ", "PART"})
ORDERS = (1, 2, 3)


def symbols(doc: Doc) -> list[list[str]]:
    """One list of symbols per sentence, with boundary markers."""
    out = []
    for sent in doc.sents:
        seq = ["<s>"]
        for tok in sent:
            if tok.is_space:
                continue
            if tok.pos_ in FUNCTION_POS:
                seq.append(tok.lower_)
            elif tok.is_punct:
                seq.append(tok.text if tok.text in ",.?!;:" else "PUNCT")
            else:
                seq.append(tok.tag_)
        seq.append("</s>")
        out.append(seq)
    return out


def counts(doc: Doc) -> tuple[Counter[str], int]:
    """N-gram counts and the number of tokens they came from."""
    grams: Counter[str] = Counter()
    tokens = 0
    for seq in symbols(doc):
        tokens += len(seq) - 2
        for n in ORDERS:
            for i in range(len(seq) - n + 1):
                grams[" ".join(seq[i:i + n])] += 1
    return grams, tokens


def frequencies(doc: Doc) -> dict[str, float]:
    """Relative frequencies (per token), so that length does not count."""
    grams, tokens = counts(doc)
    total = max(tokens, 1)
    return {g: c / total for g, c in grams.items()}


def score(freqs: dict[str, float], weights: dict[str, float], intercept: float) -> float:
    return intercept + sum(weights.get(g, 0.0) * f for g, f in freqs.items())
