import pytest

from assessor.errors import InputError
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


GUARDED = {"name": "guarded", "label": "Guarded voice", "min_overall": "B2", "min_grammar": "B2",
           "min_vocabulary": "B1", "pass_margin": 0.4, "review_band": 0.1}


@pytest.mark.parametrize("evidence, outcome, review", [
    (ev(4.0), "pass", False),          # clears the bar (3.5) by more than the margin
    (ev(3.7), "trainable", True),      # at the bar but inside the guard band: a person confirms
    (ev(3.5), "trainable", True),
    (ev(3.2), "trainable", False),     # below the bar, within the trainable margin
    (ev(2.4), "not_yet", False),
])
def test_a_pass_margin_holds_back_levels_just_above_the_bar(evidence, outcome, review):
    d = decide(get_profile(GUARDED), evidence)
    assert (d.outcome, d.needs_review) == (outcome, review)


def test_the_guard_band_reason_says_the_level_met_the_bar():
    d = decide(get_profile(GUARDED), ev(3.7))
    assert any("only just at this role's bar (B2)" in r for r in d.reasons)


@pytest.mark.parametrize("margin", [-0.1, 1.5])
def test_pass_margin_is_validated(margin):
    with pytest.raises(InputError, match="pass_margin"):
        get_profile(dict(GUARDED, pass_margin=margin))
