"""The built-in, offline grammar engine (spaCy parse + rule data)."""
from .engine import BuiltinEngine

__all__ = ["BuiltinEngine"]
