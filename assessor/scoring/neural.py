"""A fine-tuned transformer that marks the tokens of an answer that are wrong.

The hashed detector (:mod:`errordensity`) sees a window of words and tags;
raters see whether a sentence is English. This detector is all-MiniLM-L6-v2
(a 6-layer BERT encoder) fine-tuned for token classification on learner
texts whose tokens are labelled by gold corrections (``training/neural.py``),
exported to ONNX and quantised to int8, run by ONNX Runtime on one thread.

Its output is one probability per non-space spaCy token, the same contract
as ``errordensity.token_probabilities``, so the level model reads densities
from either. Chunking and alignment live here and nowhere else: training
labels word pieces with exactly the functions the run time uses.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
from spacy.tokens import Doc

from ..errors import ModelError
from .resources import shared

#: Word pieces per chunk, [CLS] and [SEP] excluded. Attention is quadratic in
#: it, and learner sentences rarely need more.
MAX_PIECES = 126
CLS, SEP, PAD = 101, 102, 0
#: Width of the encoder's states (all-MiniLM-L6-v2).
STATE_WIDTH = 384


def no_truncation(tokenizer):
    """The upstream tokenizer file cuts every text at 128 pieces; chunking
    here needs all of them (a cut text left most of an answer unread)."""
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


@dataclass(frozen=True)
class Chunk:
    """Word-piece ids of one window of whole sentences, and for each piece
    the index of the (non-space) spaCy token it falls in, -1 for none."""
    ids: list[int]
    token_of: list[int]


def chunks(doc: Doc, tokenizer) -> list[Chunk]:
    """Windows of whole sentences of at most :data:`MAX_PIECES` pieces; a
    longer sentence is cut into pieces of that size."""
    if not len(doc):
        return []
    enc = tokenizer.encode(doc.text, add_special_tokens=False)
    token_of = _piece_tokens(doc, enc.offsets)
    sent_end = _sentence_ends(doc)
    out: list[Chunk] = []
    start = 0
    n = len(enc.ids)
    while start < n:
        stop = min(start + MAX_PIECES, n)
        if stop < n:
            # Back off to the last sentence end inside the window, if any.
            ends = [k for k in range(start + 1, stop + 1) if _ends_sentence(enc.offsets, k, sent_end)]
            if ends:
                stop = ends[-1]
        out.append(Chunk(enc.ids[start:stop], token_of[start:stop]))
        start = stop
    return out


def _piece_tokens(doc: Doc, offsets) -> list[int]:
    """The non-space token each piece overlaps (its start decides)."""
    starts, owner = [], []
    k = 0
    for tok in doc:
        if tok.is_space:
            continue
        starts.append(tok.idx)
        owner.append(k)
        k += 1
    starts_a = np.array(starts)
    out = []
    for a, _ in offsets:
        i = int(np.searchsorted(starts_a, a, side="right")) - 1
        out.append(owner[i] if i >= 0 else -1)
    return out


def _sentence_ends(doc: Doc) -> set[int]:
    try:
        return {s.end_char for s in doc.sents}
    except ValueError:  # no parser or sentencizer ran: one window per MAX_PIECES
        return set()


def _ends_sentence(offsets, k: int, sent_end: set[int]) -> bool:
    if k >= len(offsets):
        return True
    return offsets[k - 1][1] in sent_end


def token_scores(piece_probs: list[np.ndarray], doc_chunks: list[Chunk], n_tokens: int) -> np.ndarray:
    """Per-token probability: the largest of its pieces' (an error anywhere in
    a word makes the word wrong)."""
    out = np.zeros(n_tokens)
    for probs, chunk in zip(piece_probs, doc_chunks):
        owners = np.array(chunk.token_of)
        ok = owners >= 0
        np.maximum.at(out, owners[ok], probs[ok])
    return out


class NeuralDetector:
    """One ONNX session and its tokenizer, loaded once per process."""

    def __init__(self, directory: Path | None = None, threads: int = 1) -> None:
        root = Path(directory) if directory else Path(str(resources.files("assessor") / "data" / "neural"))
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
            self.tokenizer = no_truncation(Tokenizer.from_file(str(root / "tokenizer.json")))
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            self.session = ort.InferenceSession(str(root / "detector.onnx"), opts,
                                                providers=["CPUExecutionProvider"])
            self.meta = json.loads((root / "detector.json").read_text())
        # The tokenizers library raises a bare Exception for a missing file.
        except Exception as exc:  # noqa: BLE001 - turned into the project's error right here
            raise ModelError(f"cannot load the neural error detector from {root}: {exc}") from exc
        self.version = str(self.meta.get("version", "unknown"))
        self.has_states = any(o.name == "states" for o in self.session.get_outputs())

    def token_probabilities(self, doc: Doc) -> np.ndarray:
        return self.analyse(doc)[0]

    def analyse(self, doc: Doc) -> tuple[np.ndarray, np.ndarray]:
        """Per-token error probabilities and the encoder's last states averaged
        over every piece of the answer (zeros for a model exported without
        them, or an empty text)."""
        n_tokens = sum(1 for t in doc if not t.is_space)
        doc_chunks = chunks(doc, self.tokenizer)
        if not doc_chunks:
            return np.zeros(n_tokens), np.zeros(STATE_WIDTH, dtype=np.float32)
        probs, pooled = self._run(doc_chunks, states=True)
        return token_scores(probs, doc_chunks, n_tokens), pooled

    def span_probabilities(self, texts: list[str], spans: list[tuple[int, int]]) -> list[float]:
        """For each sentence, the largest error probability of its pieces
        inside its span, in one run and without a parse (ranking corrections
        needs no tags)."""
        batch, inside = [], []
        for text, (a, b) in zip(texts, spans):
            enc = self.tokenizer.encode(text, add_special_tokens=False)
            ids, offsets = enc.ids[:MAX_PIECES], enc.offsets[:MAX_PIECES]
            batch.append(Chunk(ids or [PAD], [0] * max(len(ids), 1)))
            inside.append([k for k, (x, y) in enumerate(offsets) if x < b and a < y])
        probs = self._run(batch) if batch else []
        return [float(max(p[k] for k in ks)) if ks else 1.0 for p, ks in zip(probs, inside)]

    def _run(self, doc_chunks: list[Chunk], states: bool = False):
        width = max(len(c.ids) for c in doc_chunks) + 2
        ids = np.full((len(doc_chunks), width), PAD, dtype=np.int64)
        mask = np.zeros_like(ids)
        for r, c in enumerate(doc_chunks):
            row = [CLS, *c.ids, SEP]
            ids[r, :len(row)] = row
            mask[r, :len(row)] = 1
        names = ["logits", "states"] if states and self.has_states else ["logits"]
        out = self.session.run(names, {"input_ids": ids, "attention_mask": mask})
        # Two classes: the probability of "error" is the softmax of their difference.
        diff = out[0][..., 1] - out[0][..., 0]
        probs = 1.0 / (1.0 + np.exp(-diff))
        per_chunk = [probs[r, 1:1 + len(c.ids)] for r, c in enumerate(doc_chunks)]
        if not states:
            return per_chunk
        if len(out) < 2:
            return per_chunk, np.zeros(STATE_WIDTH, dtype=np.float32)
        inner = mask.copy()
        inner[:, 0] = 0
        inner[np.arange(len(doc_chunks)), [len(c.ids) + 1 for c in doc_chunks]] = 0
        pooled = (out[1] * inner[..., None]).sum((0, 1)) / max(int(inner.sum()), 1)
        return per_chunk, pooled.astype(np.float32)


def default() -> NeuralDetector:
    """The shipped detector, loaded once per process (the worker warms it before it forks)."""
    return shared.get("neural", NeuralDetector)


def features(p: np.ndarray, words: int) -> dict[str, float]:
    """Densities the level model reads, named ``ged_nn_*`` so that every head
    that reads error density reads these too."""
    if not len(p):
        return {"ged_nn_mean": 0.0, "ged_nn_rate": 0.0, "ged_nn_high_share": 0.0, "ged_nn_log_odds": 0.0}
    mean = float(p.mean())
    return {
        "ged_nn_mean": mean,
        "ged_nn_rate": float(p.sum()) * 100.0 / max(1, words),
        "ged_nn_high_share": float(np.mean(p > 0.5)),
        "ged_nn_log_odds": math.log(max(mean, 1e-4) / max(1.0 - mean, 1e-4)),
    }
