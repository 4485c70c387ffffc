"""Parse each corpus once and keep the spaCy docs on disk.

Training and benchmarks compute features many times while they are tuned;
parsing 7,000 texts takes minutes, so the parses are cached as DocBin files
keyed by corpus and spaCy model version.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from spacy.tokens import Doc, DocBin

from ..scoring.nlp import get_nlp
from ..scoring.text import prepare
from .corpora import Sample


def _key(samples: list[Sample]) -> str:
    nlp = get_nlp()
    h = hashlib.sha256(f"{nlp.meta['name']}-{nlp.meta['version']}".encode())
    for s in samples:
        h.update(s.id.encode())
        h.update(s.text.encode())
    return h.hexdigest()[:16]


def plain_text(sample: Sample) -> str:
    return prepare(sample.text, max_chars=10**7).plain


def parse_all(samples: list[Sample], cache_dir: Path, name: str) -> list[Doc]:
    nlp = get_nlp()
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"{name}-{_key(samples)}.spacy"
    if path.exists():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe((plain_text(s) for s in samples), batch_size=64))
    store = DocBin(store_user_data=False)
    for doc in docs:
        store.add(doc)
    store.to_disk(path)
    return docs


if __name__ == "__main__":  # warm the cache: python -m assessor.training.parsecache ../shared
    import sys
    import time

    from .corpora import LOADERS
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
    for corpus, loader in LOADERS.items():
        t = time.time()
        docs = parse_all(loader(shared), Path("bench/out/cache"), corpus)
        print(corpus, len(docs), f"{time.time() - t:.0f}s", flush=True)
