"""The scoring core: text (and an optional task prompt) in, a versioned result out.

Pure Python over spaCy; it never imports Flask. The web layer, the background
jobs and the command line all call :func:`score`.
"""
from __future__ import annotations

from .profiles import RoleProfile, get_profile
from .resources import shared
from .settings import ScoringSettings
from .types import SCHEMA_VERSION, Decision, Issue, Result, TraitScore

__all__ = ["score", "warm_up", "Scorer", "ScoringSettings", "Result", "Issue", "Decision",
           "TraitScore", "RoleProfile", "get_profile", "SCHEMA_VERSION"]


def _default_scorer():
    return _scorer_for(ScoringSettings())


def score(text: str, prompt: str | None = None, profile=None,
          settings: ScoringSettings | None = None, target_words: int | None = None) -> Result:
    """Score one answer.

    ``profile`` is a role profile name (``"voice"``), a dict or a
    :class:`RoleProfile`; with one, the result carries a decision.
    ``target_words`` is the length the task asks for (a chat reply is short);
    without it, length is judged as for a short essay.
    Raises :class:`assessor.errors.InputError` for input that cannot be scored.
    """
    scorer = _default_scorer() if settings is None else _scorer_for(settings)
    return scorer.score(text, prompt=prompt, profile=profile, target_words=target_words)


_WARM_UP_TEXT = ("Thank you for your message. I have checked your order and it will arrive on "
                 "Friday. Please contact us again if you need any more help with it.")


def warm_up(settings: ScoringSettings | None = None) -> None:
    """Load the parser, word lists, rule data and model now rather than on the first answer.

    A forking job runner calls this before it forks, so each job inherits a
    loaded scorer instead of paying seconds of start-up per answer.
    """
    scorer = _default_scorer() if settings is None else _scorer_for(settings)
    scorer.score(_WARM_UP_TEXT)


def _scorer_for(settings: ScoringSettings):
    # One scorer per distinct settings, so engine state (the LanguageTool
    # circuit breaker) survives between calls.
    from .scorer import Scorer
    return shared.get(("scorer", settings), lambda: Scorer(settings))


def __getattr__(name: str):
    if name == "Scorer":
        from .scorer import Scorer
        return Scorer
    raise AttributeError(name)
