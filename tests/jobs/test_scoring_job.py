"""The scoring job: idempotent, retried with backoff, failures visible."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from assessor.db import models as m
from assessor.errors import EngineUnavailable, InputError, ModelError
from assessor.jobs import score_answer
from tests.support.service import SAMPLE, applicant_headers as H, fake_result


@pytest.fixture
def submitted(client, tenant):
    """Ids of one submitted (not yet scored) answer."""
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    return client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                       headers=H(token), json={"text": SAMPLE}).json["answer_id"]


def _job(db, answer_id):
    with db.transaction() as s:
        job = s.scalar(select(m.Job).where(m.Job.answer_id == answer_id))
        s.expunge(job)
        return job


def test_job_row_is_queued_before_scoring(db, submitted):
    job = _job(db, submitted)
    assert (job.status, job.attempts) == ("queued", 0)


def test_rerun_does_nothing(app, db, submitted, fake_score):
    ctx = app.extensions["assessor"]["ctx"]
    assert score_answer(ctx, submitted).status == "done"
    assert score_answer(ctx, submitted).status == "skip"
    assert len(fake_score) == 1
    assert _job(db, submitted).status == "done"


def test_new_model_version_rescoring(app, db, submitted, fake_score, monkeypatch):
    ctx = app.extensions["assessor"]["ctx"]
    score_answer(ctx, submitted)
    import assessor.scoring as scoring
    monkeypatch.setattr("assessor.jobs.scoring.current_model_version", lambda c: "test-model-2")
    monkeypatch.setattr(scoring, "score", lambda text, **kw: fake_result(
        text, kw.get("profile"), model_version="test-model-2"))
    with db.transaction() as s:
        from assessor.jobs import rows
        rows.mark_queued(s, [submitted])
    assert score_answer(ctx, submitted).status == "done"
    with db.transaction() as s:
        versions = s.scalars(select(m.Score.model_version).where(m.Score.answer_id == submitted))
        assert sorted(versions) == ["test-model-1", "test-model-2"]


@pytest.mark.parametrize("error", [EngineUnavailable("LanguageTool down, no fallback"),
                                   ModelError("model file missing"),
                                   OperationalError("SELECT", {}, Exception("db gone"))])
def test_transient_faults_are_retried_with_backoff(app, db, queue, submitted, monkeypatch, error):
    import assessor.scoring as scoring
    calls = []

    def flaky(text, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise error
        return fake_result(text, kwargs.get("profile"))

    monkeypatch.setattr(scoring, "score", flaky)
    monkeypatch.setattr("assessor.jobs.scoring.current_model_version", lambda c: "test-model-1")
    first = queue.run_pending()
    assert first[0].status == "retry" and first[0].retry_in == pytest.approx(0.05)
    job = _job(db, submitted)
    assert job.status == "queued" and job.attempts == 1 and job.last_error
    outcomes = queue.run_pending(include_delayed=True)
    assert [o.status for o in outcomes] == ["retry", "done"]
    assert outcomes[0].retry_in == pytest.approx(0.1)  # doubled
    assert _job(db, submitted).status == "done" and len(calls) == 3


def test_gives_up_visibly_after_max_attempts(app_factory, tenant, monkeypatch):
    app = app_factory(ASSESSOR_JOB_MAX_ATTEMPTS=2)
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    import assessor.scoring as scoring

    def broken(text, **kwargs):
        raise EngineUnavailable("engine down")

    monkeypatch.setattr(scoring, "score", broken)
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    answer_id = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                            headers=H(token), json={"text": SAMPLE}).json["answer_id"]
    outcomes = queue.run_pending(include_delayed=True)
    assert [o.status for o in outcomes] == ["retry", "failed"]
    db = app.extensions["assessor"]["db"]
    job = _job(db, answer_id)
    assert job.status == "failed" and "engine down" in job.last_error and job.attempts == 2
    attempt = client.get("/api/v1/attempts", headers=tenant.auth()).json["items"][0]
    assert "scoring_failed" in attempt["flags"] and attempt["needs_review"] is True
    detail = client.get(f"/api/v1/attempts/{attempt['id']}", headers=tenant.auth()).json
    assert detail["answers"][0]["scoring"]["status"] == "failed"


def test_unscorable_input_fails_without_retry(app, db, queue, submitted, monkeypatch):
    import assessor.scoring as scoring

    def refuse(text, **kwargs):
        raise InputError("the answer is not text")

    monkeypatch.setattr(scoring, "score", refuse)
    assert [o.status for o in queue.run_pending(include_delayed=True)] == ["failed"]
    assert _job(db, submitted).last_error.startswith("invalid_input")


def test_database_fault_while_storing_is_retried(app, db, queue, submitted, fake_score,
                                                 monkeypatch):
    import assessor.jobs.scoring as job_module
    real = job_module._store
    state = {"n": 0}

    def store(ctx, answer_id, data):
        state["n"] += 1
        if state["n"] == 1:
            raise OperationalError("INSERT", {}, Exception("connection reset"))
        return real(ctx, answer_id, data)

    monkeypatch.setattr(job_module, "_store", store)
    statuses = [o.status for o in queue.run_pending(include_delayed=True)]
    assert statuses == ["retry", "done"]
    with db.transaction() as s:
        assert s.scalar(select(func.count(m.Score.id))) == 1


def test_concurrent_claims_score_once(app, db, submitted, fake_score):
    from assessor.jobs.scoring import _claim

    ctx = app.extensions["assessor"]["ctx"]
    first, _ = _claim(ctx, submitted)
    second, _ = _claim(ctx, submitted)
    assert (first, second) == ("run", "busy")


def test_engine_unreachable_falls_back_to_builtin(app_factory, tenant):
    """Real scorer, LanguageTool configured but not listening."""
    app = app_factory(ASSESSOR_ENGINE="languagetool", LANGUAGETOOL_URL="http://127.0.0.1:9",
                      LANGUAGETOOL_TIMEOUT="1", ASSESSOR_ENGINE_FALLBACK="1")
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    answer_id = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                            headers=H(token), json={"text": SAMPLE}).json["answer_id"]
    outcome = queue.run_pending()[0]
    # The model ships with the package: a ModelError here is a broken model, a failure.
    assert outcome.status == "done", outcome.detail
    score = client.get(f"/api/v1/answers/{answer_id}/score", headers=tenant.auth()).json["score"]
    assert score["engine"] == "builtin"
    assert "engine_fallback" in [w["code"] for w in score["result"]["warnings"]]


def test_rescore_after_failure(app_factory, tenant, monkeypatch):
    app = app_factory(ASSESSOR_JOB_MAX_ATTEMPTS=1)
    client, queue = app.test_client(), app.extensions["assessor"]["queue"]
    import assessor.scoring as scoring

    def broken(text, **kwargs):
        raise EngineUnavailable("engine down")

    monkeypatch.setattr(scoring, "score", broken)
    monkeypatch.setattr("assessor.jobs.scoring.current_model_version", lambda c: "test-model-1")
    token = tenant.invitations[0]
    client.post("/api/v1/applicant/attempt", headers=H(token), json={"consent": True})
    for task in tenant.task_ids:
        client.post(f"/api/v1/applicant/answers/{task}/submit", headers=H(token),
                    json={"text": SAMPLE})
    queue.run_pending(include_delayed=True)
    attempt = client.get("/api/v1/attempts", headers=tenant.auth()).json["items"][0]
    assert attempt["status"] == "submitted" and "scoring_failed" in attempt["flags"]
    monkeypatch.setattr(scoring, "score", lambda text, **kw: fake_result(text, kw.get("profile")))
    detail = client.get(f"/api/v1/attempts/{attempt['id']}", headers=tenant.auth()).json
    viewer = client.post(f"/api/v1/answers/{detail['answers'][0]['id']}/rescore",
                         headers=tenant.auth("viewer"))
    assert viewer.status_code == 403
    for answer in detail["answers"]:
        response = client.post(f"/api/v1/answers/{answer['id']}/rescore", headers=tenant.auth())
        assert response.status_code == 202 and response.json["scoring"]["status"] == "queued"
    queue.run_pending()
    attempt = client.get(f"/api/v1/attempts/{attempt['id']}", headers=tenant.auth()).json
    assert attempt["status"] == "scored" and "scoring_failed" not in attempt["flags"]


def test_the_job_judges_length_against_the_tasks_word_limits(app, db, submitted, fake_score):
    # The tenant's tasks ask for 5–200 words: the middle of that is the target.
    score_answer(app.extensions["assessor"]["ctx"], submitted)
    assert fake_score[0]["target_words"] == round((5 + 200) / 2)
