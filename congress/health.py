"""The worker's heartbeat, kept in the job queue's own store (Redis or the embedded SQLite file),
which the web processes share with the worker; a local-memory cache would not be shared."""

import time

from huey.contrib.djhuey import HUEY

HEARTBEAT_KEY = "worker-heartbeat"


def record_heartbeat(now=None):
    HUEY.put(HEARTBEAT_KEY, now if now is not None else time.time())


def heartbeat_age(now=None):
    """Seconds since the worker last beat, or None if it never did."""
    beat = HUEY.get(HEARTBEAT_KEY, peek=True)
    if beat is None:
        return None
    return max(0.0, (now if now is not None else time.time()) - beat)
