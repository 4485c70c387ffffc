"""/metrics: the metrics exist, move when things happen, and the token guards them."""
from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from assessor.jobs import Outcome
from assessor.observability import metrics


def scrape(client, headers=None) -> dict[str, list]:
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.data
    return {family.name: family.samples
            for family in text_string_to_metric_families(response.data.decode())}


def sample(families, name, **labels) -> float:
    for family_samples in families.values():
        for s in family_samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


EXPECTED_FAMILIES = [
    "assessor_http_request_duration_seconds",
    "assessor_scoring_duration_seconds",
    "assessor_engine_fallbacks",
    "assessor_jobs",
    "assessor_job_failures",
    "assessor_queue_depth",
]


@pytest.mark.parametrize("family", EXPECTED_FAMILIES)
def test_metrics_endpoint_exposes(client, family):
    assert family in scrape(client)


def test_request_latency_is_labelled_by_route_not_path(client):
    client.get("/api/v1/attempts/123456")
    families = scrape(client)
    series = {s.labels["endpoint"] for s in families["assessor_http_request_duration_seconds"]}
    assert "/api/v1/attempts/<int:attempt_id>" in series
    assert not any("123456" in endpoint for endpoint in series)


def test_queue_depth_counts_queued_jobs(client, queue):
    before = sample(scrape(client), "assessor_queue_depth", mode="embedded")
    queue.enqueue_score(999_001)
    queue.enqueue_score(999_002)
    assert sample(scrape(client), "assessor_queue_depth", mode="embedded") == before + 2


@pytest.mark.parametrize("warnings, fallbacks", [
    ([], 0),
    ([{"code": "engine_fallback", "message": "LanguageTool failed"}], 1),
    ([{"code": "short_answer", "message": "x"}], 0),
])
def test_scoring_time_by_engine_and_fallbacks(client, warnings, fallbacks):
    before = scrape(client)
    metrics.observe_scoring({"engine": "builtin", "warnings": warnings}, 0.3)
    after = scrape(client)
    name = "assessor_scoring_duration_seconds_count"
    assert sample(after, name, engine="builtin") == sample(before, name, engine="builtin") + 1
    assert (sample(after, "assessor_engine_fallbacks_total")
            == sample(before, "assessor_engine_fallbacks_total") + fallbacks)


@pytest.mark.parametrize("status, final", [("failed", "true"), ("retry", "false")])
def test_job_failures_are_counted(client, status, final):
    name = "assessor_job_failures_total"
    before = sample(scrape(client), name, kind="score", final=final)
    metrics.observe_job("score", Outcome(status, detail="boom"))
    assert sample(scrape(client), name, kind="score", final=final) == before + 1


def test_scoring_job_records_engine_time(client, app, tenant, fake_score, queue):
    name = "assessor_scoring_duration_seconds_count"
    before = sum(s.value for s in scrape(client)["assessor_scoring_duration_seconds"]
                 if s.name == name)
    head = {"X-Invitation-Token": tenant.invitations[0]}
    client.post("/api/v1/applicant/attempt", headers=head, json={"consent": True})
    response = client.post(f"/api/v1/applicant/answers/{tenant.task_ids[0]}/submit",
                           json={"text": "One two three four five six seven."},
                           headers={**head, "Idempotency-Key": "m1"})
    assert response.status_code == 202, response.json
    outcomes = queue.run_pending()
    assert [o.status for o in outcomes] == ["done"]
    after = sum(s.value for s in scrape(client)["assessor_scoring_duration_seconds"]
                if s.name == name)
    assert after == before + 1


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer wrong"}, 401),
    ({"Authorization": "Bearer s3cret-token"}, 200),
])
def test_metrics_token(app_factory, headers, status):
    client = app_factory(METRICS_TOKEN="s3cret-token").test_client()
    assert client.get("/metrics", headers=headers).status_code == status


def test_multiprocess_mode_adds_up_files(tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR the scrape reads the processes' files
    (here: one written by a child process that has exited)."""
    import subprocess
    import sys

    code = ("from assessor.observability import metrics; "
            "metrics.ENGINE_FALLBACKS.inc(3)")
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=".")
    text = metrics.exposition(str(tmp_path)).decode()
    families = {f.name: f.samples for f in text_string_to_metric_families(text)}
    assert sample(families, "assessor_engine_fallbacks_total") == 3


def test_fallback_code_matches_the_engine_selector():
    from assessor.scoring.engines.select import FALLBACK_WARNING

    assert metrics.FALLBACK_WARNING == FALLBACK_WARNING


def test_queue_depth_absent_when_queue_unreachable():
    def down():
        raise ConnectionError("redis down")

    families = list(metrics.QueueDepthCollector(down).collect())
    assert [f.name for f in families] == ["assessor_queue_depth"] and families[0].samples == []
