"""What a job needs: the database, the settings and a queue to schedule
follow-up work on. Jobs receive ids only; everything else comes from here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..config import Config
from ..db import Database


class JobQueue(Protocol):
    def enqueue_score(self, answer_id: int, delay: float = 0) -> None: ...

    def enqueue_webhook(self, delivery_id: int, delay: float = 0) -> None: ...

    def enqueue_email(self, message_id: int, delay: float = 0) -> None: ...

    def ping(self) -> dict: ...


@dataclass
class Outcome:
    """What a job run did; ``retry_in`` (seconds) asks the queue to run it again."""

    status: str
    retry_in: float | None = None
    detail: str = ""


@dataclass
class JobContext:
    db: Database
    config: Config
    queue: JobQueue | None = None


def backoff(base: float, attempt: int, cap: float = 3600.0) -> float:
    """Exponential backoff: base, 2·base, 4·base … capped."""
    return min(base * 2 ** max(attempt - 1, 0), cap)
