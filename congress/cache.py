"""What a write makes stale: versions per scope, bumped by every write (design: docs/caching.md).

A cached public page depends on a few *scopes*, each with a version in Django's cache: `ref`
(the reference data: terms, sessions, units, categories, delegations, deputies — and anything
not scoped more finely, so every page depends on it), `session:<id>` (a session's suggestions
and figures), `sessions` (any session's: the pages over all sessions), `suggestion:<id>` (one
suggestion's page) and `stations` (the stations' pages and figures). A congress scope would be
one more kind, `congress:<id>`, bumped beside its sessions and named by its pages.

Writes bump the scopes they touched, in one place: the post_save / post_delete / m2m_changed
receivers below see every row the services, the admin and the reports save, and work out its
scopes from the row (a suggestion, or a row pointing at one or at a session; the deputies' and
reports' rows are the stations'). Bulk writes that send no signal name their scopes with
`bump_now_and_on_commit(...)`; called with no scope (as the summaries do after a service), it
bumps what the transaction touched so far, or everything when it touched nothing known.

A version is bumped now (a page read later in the same transaction) and again when the
transaction commits (a page another request rendered meanwhile from the rows as they were).
Its value is (time in ns, the primary's WAL position after the write), so a page rendered from
a replica is cached only once the replica has replayed that position (`congress.pages`).

The cache is an accelerator: every operation here gives up quietly when it is unreachable or
full (`safely`), and then stops trying for a few seconds.
"""

import contextlib
import contextvars
import logging
import time

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from congress.routers import replica_configured

logger = logging.getLogger(__name__)

REF = "ref"  # what every congress's pages show (categories, divisions), and "everything"
STATIONS = "stations"
ANY = "any"  # bumped by every write; no page depends on it (`public_version`)
# A version lives this long unread (a lost version only costs its pages a render).
VERSION_SECONDS = 30 * 24 * 3600
DOWN_SECONDS = 5  # after a failure, the cache is left alone this long
WATCHED_APPS = {"congress", "deputies", "suggestions", "reports"}
# What no public page shows, and the summary rows (written in bulk by the services, which
# bump the suggestions' scopes through their other rows).
UNWATCHED_MODELS = {
    "notification",
    "job",
    "tally",
    "replydays",
    "openpromise",
    "flagstoreview",
    "importmapping",
    "report",
    "historyentry",  # the back office's history: no public page shows it
    "textband",  # a suggestion's search bands, rewritten with the suggestion, whose save bumps
}
STATION_APPS = {"deputies", "reports"}


def session(pk):
    return f"session:{pk}"


def of_congress(pk):
    """A congress's own reference data (its terms, sessions, units, delegations, deputies)."""
    return f"congress:{pk}"


def all_sessions(congress_pk):
    """A congress's pages over all its sessions: bumped with any of its sessions."""
    return f"sessions:{congress_pk}"


_session_congress = {}


def forget_sessions():
    """Forget which congress each session is in (tests: a rolled-back id is given again)."""
    _session_congress.clear()


def congress_of_session(pk):
    """The congress a session belongs to (it never moves: kept per process)."""
    if pk not in _session_congress:
        from django.apps import apps

        rows = apps.get_model("congress", "Session")._base_manager.filter(pk=pk)
        _session_congress[pk] = rows.values_list("congress_id", flat=True).first()
    return _session_congress[pk]


def suggestion(pk):
    return f"suggestion:{pk}"


def version_key(scope):
    return f"v:{scope}"


# -- the cache, never a dependency -------------------------------------------------------------

FAILED = object()


def backend():
    return caches["default"]


def available():
    return time.monotonic() >= getattr(backend(), "_congress_down_until", 0)


def safely(operation, default=FAILED):
    """operation(cache) or `default` when the cache fails; a failure parks it DOWN_SECONDS
    (per backend object, so a test's own CACHES starts afresh)."""
    cache = backend()
    if not available():
        return default
    try:
        return operation(cache)
    except Exception as error:  # noqa: BLE001  (any client error: refused, timeout, OOM)
        cache._congress_down_until = time.monotonic() + DOWN_SECONDS
        logger.warning("Cache unavailable, pages are rendered without it: %r", error)
        return default


# -- WAL positions -----------------------------------------------------------------------------


