"""System checks of a deployment (`manage.py check --deploy`, which `make serve` runs)."""

from django.conf import settings
from django.core import checks

PER_PROCESS_BACKENDS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    """With DEBUG off there are several processes (gunicorn workers, the job worker): a cache of
    each process's own would keep the pages a write in another process outdated."""
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_BACKENDS:
        return []
    return [
        checks.Error(
            "The cache is each process's own memory, so a write in one process leaves the "
            "cached pages of the others outdated.",
            hint="Set REDIS_URL (several machines) or CACHE_DIR (one machine; `make serve` "
            "sets it) so every web and job process shares the cache.",
            id="congress.E001",
        )
    ]
