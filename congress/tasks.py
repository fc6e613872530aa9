"""The worker's own periodic job: a heartbeat, so /healthz can tell the worker is alive."""

from huey import crontab
from huey.contrib.djhuey import periodic_task

from .health import record_heartbeat


@periodic_task(crontab(minute="*"))
def heartbeat():
    record_heartbeat()