def parse_lsn(text):
    """'16/B374D848' -> an int that orders as the WAL does."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def replayed(replay_lsn, needed_lsn):
    """A replica whose replay position is `replay_lsn` (None: not in recovery, it is a primary)
    shows every write up to `needed_lsn`."""
    return replay_lsn is None or replay_lsn >= needed_lsn


def current_lsn():
    """The primary's WAL position now (0 without a PostgreSQL replica: nothing to wait for)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if not replica_configured() or connection.vendor != "postgresql":
        return 0
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return parse_lsn(cursor.fetchone()[0])
    except DatabaseError:
        return 0


# -- versions ----------------------------------------------------------------------------------


def versions(scopes):
    """{scope: (ns, lsn)} now; a missing version is made (a value never used before, so pages
    cached under an evicted one never come back). FAILED when the cache is unreachable."""
    scopes = sorted(set(scopes))
    found = safely(lambda c: c.get_many([version_key(s) for s in scopes]))
    if found is FAILED:
        return FAILED
    missing = [s for s in scopes if version_key(s) not in found]
    if missing:
        value = (time.time_ns(), current_lsn())
        for scope in missing:
            safely(lambda c, scope=scope: c.add(version_key(scope), value, VERSION_SECONDS))
        found.update(safely(lambda c: c.get_many([version_key(s) for s in missing]), {}))
        if any(version_key(s) not in found for s in scopes):
            return FAILED
    return {s: found[version_key(s)] for s in scopes}


def expand(scopes):
    scopes = set(scopes)
    for scope in list(scopes):
        if scope.startswith("session:"):
            congress_pk = congress_of_session(int(scope.split(":")[1]))
            if congress_pk is not None:
                scopes.add(all_sessions(congress_pk))
    return scopes | {ANY}


def write_versions(scopes, lsn):
    value = (time.time_ns(), lsn)
    safely(lambda c: c.set_many({version_key(s): value for s in expand(scopes)}, VERSION_SECONDS))


class PendingBump:
    """The scopes a transaction touched, bumped again when it commits (an on_commit callback)."""

    def __init__(self):
        self.scopes = set()

    def __call__(self):
        write_versions(self.scopes, current_lsn())


def pending(using=DEFAULT_DB_ALIAS):
    """The PendingBump of the current atomic block (one per savepoint), registered on first use.
    A rolled-back savepoint drops its callback with it (Django's on_commit)."""
    connection = connections[using]
    here = set(connection.savepoint_ids)
    newest = connection.savepoint_ids[-1] if connection.savepoint_ids else None
    # Newest first, and no further back than this block's start: a callback registered inside
    # the block carries its savepoint (ids are unique within a transaction), one without it came
    # before. A long transaction (the demo's, an import's) would otherwise rescan every earlier
    # service's callbacks at each write.
    for savepoints, callback, _robust in reversed(connection.run_on_commit):
        if newest is not None and newest not in savepoints:
            break
        if isinstance(callback, PendingBump) and savepoints == here:
            return callback
    bump = PendingBump()
    transaction.on_commit(bump, using=using)
    return bump


def touched_in_this_block(using=DEFAULT_DB_ALIAS):
    """What the current atomic block and the blocks inside it touched so far."""
    connection = connections[using]
    here = set(connection.savepoint_ids)
    scopes = set()
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, PendingBump) and savepoints >= here:
            scopes |= callback.scopes
    return scopes


_one_bump = contextvars.ContextVar("one_bump_for_a_bulk_build", default=False)


@contextlib.contextmanager
def one_bump():
    """A bulk build (the demo: thousands of service calls in one transaction): the rows saved
    inside bump nothing one by one, and everything (`ref`) is bumped once when it ends, now and
    when the transaction commits. Row by row, the receivers worked each row's scopes out (a
    query for a row pointing at a suggestion) and wrote them: 9,400 cache writes in the demo,
    for pages nobody could read before the build committed. Bumps named inside (the
    summaries', a bulk write's) wait for that one too. Nothing is bumped if the build fails
    (its transaction is undone)."""
    token = _one_bump.set(True)
    try:
        yield
    finally:
        _one_bump.reset(token)
    touch({REF})


