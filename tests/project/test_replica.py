"""A read replica: anonymous public reads go there, everything else to the primary."""

import os

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.routers import ReplicaRouter, public_reads
from suggestions.models import Suggestion

REPLICA = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}


def test_public_reads_go_to_the_replica_when_one_is_configured(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": REPLICA}
    router = ReplicaRouter()
    assert router.db_for_read(Suggestion) == "default"
    with public_reads():
        assert router.db_for_read(Suggestion) == "replica"
        assert router.db_for_write(Suggestion) == "default"
    assert not router.allow_migrate("replica", "suggestions")


def test_without_a_replica_every_read_stays_on_the_primary(settings):
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != "replica"}
    with public_reads():
        assert ReplicaRouter().db_for_read(Suggestion) == "default"


@pytest.mark.skipif(
    not os.environ.get("REPLICA_DATABASE_URL"), reason="set REPLICA_DATABASE_URL to test a mirror"
)
@pytest.mark.django_db(databases=["default", "replica"], transaction=True)
def test_an_anonymous_page_reads_from_the_replica_mirror(client, build, staff):
    build(Suggestion.Status.REGISTERED)
    with CaptureQueriesContext(connections["replica"]) as replica:
        assert client.get(reverse("suggestions:list")).status_code == 200
    assert replica.captured_queries
    client.force_login(staff)
    with CaptureQueriesContext(connections["replica"]) as replica:
        client.get(reverse("suggestions:list"))
    assert not replica.captured_queries
