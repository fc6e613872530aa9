"""/healthz for a load balancer: database, cache and the worker's heartbeat; JSON, nothing
private; 200 when all are well, 503 otherwise."""

import time

import pytest
import time_machine
from django.db import connection
from huey.contrib.djhuey import HUEY

from congress.health import HEARTBEAT_KEY, record_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_worker(monkeypatch):
    """As in production: jobs go to a worker, whose heartbeat /healthz reads. (The flag alone:
    the queue stays the tests' in-memory one.)"""
    monkeypatch.setattr(HUEY, "_immediate", False)
    HUEY.get(HEARTBEAT_KEY)  # no beat left over from another test
    with time_machine.travel(time.time(), tick=False):  # ages are exact
        yield
    HUEY.get(HEARTBEAT_KEY)


def test_healthy_with_a_recent_heartbeat(client, with_worker):
    record_heartbeat(time.time() - 30)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["cache"] == {"ok": True}
    assert body["checks"]["worker"] == {"ok": True, "heartbeat_age_seconds": 30}
    assert "no-cache" in response["Cache-Control"]


def test_a_stale_heartbeat_answers_503(client, with_worker):
    record_heartbeat(time.time() - 600)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "heartbeat_age_seconds": 600}


def test_no_heartbeat_at_all_answers_503(client, with_worker):
    HUEY.get(HEARTBEAT_KEY)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["heartbeat_age_seconds"] is None


def test_a_database_failure_answers_503_without_saying_why(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("password authentication failed for user congress")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False}
    assert "password" not in response.content.decode()


def test_without_a_worker_by_design_jobs_run_in_process_and_health_is_ok(client):
    response = client.get("/healthz")  # tests, like make run, run jobs at once
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == {"ok": True, "mode": "immediate"}


def test_healthz_holds_nothing_private(client, build, unit_x):
    build("assigned", lead_unit=unit_x)
    body = client.get("/healthz").content.decode()
    assert set(client.get("/healthz").json()) == {"status", "checks"}
    for private in ("甲代表", "deputy", "sqlite", "postgres", "redis", "/"):
        assert private not in body
