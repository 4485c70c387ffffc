"""Grammar engines: LanguageTool (external) and the built-in spaCy engine."""
from .base import GrammarEngine

__all__ = ["GrammarEngine"]
