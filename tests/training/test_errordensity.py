"""Training the error-density detector: labels from edits, a fit that learns them."""
import numpy as np
import pytest

from assessor.scoring import errordensity as ged
from assessor.scoring.nlp import get_nlp
from assessor.training import errordensity as train
from assessor.training.corpora import Sample


def _sample(text, edits):
    return Sample("wi", "x", text, "g", edits=edits)


@pytest.mark.parametrize("text, edits, expected", [
    ("He go home.", [(3, 5, "goes", "")], [0, 1, 0, 0]),                  # replacement
    ("I like cat.", [(7, 7, "the ", "")], [0, 0, 1, 0]),                   # insertion marks the next token
    ("She is is here.", [(7, 10, "", "")], [0, 0, 1, 0, 0]),               # deletion
    ("All fine here.", [], [0, 0, 0, 0]),
])
def test_token_labels(text, edits, expected):
    labels = train.token_labels(_sample(text, edits), get_nlp()(text))
    assert labels.tolist() == expected


def test_offsets_are_not_trusted_when_preparation_changed_the_text():
    text = "He <b>go</b> home."
    assert train.token_labels(_sample(text, [(6, 8, "goes", "")]), get_nlp()(text)) is None


def test_a_fit_learns_the_errors_it_was_shown():
    nlp = get_nlp()
    wrong = [f"Yesterday she goed to the {p}." for p in ("shop", "park", "bank", "office")] * 5
    right = [f"Yesterday she went to the {p}." for p in ("shop", "park", "bank", "office")] * 5
    docs = [nlp(t) for t in wrong + right]
    labels = [np.array([0, 0, 1, 0, 0, 0, 0])] * len(wrong) + [np.zeros(7, dtype=np.int8)] * len(right)
    hashed = [ged.buckets(d) for d in docs]
    w = train.fit(hashed, labels).astype(float)
    test = nlp("Last week he goed to the station.")
    p = ged.token_probabilities(test, w)
    assert p[3] == max(p) and p[3] > 0.5


def _corpus(nlp, rng, n):
    """Sentences with a random one in four verbs wrong: 'goed' for 'went'."""
    docs, labels = [], []
    places = ("shop", "park", "bank", "office", "school", "market", "station", "beach")
    for _ in range(n):
        wrong = rng.random() < 0.25
        docs.append(nlp(f"Yesterday she {'goed' if wrong else 'went'} to the {rng.choice(places)}."))
        labels.append(np.array([0, 0, int(wrong), 0, 0, 0, 0], dtype=np.int8))
    return [ged.buckets(d) for d in docs], labels, docs


def test_fits_on_different_samples_are_calibrated_alike():
    # Cross-fitted densities are only comparable between folds (and with the
    # shipped detector) if every fit puts its probabilities on the same scale.
    nlp, rng = get_nlp(), np.random.default_rng(0)
    means = []
    for _ in range(3):
        hashed, labels, docs = _corpus(nlp, rng, 80)
        w = train.fit(hashed, labels).astype(float)
        p = np.concatenate([ged.token_probabilities(d, w) for d in docs])
        share = np.concatenate(labels).mean()
        assert abs(p.mean() - share) < 0.02
        means.append(p.mean())
    assert max(means) - min(means) < 0.03


def test_detection_report_gives_each_folds_mean_probability():
    nlp, rng = get_nlp(), np.random.default_rng(1)
    samples, docs = [], []
    for k in range(60):
        wrong = k % 4 == 0
        text = f"Yesterday she {'goed' if wrong else 'went'} to the {rng.choice(['shop', 'park', 'bank'])}."
        edits = [(14, 18, "went", "")] if wrong else []
        samples.append(Sample("wi", str(k), text, f"writer{k % 10}", edits=edits))
        docs.append(nlp(text))
    corpus = train.Corpus(samples, docs)
    assert corpus.labels[0].tolist() == [0, 0, 1, 0, 0, 0, 0]
    report = train.detection_report(corpus)
    share = np.concatenate([corpus.labels[i] for i in corpus.usable()]).mean()
    assert len(report["fold_mean_probability"]) == train.FOLDS
    assert all(abs(m - share) < 0.03 for m in report["fold_mean_probability"])
    assert report["recall"] > 0.9 and report["precision"] > 0.9
