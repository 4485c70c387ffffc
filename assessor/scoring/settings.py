"""Settings of the scoring core. The core never reads the environment itself:
:class:`assessor.config.Config` builds these from it, tests build them directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


_CHECKOUT_MODEL = Path(__file__).resolve().parents[2] / "models" / "level-model.json"
# An installed wheel has no models/ beside the package; setup.py copies the
# model into assessor/packaged/ for it.
_PACKAGED_MODEL = Path(__file__).resolve().parents[1] / "packaged" / "level-model.json"


def packaged_model() -> Path | None:
    """The wheel's copy of the default model when the checkout's models/ is
    not beside the package (an installed wheel); None in a checkout. Here,
    not in levelmodel, so that reading settings does not load spaCy."""
    return _PACKAGED_MODEL if not _CHECKOUT_MODEL.is_file() and _PACKAGED_MODEL.is_file() else None


DEFAULT_MODEL = packaged_model() or _CHECKOUT_MODEL


@dataclass(frozen=True)
class ScoringSettings:
    #: ``"auto"`` (LanguageTool when configured and reachable, else built-in),
    #: ``"builtin"`` or ``"languagetool"``.
    engine: str = "auto"
    #: URL of a LanguageTool server, e.g. ``http://localhost:8081``.
    languagetool_url: str | None = None
    #: Folder of a local LanguageTool install (what ``LTP_PATH`` points at).
    languagetool_path: str | None = None
    languagetool_language: str = "en-US"
    #: Seconds to wait for LanguageTool before falling back.
    languagetool_timeout: float = 5.0
    #: When LanguageTool is configured but fails: ``True`` = use the built-in
    #: engine and say so in the result's warnings, ``False`` = raise.
    fallback: bool = True
    #: Run harper beside the grammar engine and show its issues (its
    #: allow-listed rules only; the levels never read them).
    harper: bool = True
    #: Longest answer accepted, in characters.
    max_chars: int = 20_000
    #: Fewer words than this get status ``insufficient_text`` and no level.
    min_words: int = 20
    #: A level model file; ``None`` = the default model shipped in ``models/``.
    model_path: Path | None = None
    #: Folder of role profiles (JSON) added to the built-in ones.
    profiles_path: Path | None = None
