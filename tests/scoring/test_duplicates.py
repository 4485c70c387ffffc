import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.errors import InputError
from assessor.scoring.duplicates import (EMPTY, NUM_HASHES, exact_key, fingerprint,
                                         normalise, similarity)

ANSWER = ("Dear customer, thank you for contacting us about your delayed order. I am very "
          "sorry for the inconvenience. I have checked the tracking number and the parcel "
          "left our warehouse on Monday, so it should arrive within two working days. If it "
          "does not arrive by Friday, please reply to this email and we will send a "
          "replacement at no cost. Kind regards, Anna")

UNRELATED = ("In my opinion, working four days a week would make people happier and more "
             "productive, because they would have more time for their families, hobbies and "
             "rest. However, some companies might lose money, and customers could wait longer "
             "for answers, so the change should be tested carefully before it is adopted.")


@pytest.mark.parametrize("text, expected", [
    ("Hello, World!", ["hello", "world"]),
    ("  It’s   FINE…  ", ["it", "s", "fine"]),
    ("ﬁne café", ["fine", "café"]),     # NFKC folds the ligature
    ("", []),
])
def test_normalise(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize("a, b, same", [
    ("Thank you for your email.", "thank you for your email", True),
    ("Thank you for your email.", "THANK   YOU, for your EMAIL!!", True),
    ("Thank you for your email.", "Thank you for your mail.", False),
    ("", "   ", True),
])
def test_exact_key(a, b, same):
    assert (exact_key(a) == exact_key(b)) is same


@pytest.mark.parametrize("other, low, high", [
    (ANSWER, 1.0, 1.0),
    (ANSWER.upper().replace(",", ""), 1.0, 1.0),
    # A memorised answer with the name and a few words changed.
    (ANSWER.replace("Anna", "Maria").replace("very sorry", "so sorry")
     .replace("Monday", "Tuesday"), 0.5, 0.95),
    (UNRELATED, 0.0, 0.1),
])
def test_similarity(other, low, high):
    assert low <= similarity(fingerprint(ANSWER), fingerprint(other)) <= high


def test_fingerprint_shape():
    fp = fingerprint(ANSWER)
    assert len(fp) == NUM_HASHES
    assert all(isinstance(v, int) and 0 <= v < EMPTY for v in fp)


def test_short_and_empty_answers():
    assert similarity(fingerprint("Yes, I can."), fingerprint("yes i can")) == 1.0
    assert fingerprint("") == (EMPTY,) * NUM_HASHES
    assert similarity(fingerprint(""), fingerprint("")) == 0.0
    assert similarity(fingerprint(""), fingerprint(ANSWER)) == 0.0


def test_stable_across_processes():
    # Python's hash() is salted per process; the fingerprint must not be.
    code = ("from assessor.scoring.duplicates import fingerprint, exact_key;"
            f"print(fingerprint({ANSWER!r}), exact_key({ANSWER!r}))")
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", code], env=env, check=True,
                                   capture_output=True, text=True).stdout)
    assert outputs == {f"{fingerprint(ANSWER)} {exact_key(ANSWER)}\n"}


@pytest.mark.parametrize("a, b", [
    ((1,) * NUM_HASHES, (1,) * 10),
    ((), ()),
])
def test_similarity_rejects_bad_fingerprints(a, b):
    with pytest.raises(InputError):
        similarity(a, b)


@pytest.mark.parametrize("fn", [fingerprint, exact_key])
def test_rejects_non_text(fn):
    with pytest.raises(InputError):
        fn(None)


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "wi-locness").is_dir(),
                                  reason=f"W&I essays not found at {SHARED}/wi-locness")


@needs_shared
@pytest.mark.shared
@pytest.mark.slow
def test_benchmark_distinct_essays_do_not_collide():
    """Among 3,000 W&I essays on shared topics, almost no pair looks like a copy."""
    import numpy as np

    texts = [json.loads(line)["text"] for part in "ABC"
             for line in open(SHARED / "wi-locness" / "json" / f"{part}.train.json",
                              encoding="utf-8")]
    fps = np.array([fingerprint(t) for t in texts], dtype=np.uint64)
    counts = np.zeros(NUM_HASHES + 1, dtype=np.int64)
    for i in range(len(fps) - 1):
        counts += np.bincount((fps[i + 1:] == fps[i]).sum(axis=1), minlength=NUM_HASHES + 1)
    pairs = int(counts.sum())
    high = int(counts[NUM_HASHES // 2:].sum())
    print(f"\nW&I: {len(texts)} essays, {pairs} pairs, {high} with similarity >= 0.5, "
          f"{len(texts) - len({exact_key(t) for t in texts})} exact duplicates")
    # The corpus holds a few resubmitted drafts of one essay; those are the only hits.
    assert high / pairs < 1e-5
