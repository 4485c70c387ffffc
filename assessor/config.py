"""The one place that reads the environment.

Every other module receives its settings from a :class:`Config` instance.
"""
from __future__ import annotations

import os
from pathlib import Path

from .scoring.settings import ScoringSettings


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class Config:
    """Settings for the service, the worker and the command line."""

    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.ENGINE = env.get("ASSESSOR_ENGINE", "auto")
        self.LANGUAGETOOL_URL = env.get("LANGUAGETOOL_URL") or None
        self.LANGUAGETOOL_PATH = env.get("LTP_PATH") or None
        self.LANGUAGETOOL_TIMEOUT = float(env.get("LANGUAGETOOL_TIMEOUT", "5"))
        self.ENGINE_FALLBACK = _bool(env.get("ASSESSOR_ENGINE_FALLBACK"), True)
        self.MAX_ANSWER_CHARS = int(env.get("ASSESSOR_MAX_ANSWER_CHARS", "20000"))
        self.MIN_WORDS = int(env.get("ASSESSOR_MIN_WORDS", "20"))
        model = env.get("ASSESSOR_MODEL_PATH")
        self.MODEL_PATH = Path(model) if model else None
        profiles = env.get("ASSESSOR_PROFILES_PATH")
        self.PROFILES_PATH = Path(profiles) if profiles else None
        self.SHARED_DIR = Path(env.get("ASSESSOR_SHARED_DIR", "../shared"))

    def scoring_settings(self) -> ScoringSettings:
        return ScoringSettings(
            engine=self.ENGINE,
            languagetool_url=self.LANGUAGETOOL_URL,
            languagetool_path=self.LANGUAGETOOL_PATH,
            languagetool_timeout=self.LANGUAGETOOL_TIMEOUT,
            fallback=self.ENGINE_FALLBACK,
            max_chars=self.MAX_ANSWER_CHARS,
            min_words=self.MIN_WORDS,
            model_path=self.MODEL_PATH,
            profiles_path=self.PROFILES_PATH,
        )
