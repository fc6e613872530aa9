"""The page cache against a real streaming replica that replays 2 s late (.ci/run makes it with
pg_basebackup and `recovery_min_apply_delay = '2s'`): a page asked for before the replica has
replayed a write is read from the primary, so the copy cached is never the rows before it."""

import os
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from congress import cache, pages
from congress.settings import database_from_url
from suggestions import services
from suggestions.models import Suggestion

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REAL_REPLICA_URL"),
        reason="set REAL_REPLICA_URL to a streaming replica of DATABASE_URL's server",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES"),
]


@pytest.fixture
def standby(settings):
    """The replica as the `replica` database, reading this test run's database."""
    entry = {
        **database_from_url(os.environ["REAL_REPLICA_URL"]),
        "NAME": connection.settings_dict["NAME"],
        "CONN_MAX_AGE": None,  # one connection for the test (see below)
    }
    configured = connections.configure_settings(
        {"default": connection.settings_dict, "replica": entry}
    )["replica"]
    settings.DATABASES = {**django_settings.DATABASES, "replica": configured}
    connections.settings["replica"] = configured
    replica = connections["replica"]
    # Connected here: the test's guard refuses to open a connection to an alias it was not
    # told of, and this one is made after the test began (it reads the test's database).
    deadline = time.monotonic() + 30
    while True:
        try:
            replica.connect()
            break
        except Exception:  # the test database not replayed yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield replica
    connections["replica"].close()
    del connections["replica"]
    connections.settings.pop("replica", None)


def replay_lsn(db):
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn()::text")
        return cache.parse_lsn(cursor.fetchone()[0])


def primary_lsn():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cache.parse_lsn(cursor.fetchone()[0])


def caught_up(db, timeout=30):
    wanted, deadline = primary_lsn(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        if replay_lsn(db) >= wanted:
            return
        time.sleep(0.2)
    raise AssertionError("the replica did not catch up")


def title_on(db, pk):
    with db.cursor() as cursor:
        cursor.execute("SELECT title FROM suggestions_suggestion WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_a_page_asked_before_the_replica_replayed_a_write_is_read_from_the_primary(
    standby, build, unit_x, staff
):
    suggestion = build(Suggestion.Status.CLOSED, lead_unit=unit_x)
    url = f"/suggestions/{suggestion.pk}/"
    caught_up(standby)
    with CaptureQueriesContext(standby) as on_replica:
        first = Client().get(url)
    assert first.status_code == 200
    assert on_replica.captured_queries  # caught up: the replica serves the render

    services.update_suggestion(
        suggestion=suggestion, changes={"title": "关于改造老旧管网的建议"}, by=staff, reason="标题"
    )
    assert replay_lsn(standby) < primary_lsn()  # 2 s behind: the replica has the old title
    assert title_on(standby, suggestion.pk) == "关于加快老旧小区改造的建议"
    with CaptureQueriesContext(standby) as on_replica:
        fresh = Client().get(url)
    assert "关于改造老旧管网的建议" in fresh.content.decode()
    assert not [q for q in on_replica.captured_queries if "suggestions_" in q["sql"]]
    with CaptureQueriesContext(connection) as on_primary:
        again = Client().get(url)  # cached, and cached right
    assert not on_primary.captured_queries
    assert "关于改造老旧管网的建议" in again.content.decode()


def test_without_the_rule_the_old_rows_would_have_been_cached(
    standby, build, unit_x, staff, monkeypatch
):
    """What the rule prevents, shown on the same replica: a render that trusts it."""
    suggestion = build(Suggestion.Status.CLOSED, lead_unit=unit_x)
    url = f"/suggestions/{suggestion.pk}/"
    caught_up(standby)
    Client().get(url)
    services.update_suggestion(
        suggestion=suggestion, changes={"title": "关于改造老旧管网的建议"}, by=staff, reason="标题"
    )
    monkeypatch.setattr(pages, "replica_has", lambda needed: True)
    stale = Client().get(url).content.decode()
    assert "关于加快老旧小区改造的建议" in stale
    assert "关于改造老旧管网的建议" not in stale
