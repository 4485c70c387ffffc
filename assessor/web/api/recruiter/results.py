"""Attempts, answers and scores, reviews, candidates."""
from __future__ import annotations

from flask import jsonify, request
from sqlalchemy import select

from ....db import models as m
from ....jobs import rows
from ....scoring.types import CEFR_LEVELS, OUTCOMES
from ....services import add_note, erasure, owned, record_review, results, set_candidate_status
from ....services.errors import InputError
from ....services.filters import AttemptFilter, choose
from ....services.lifecycle import FLAGS
from ...auth import check_types, current_user, int_arg, json_body, paged, parse_datetime, recruiter
from ...extensions import commit, session
from .. import serializers as ser
from . import bp



def _attempt(attempt_id: int) -> m.Attempt:
    return results.attempt_of(session(), attempt_id, current_user().org_id)


def _choice(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    raw = request.args.get(name)
    if raw is None:
        return ()
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    if not values:
        raise InputError(f"{name} must be one of {', '.join(allowed)}")
    return choose(name, values, allowed)


def _bool_arg(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false", "1", "0"):
        raise InputError(f"{name} must be true or false")
    return raw.lower() in ("true", "1")


def _criteria() -> AttemptFilter:
    return AttemptFilter(
        org_id=current_user().org_id,
        assessment_id=int_arg("assessment_id", 0, 1, 2**31 - 1) or None,
        decisions=_choice("decision", OUTCOMES), levels=_choice("cefr", CEFR_LEVELS),
        attempt_statuses=_choice("status", m.ATTEMPT_STATUSES),
        needs_review=_bool_arg("needs_review"), flags=_choice("flag", FLAGS),
        flagged=_bool_arg("flagged"),
        since=parse_datetime(request.args.get("from"), "from"),
        until=parse_datetime(request.args.get("to"), "to"),
        q=(request.args.get("q") or "").strip())


@bp.get("/attempts")
@recruiter()
def list_attempts():
    query = results.ordered(results.attempts_query(_criteria()))
    return jsonify(paged(query, ser.attempt_summary))


@bp.get("/attempts/<int:attempt_id>")
@recruiter()
def get_attempt(attempt_id: int):
    attempt = _attempt(attempt_id)
    jobs = rows.for_answers(session(), [a.id for a in attempt.answers])
    reviews = session().scalars(select(m.Review).where(m.Review.attempt_id == attempt.id)
                                .order_by(m.Review.id)).all()
    return jsonify({**ser.attempt_summary(attempt),
                    "answers": [ser.answer(a, jobs.get(a.id)) for a in attempt.answers],
                    "reviews": [ser.review(r) for r in reviews]})


@bp.get("/answers/<int:answer_id>/score")
@recruiter()
def get_score(answer_id: int):
    answer = results.answer_of(session(), answer_id, current_user().org_id)
    if answer.latest_score is None:
        job = rows.for_answers(session(), [answer.id]).get(answer.id)
        return jsonify({"answer_id": answer.id, "score": None,
                        "scoring": ser.scoring_state(answer, job)}), 202
    return jsonify({"answer_id": answer.id, "score": ser.score(answer.latest_score),
                    "scoring": ser.scoring_state(answer, None)})


@bp.post("/answers/<int:answer_id>/rescore")
@recruiter(write=True)
def rescore(answer_id: int):
    """Queue a failed (or any submitted) answer for scoring again, e.g. after
    the grammar engine or the model was fixed. Audited."""
    answer = results.answer_of(session(), answer_id, current_user().org_id)
    commit(results.request_rescore(session(), current_user(), answer))
    job = rows.for_answers(session(), [answer.id]).get(answer.id)
    return jsonify({"answer_id": answer.id, "score": ser.score(answer.latest_score),
                    "scoring": ser.scoring_state(answer, job)}), 202


@bp.post("/attempts/<int:attempt_id>/reviews")
@recruiter(write=True)
def new_review(attempt_id: int):
    attempt = _attempt(attempt_id)
    data = json_body()
    check_types(data, {"note": str, "reason": str, "cefr_override": (str, None),
                       "decision_override": (str, None)})
    review = record_review(session(), current_user(), attempt, data)
    commit()
    return jsonify({"review": ser.review(review), "attempt": ser.attempt_summary(attempt)}), 201


@bp.get("/candidates/<int:candidate_id>")
@recruiter()
def get_candidate(candidate_id: int):
    candidate = owned(session(), m.Candidate, candidate_id, current_user().org_id)
    notes = session().scalars(select(m.CandidateNote).where(
        m.CandidateNote.candidate_id == candidate.id).order_by(m.CandidateNote.id)).all()
    return jsonify(ser.candidate(candidate, notes))


@bp.patch("/candidates/<int:candidate_id>")
@recruiter(write=True)
def patch_candidate(candidate_id: int):
    candidate = owned(session(), m.Candidate, candidate_id, current_user().org_id)
    data = json_body()
    check_types(data, {"status": str, "note": str})
    set_candidate_status(session(), current_user(), candidate, data.get("status"),
                         data.get("note") or "")
    commit()
    return jsonify(ser.candidate(candidate))


@bp.delete("/candidates/<int:candidate_id>")
@recruiter(write=True)
def erase_candidate(candidate_id: int):
    candidate = owned(session(), m.Candidate, candidate_id, current_user().org_id)
    counts = erasure.erase_candidate(session(), current_user(), candidate)
    commit()
    return jsonify({"erased": counts})


@bp.post("/candidates/<int:candidate_id>/notes")
@recruiter(write=True)
def new_note(candidate_id: int):
    candidate = owned(session(), m.Candidate, candidate_id, current_user().org_id)
    data = json_body()
    check_types(data, {"text": str})
    note = add_note(session(), current_user(), candidate, data.get("text"))
    commit()
    return jsonify({"id": note.id, "text": note.text, "author_id": note.author_id,
                    "created_at": ser.iso(note.created_at)}), 201
