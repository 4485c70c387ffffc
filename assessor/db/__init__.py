"""Persistence: SQLAlchemy 2 models, the session handle and migrations."""
from .base import Base, Database, UTCDateTime, utcnow
from . import models

__all__ = ["Base", "Database", "UTCDateTime", "utcnow", "models"]
