"""The worker's own periodic jobs: a heartbeat, so /healthz can tell the worker is alive;
failing jobs whose worker stopped; removing old job results (the exports people started)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, periodic_task

from congress import jobs
from congress.health import record_heartbeat


@periodic_task(crontab(minute="*"))
def heartbeat():
    record_heartbeat()


@db_periodic_task(crontab(minute="31", hour="3"))
def remove_old_job_results():
    return jobs.remove_old_results()


@db_periodic_task(crontab(minute="41"))
def fail_abandoned_jobs():
    return jobs.fail_abandoned()