def touch(scopes, using=DEFAULT_DB_ALIAS):
    """Bump `scopes` now, and again when the current transaction commits (inside `one_bump`,
    nothing: the build bumps everything when it ends)."""
    scopes = set(scopes)
    if not scopes or _one_bump.get():
        return
    if not connections[using].in_atomic_block:
        write_versions(scopes, current_lsn())
        return
    bump = pending(using)
    bump.scopes |= scopes
    write_versions(scopes, current_lsn())


def bump_now_and_on_commit(*scopes):
    """Name what a write touched (bulk writes send no signal); with no scope, whatever this
    atomic block (a service's) touched so far, or everything if that is nothing known."""
    if not scopes:
        connection = connections[DEFAULT_DB_ALIAS]
        known = touched_in_this_block() if connection.in_atomic_block else set()
        scopes = tuple(known) or (REF,)
    touch(scopes)


def bump_public_version():
    """Everything is stale (every page depends on `ref`), from now."""
    write_versions({REF}, current_lsn())


def public_version():
    """Changes with every write; for tests and monitoring (no page depends on it alone)."""
    found = versions([ANY])
    return None if found is FAILED else found[ANY]


# -- the one place every write goes through ----------------------------------------------------


def scopes_of(instance):
    """The scopes a saved or deleted row belongs to, from its own columns (and, for a row
    pointing at a suggestion, that suggestion's session)."""
    meta = instance._meta
    scopes = set()
    if meta.app_label in STATION_APPS:
        scopes.add(STATIONS)
    if meta.label == "deputies.Deputy":  # a deputy's name is on suggestions' pages too
        scopes.add(of_congress(instance.delegation.congress_id))
    if meta.label == "suggestions.Suggestion":
        scopes |= {suggestion(instance.pk), session(instance.session_id)}
    if meta.app_label == "congress":
        owner = getattr(instance, "congress_id", None)
        scopes.add(of_congress(owner) if owner is not None else REF)
    for field in meta.concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        target = field.related_model._meta.label
        value = getattr(instance, field.attname, None)
        if value is None:
            continue
        if target == "suggestions.Suggestion":
            scopes.add(suggestion(value))
            session_id = session_of(instance, field, value)
            if session_id is not None:
                scopes.add(session(session_id))
        elif target == "congress.Session":
            scopes.add(session(value))
        elif field.related_model._meta.app_label == "deputies" and target != "deputies.Deputy":
            scopes.add(STATIONS)  # a problem taken up as a suggestion shows on its station
    return scopes or {REF}


def session_of(instance, field, suggestion_id):
    loaded = instance._state.fields_cache.get(field.name)
    if loaded is not None and loaded.pk == suggestion_id:
        return loaded.session_id
    manager = field.related_model._base_manager
    return manager.filter(pk=suggestion_id).values_list("session_id", flat=True).first()


def watched(model):
    meta = getattr(model, "_meta", None)
    return bool(meta) and meta.app_label in WATCHED_APPS and meta.model_name not in UNWATCHED_MODELS


def _row_changed(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    if not _one_bump.get():
        touch(scopes_of(instance), using)


def watch_rows(models):
    """Connect `_row_changed` per watched model (CongressConfig.ready), not for every sender: a
    receiver on all models costs Django's fast delete of every row, so replacing a suggestion's
    search bands deleted them one by one, each asking its suggestion's session (6,280 queries
    in the demo's build)."""
    for model in models:
        if watched(model):
            uid = f"cache-{model._meta.label}"
            post_save.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_row_changed, sender=model, dispatch_uid=f"{uid}-delete")


@receiver(m2m_changed)
def _links_changed(sender, instance, action, model, pk_set, using=DEFAULT_DB_ALIAS, **kwargs):
    if not action.startswith("post_") or not (watched(type(instance)) or watched(model)):
        return
    if _one_bump.get():
        return  # the build bumps everything when it ends
    scopes = scopes_of(instance) if watched(type(instance)) else set()
    if model._meta.label == "suggestions.Suggestion":  # e.g. a work item linked to suggestions
        rows = model._base_manager.filter(pk__in=pk_set or ()).values_list("pk", "session_id")
        for pk, session_id in rows:
            scopes |= {suggestion(pk), session(session_id)}
        if action == "post_clear":
            scopes.add(REF)  # which suggestions were linked is gone: everything
    elif watched(model) and model._meta.app_label in STATION_APPS:
        scopes.add(STATIONS)
    touch(scopes, using)
