"""The assessment flow: task bank, assessments, candidates, invitations,
attempts, answers, scores, reviews and the job status rows."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (JSON, Boolean, Float, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..base import NEVER_REUSE, Base, UTCDateTime, utcnow

TASK_KINDS = ("email_reply", "chat_reply", "essay")
ATTEMPT_STATUSES = ("started", "submitted", "scored", "expired")
CANDIDATE_STATUSES = ("new", "in_review", "shortlisted", "interview", "rejected", "hired",
                      "withdrawn")
JOB_STATUSES = ("queued", "running", "done", "failed")


class Task(Base):
    """A prompt of the task bank."""

    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text)
    min_words: Mapped[int] = mapped_column(Integer, default=50)
    max_words: Mapped[int] = mapped_column(Integer, default=250)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    client_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("client_accounts.id", ondelete="SET NULL"))
    role_profile_id: Mapped[int | None] = mapped_column(
        ForeignKey("role_profiles.id", ondelete="SET NULL"))
    #: The thresholds applied, copied from the role profile when the
    #: assessment was set up, so later profile edits do not re-judge old answers.
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    cooldown_days: Mapped[int] = mapped_column(Integer, default=0)
    show_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_paste: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    items: Mapped[list["AssessmentTask"]] = relationship(
        order_by="AssessmentTask.position", cascade="all, delete-orphan")


class AssessmentTask(Base):
    __tablename__ = "assessment_tasks"
    __table_args__ = (UniqueConstraint("assessment_id", "task_id"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"),
                                               index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: Per-assessment word limits; ``None`` = the task's own.
    min_words: Mapped[int | None] = mapped_column(Integer)
    max_words: Mapped[int | None] = mapped_column(Integer)
    task: Mapped[Task] = relationship()

    @property
    def word_limits(self) -> tuple[int, int]:
        return (self.min_words or self.task.min_words, self.max_words or self.task.max_words)


class Candidate(Base):
    __tablename__ = "candidates"
    __table_args__ = (UniqueConstraint("org_id", "email"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CandidateNote(Base):
    __tablename__ = "candidate_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(Base):
    """A single-use link: it starts at most one attempt. Only the token's
    SHA-256 is stored; the token itself is shown once, at creation."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"),
                                               index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assessment: Mapped[Assessment] = relationship()
    candidate: Mapped[Candidate] = relationship()
    #: Its emails in the outbox, oldest first (the last one's state is shown).
    emails: Mapped[list["OutboxMessage"]] = relationship(  # noqa: F821
        viewonly=True, order_by="OutboxMessage.id")

    @property
    def email(self) -> "OutboxMessage | None":  # noqa: F821
        """The invitation email itself (reminders are scheduled beside it)."""
        sent = [m for m in self.emails if m.kind == "invitation"]
        return sent[-1] if sent else None


class Attempt(Base):
    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitations.id", ondelete="CASCADE"),
                                               unique=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"),
                                               index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"),
                                              index=True)
    status: Mapped[str] = mapped_column(String(20), default="started", index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Server-side time limit; answers after it (plus a grace) are refused.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Summary over the answers, then the effective values after any override:
    # recruiters filter on the final_* columns.
    cefr: Mapped[str | None] = mapped_column(String(2))
    score: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(20))
    final_cefr: Mapped[str | None] = mapped_column(String(2), index=True)
    final_decision: Mapped[str | None] = mapped_column(String(20), index=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    assessment: Mapped[Assessment] = relationship()
    candidate: Mapped[Candidate] = relationship()
    invitation: Mapped[Invitation] = relationship()
    answers: Mapped[list["Answer"]] = relationship(back_populates="attempt", order_by="Answer.id")


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("attempt_id", "task_id"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="RESTRICT"))
    draft_text: Mapped[str | None] = mapped_column(Text)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    word_count: Mapped[int | None] = mapped_column(Integer)
    #: Browser events: paste, focus/blur, tab switches, typing bursts.
    integrity_events: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: SimHash of the submitted text, for near-duplicate detection.
    fingerprint: Mapped[str | None] = mapped_column(String(16), index=True)
    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    task: Mapped[Task] = relationship()
    scores: Mapped[list["Score"]] = relationship(back_populates="answer", order_by="Score.id")

    @property
    def latest_score(self) -> "Score | None":
        return self.scores[-1] if self.scores else None


class Score(Base):
    """The full scoring result plus the columns recruiters filter on."""

    __tablename__ = "scores"
    __table_args__ = (UniqueConstraint("answer_id", "model_version"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    model_version: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(30))
    cefr: Mapped[str | None] = mapped_column(String(2), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    grammar_cefr: Mapped[str | None] = mapped_column(String(2))
    vocabulary_cefr: Mapped[str | None] = mapped_column(String(2))
    decision: Mapped[str | None] = mapped_column(String(20), index=True)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[Answer] = relationship(back_populates="scores")


class Review(Base):
    """A human review of an attempt; an override must give its reason."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cefr_override: Mapped[str | None] = mapped_column(String(2))
    decision_override: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Job(Base):
    """Status row of a background job: one per (kind, answer), re-used by retries."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "answer_id"), NEVER_REUSE)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    run_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: While running: until when the worker holds it. Past it, recovery re-enqueues.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
