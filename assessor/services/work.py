"""What a change leaves to be delivered once it is committed.

Services write rows and flush; they never commit and never touch the queue.
Instead they return a :class:`Work` naming what must run afterwards, and the
caller that owns the transaction (a request or a job) hands it to
:func:`assessor.jobs.dispatch.commit_and_enqueue`, which writes the job rows,
commits, and only then enqueues. A crash between the commit and the enqueue
loses nothing: recovery finds the rows.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Work:
    #: Answers to score (their job rows are set to queued before the commit).
    score: list[int] = field(default_factory=list)
    #: Answers to score again from a fresh retry budget (a recruiter's rescore).
    rescore: list[int] = field(default_factory=list)
    #: Webhook deliveries to send.
    webhooks: list[int] = field(default_factory=list)
    #: Outbox messages to send (only when SMTP is configured).
    emails: list[int] = field(default_factory=list)

    def __add__(self, other: "Work") -> "Work":
        return Work(self.score + other.score, self.rescore + other.rescore,
                    self.webhooks + other.webhooks, self.emails + other.emails)

    def __bool__(self) -> bool:
        return bool(self.score or self.rescore or self.webhooks or self.emails)
