"""The neural error detector: chunking, alignment, and the shipped model."""
from pathlib import Path

import numpy as np
import pytest

from assessor.errors import ModelError
from assessor.scoring import neural
from assessor.scoring.nlp import get_nlp


@pytest.fixture(scope="module")
def detector():
    return neural.default()


def _non_space(doc):
    return sum(1 for t in doc if not t.is_space)


def test_every_token_gets_a_piece_and_no_chunk_is_too_long(detector):
    doc = get_nlp()("Dear customer,\n\nThank you for you patience. " * 40)
    chunks = neural.chunks(doc, detector.tokenizer)
    assert len(chunks) > 1
    assert all(0 < len(c.ids) <= neural.MAX_PIECES for c in chunks)
    owners = {k for c in chunks for k in c.token_of if k >= 0}
    assert owners == set(range(_non_space(doc)))


def test_chunks_end_at_sentence_ends_when_they_can(detector):
    doc = get_nlp()("This sentence is short and plain. " * 60)
    ends = {s.end_char for s in doc.sents}
    enc = detector.tokenizer.encode(doc.text, add_special_tokens=False)
    chunks = neural.chunks(doc, detector.tokenizer)
    pos = 0
    for c in chunks[:-1]:
        pos += len(c.ids)
        assert enc.offsets[pos - 1][1] in ends


def test_a_sentence_longer_than_a_chunk_is_cut(detector):
    doc = get_nlp()(" ".join(["and the customer waited"] * 80))
    chunks = neural.chunks(doc, detector.tokenizer)
    assert sum(len(c.ids) for c in chunks) == len(detector.tokenizer.encode(doc.text, add_special_tokens=False).ids)
    assert all(len(c.ids) <= neural.MAX_PIECES for c in chunks)


def test_a_token_takes_the_largest_probability_of_its_pieces():
    chunk = neural.Chunk([1, 2, 3, 4], [0, 0, 1, -1])
    out = neural.token_scores([np.array([0.2, 0.9, 0.1, 0.99])], [chunk], 2)
    assert out.tolist() == [0.9, 0.1]


# Typical learner errors and their corrections; k is the erroneous token.
PAIRS = [("Yesterday my brother go to the bank.", "Yesterday my brother went to the bank.", 3),
         ("Thank you for you patience.", "Thank you for your patience.", 3),
         ("My neighbor have two dogs.", "My neighbor has two dogs.", 2),
         ("She don't like the new phone.", "She doesn't like the new phone.", 1),
         ("I am agree with this idea.", "I agree with this idea.", 1),
         ("We was waiting for the engineer.", "We were waiting for the engineer.", 1),
         ("He has many informations about it.", "He has much information about it.", 3)]


def test_the_shipped_model_rates_errors_above_their_corrections(detector):
    """A ranking, not a classifier: in isolated sentences it misses some
    agreement errors (the built-in engine's rules catch those), so the
    contract is that errors rank above their corrections on the whole."""
    nlp = get_nlp()
    diffs = []
    for wrong, right, k in PAIRS:
        pw = detector.token_probabilities(nlp(wrong))
        assert len(pw) == _non_space(nlp(wrong))
        diffs.append(pw[k] - detector.token_probabilities(nlp(right))[k])
    assert sum(d > 0 for d in diffs) >= 5, diffs
    assert np.mean(diffs) > 0.1, diffs


def test_word_salad_reads_as_far_more_wrong_than_english(detector):
    nlp = get_nlp()
    salad = nlp("Paradigm leverage notwithstanding ubiquitous meticulous consequently endeavour "
                "substantial comprehensive facilitate nevertheless intrinsic")
    fine = nlp("I checked your account this morning, and the refund will reach your card by Friday.")
    words = 12
    assert (neural.features(detector.token_probabilities(salad), words)["ged_nn_mean"]
            > 2 * neural.features(detector.token_probabilities(fine), words)["ged_nn_mean"])


def test_features_of_an_empty_text_are_neutral():
    assert set(neural.features(np.zeros(0), 0).values()) == {0.0}


def test_the_shipped_model_names_its_version(detector):
    assert detector.version and detector.version != "unknown"


def test_a_missing_model_is_a_model_error(tmp_path: Path):
    with pytest.raises(ModelError, match="neural error detector"):
        neural.NeuralDetector(tmp_path)
