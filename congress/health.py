"""/healthz; the worker's heartbeat, kept in the job queue's own store (Redis or the embedded
SQLite file), which the web processes share with the worker; a local-memory cache would not be
shared."""

import time
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "worker-heartbeat"
# The worker beats each minute, and every 10 s while it runs a job (congress/jobs.py), so a
# beat is missed only when the worker is gone; it is restarted within seconds when it dies
# (deploy/serve.sh, Restart= in the units), so past 90 s it is down, not busy.
HEARTBEAT_MAX_AGE = 90


def record_heartbeat(now=None):
    HUEY.put(HEARTBEAT_KEY, now if now is not None else time.time())


def heartbeat_age(now=None):
    """Seconds since the worker last beat, or None if it never did."""
    beat = HUEY.get(HEARTBEAT_KEY, peek=True)
    if beat is None:
        return None
    return max(0.0, (now if now is not None else time.time()) - beat)


def record_self_check(name, result):
    """Keep the last result of a self-check the worker runs (the nightly check of the derived
    rows), beside the heartbeat, for /healthz."""
    HUEY.put(f"self-check:{name}", result)


def last_self_check(name):
    return HUEY.get(f"self-check:{name}", peek=True)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    ok = cache.get(key) == value
    cache.delete(key)
    return ok


def _worker():
    if HUEY.immediate:  # no worker by design (make run): jobs run in the web process
        return True, {"ok": True, "mode": "immediate"}
    age = heartbeat_age()
    ok = age is not None and age <= HEARTBEAT_MAX_AGE
    return ok, {"ok": ok, "heartbeat_age_seconds": None if age is None else round(age)}


@require_GET
@never_cache
def healthz(request):
    """For a load balancer or a monitor: 200 when the database and the worker are well, 503
    otherwise. The cache only speeds pages up: without it the status is "degraded", still 200,
    so a Redis outage does not take every web node out of the balancer. With them, when the
    derived rows were last checked. Says nothing private: no names, no error texts, no count but
    the derived rows' drift."""
    checks = {}
    for name, probe in (("database", _database), ("cache", _cache)):
        try:
            checks[name] = {"ok": bool(probe())}
        except Exception:
            checks[name] = {"ok": False}
    try:
        _ok, checks["worker"] = _worker()
    except Exception:
        checks["worker"] = {"ok": False}
    healthy = checks["database"]["ok"] and checks["worker"]["ok"]
    status = "failing" if not healthy else "ok" if checks["cache"]["ok"] else "degraded"
    if not checks["cache"]["ok"]:
        checks["cache"]["degraded"] = True
    # When the nightly check of the derived rows last ran and how many rows it found drifted
    # (and repaired): for a monitor to read, never a reason to take the node out of service.
    try:
        checks["derived_rows"] = last_self_check("derived_rows") or {"checked_at": None}
    except Exception:
        checks["derived_rows"] = {"checked_at": None}
    return JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)
