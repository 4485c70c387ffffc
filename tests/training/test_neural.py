"""Fine-tuning the neural error detector: labels per word piece, and a model that round-trips through ONNX."""
import numpy as np
import pytest

from assessor.scoring import neural
from assessor.scoring.nlp import get_nlp

train = pytest.importorskip("assessor.training.neural")
pytest.importorskip("torch")


def test_pieces_take_the_label_of_their_token():
    tok = train._tokenizer()
    doc = get_nlp()("My neighbour have unbelievably many dogs.")
    labels = np.array([0, 0, 1, 0, 0, 0, 0], dtype=np.int8)
    (pieces, y), = train.labelled_chunks([doc], [labels], tok)
    words = [tok.id_to_token(i) for i in pieces]
    assert len(words) > 7  # "neighbour" and "unbelievably" split into pieces
    have = words.index("have")
    assert y[have] == 1 and sum(y) == 1


def test_texts_without_labels_give_no_chunks():
    doc = get_nlp()("Fine text.")
    assert train.labelled_chunks([doc, doc], [None, np.zeros(0)], train._tokenizer()) == []


def test_the_cache_key_ignores_code_but_not_texts():
    from assessor.training.corpora import Sample
    a = [Sample("wi", "1", "He go home.", "w1", edits=[(3, 5, "goes", "")])]
    b = [Sample("wi", "1", "He goes home.", "w1", edits=[])]
    assert train._key(a) == train._key(list(a))
    assert train._key(a) != train._key(b)


@pytest.mark.slow
def test_a_fine_tuned_model_exports_and_learns_what_it_was_shown(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "EPOCHS", 3)
    monkeypatch.setattr(train, "LR", 2e-4)
    nlp, tok = get_nlp(), train._tokenizer()
    wrong = [nlp(f"Yesterday she goed to the {p}.") for p in ("shop", "park", "bank", "office")] * 6
    right = [nlp(f"Yesterday she went to the {p}.") for p in ("shop", "park", "bank", "office")] * 6
    labels = [np.array([0, 0, 1, 0, 0, 0, 0])] * len(wrong) + [np.zeros(7, dtype=np.int8)] * len(right)
    model = train.fine_tune(train.labelled_chunks(wrong + right, labels, tok), log=lambda *_: None)
    train.export(model, tmp_path, {"version": "test"})
    detector = neural.NeuralDetector(tmp_path)
    assert detector.version == "test"
    p = detector.token_probabilities(nlp("Last week he goed to the station."))
    assert len(p) == 8
    assert p[3] > 0.5 > max(p[0], p[1], p[5])
    # The export carries the encoder's states too: pooled, they feed the
    # stacked level head, and they must match what the token head read.
    assert detector.has_states
    probs, pooled = detector.analyse(nlp("Last week he goed to the station."))
    assert np.allclose(probs, p)
    assert pooled.shape == (neural.STATE_WIDTH,) and np.abs(pooled).sum() > 1.0
    assert not np.allclose(pooled, detector.analyse(nlp("The weather was lovely all week."))[1])
