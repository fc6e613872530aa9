"""The worker's own periodic jobs: a heartbeat, so /healthz can tell the worker is alive;
failing jobs whose worker stopped (each minute those whose lease lapsed, hourly those lost for
hours); removing old job results (the exports people started)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from congress import jobs
from congress.health import record_heartbeat

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
def heartbeat():
    """Each minute: the worker is alive, and the jobs whose worker died (lease lapsed) fail."""
    record_heartbeat()
    try:
        return jobs.fail_lapsed()
    except Exception:  # the database away: the beat still counts, the sweep waits a minute
        logger.warning("jobs whose lease lapsed could not be swept", exc_info=True)
        return None


@db_periodic_task(crontab(minute="31", hour="3"))
def remove_old_job_results():
    return jobs.remove_old_results()


@db_periodic_task(crontab(minute="41"))
def fail_abandoned_jobs():
    return jobs.fail_abandoned()
