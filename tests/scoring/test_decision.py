import pytest

from assessor.scoring.decision import Evidence, decide
from assessor.scoring.profiles import get_profile
from assessor.scoring.types import TraitScore


def ev(overall, grammar=None, vocab=None, conf=0.9, g_rate=0.0, s_rate=0.0, flags=()):
    t = TraitScore.from_level
    return Evidence(t(overall), t(grammar or overall), t(vocab or overall), conf, g_rate, s_rate, flags)


@pytest.mark.parametrize("evidence, outcome", [
    (ev(4.3), "pass"),                       # solid B2 for a B2 role
    (ev(3.2), "trainable"),                  # just under the B2 bar (3.5)
    (ev(2.4), "not_yet"),                    # B1 at best
    (ev(4.3, grammar=3.2), "trainable"),     # one trait short
    (ev(4.3, grammar=2.0), "not_yet"),       # one trait far short
    (ev(4.3, g_rate=9.0), "trainable"),      # careless errors never fail alone
])
def test_outcomes_for_voice(evidence, outcome):
    assert decide(get_profile("voice"), evidence).outcome == outcome


def test_reasons_name_the_trait_and_the_bar():
    d = decide(get_profile("voice"), ev(4.3, grammar=2.0))
    assert any("Grammar is A2; this role needs B2" in r for r in d.reasons)


@pytest.mark.parametrize("evidence, review", [
    (ev(4.3), False),
    (ev(3.6), True),                      # within a quarter level of the bar
    (ev(4.3, conf=0.3), True),            # low confidence
    (ev(4.3, flags=("Copied from the prompt.",)), True),
])
def test_needs_review(evidence, review):
    assert decide(get_profile("voice"), evidence).needs_review is review
