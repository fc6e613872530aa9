"""Anonymous public reads go to a read replica when one is configured.

`REPLICA_DATABASE_URL` adds the `replica` database (a PostgreSQL streaming replica of the
primary). `PublicPageCacheMiddleware` marks an anonymous GET of a public page; while it runs,
reads go to the replica. Everything else — writes, logged-in users, the workbench, the admin,
and any read inside a transaction — stays on the primary, so nobody reads behind their own
write.
"""

import contextvars

from django.conf import settings

REPLICA = "replica"
_public_read = contextvars.ContextVar("public_read", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES


class public_reads:  # noqa: N801  (used as a context manager, like transaction.atomic)
    """Inside: reads may come from the replica."""

    def __enter__(self):
        self.token = _public_read.set(True)

    def __exit__(self, *exc):
        _public_read.reset(self.token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _public_read.get() and replica_configured():
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"
