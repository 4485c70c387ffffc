"""Speed benchmark: one 250-word answer against a bare spaCy parse, and batch throughput.

    python bench/speed.py [--repeat 40] [--batch 200]

It also prints the median time of each analyser on the parsed answer.

The ratio compares, in one run and on the same text, the median time of
``score()`` (built-in engine, every analyser, the level model, a role
profile) with the median time of the spaCy pipeline alone.
"""
from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessor.scoring import Scorer, ScoringSettings  # noqa: E402
from assessor.scoring.nlp import get_nlp  # noqa: E402

# An original 250-word customer-service reply (no repeated sentences, so no
# padding guard fires and nothing is parsed twice).
ANSWER_250 = (ROOT / "bench" / "texts" / "answer-250.txt").read_text(encoding="utf-8")
_PARAGRAPHS = ANSWER_250


def answer_of(words: int) -> str:
    out: list[str] = []
    while len(out) < words:
        out += _PARAGRAPHS.split()
    text = " ".join(out[:words])
    return text if text.endswith(".") else text + "."


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def single(repeat: int) -> dict:
    text = ANSWER_250
    nlp = get_nlp()
    scorer = Scorer(ScoringSettings(engine="builtin"))
    scorer.score(text, profile="voice")  # load data and model outside the timing
    nlp(text)
    # Interleaved, so that a busy machine slows both alike.
    parse_t, full_t = [], []
    for _ in range(repeat):
        parse_t.append(_median_ms(lambda: nlp(text), 1))
        full_t.append(_median_ms(lambda: scorer.score(text, profile="voice"), 1))
    parse, full = statistics.median(parse_t), statistics.median(full_t)
    return {"words": len(text.split()), "parse_ms": round(parse, 1), "score_ms": round(full, 1),
            "ratio": round(full / parse, 2), "repeat": repeat}


def parts(repeat: int) -> dict:
    """Median ms per analyser on the parsed 250-word answer: where the time
    above a bare parse goes (these were once timed tests; speed belongs here)."""
    from assessor.scoring import complexity, errordensity, neural, ngrams, usage, vocabulary
    from assessor.scoring.engines.builtin import BuiltinEngine
    from assessor.scoring.engines import harper

    doc, engine = get_nlp()(ANSWER_250), BuiltinEngine()
    steps = {"engine": lambda: engine.check(ANSWER_250, doc), "complexity": lambda: complexity.measure(doc),
             "vocabulary": lambda: vocabulary.profile(doc), "ngrams": lambda: ngrams.frequencies(doc),
             "error_density": lambda: errordensity.features(doc), "usage": lambda: usage.usage_features(doc),
             "neural_detector": lambda: neural.default().analyse(doc),
             # harper's allow-listed rules, for the feedback; score() runs it too.
             "harper": lambda: harper.default().check(ANSWER_250)}
    for step in steps.values():
        step()
    return {name: round(_median_ms(step, repeat), 2) for name, step in steps.items()}


_RSS = ("import resource, assessor.scoring as s; s.warm_up(s.ScoringSettings(engine='builtin'));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def worker_memory() -> dict:
    """Peak resident memory of a process that has warmed the scorer, as a worker does before it forks."""
    out = subprocess.run([sys.executable, "-c", _RSS], check=True, cwd=ROOT, capture_output=True, text=True)
    return {"warm_worker_rss_mb": round(int(out.stdout.split()[-1]) / 1024, 1)}


def batch(n: int, jobs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        with src.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "text"])
            for i in range(n):
                w.writerow([i, answer_of(100 + (i * 37) % 148)])
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assessor", "batch", str(src), "-o", str(dst),
                        "--jobs", str(jobs), "--no-progress"], check=True, cwd=ROOT,
                       env={"ASSESSOR_ENGINE": "builtin", "PATH": "/usr/bin:/bin"})
        seconds = time.perf_counter() - t
    return {"answers": n, "jobs": jobs, "seconds": round(seconds, 1),
            "answers_per_second": round(n / seconds, 2)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--batch", type=int, default=200)
    args = ap.parse_args()
    out = {"single": single(args.repeat)}
    print(json.dumps(out["single"]))
    out["parts_ms"] = parts(args.repeat)
    print(json.dumps(out["parts_ms"]))
    out["memory"] = worker_memory()
    print(json.dumps(out["memory"]))
    out["batch"] = [batch(args.batch, j) for j in (1, 2)]
    for b in out["batch"]:
        print(json.dumps(b))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "speed.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
