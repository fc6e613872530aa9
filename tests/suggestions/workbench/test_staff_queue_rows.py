"""Staff's queues read only what their rows show: with every queue holding rows, the page takes
the same queries for more rows, and no row reads a column its query left unread (each such read
is one more query per row)."""

import datetime

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions import services
from suggestions.models import Suggestion
from tests.conftest import START

S = Suggestion.Status
pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2026, 1, 5)  # assigned then: overdue by the frozen today


def fill_every_queue(build, staff, unit_x, unit_y, earlier_session):
    build(S.REGISTERED, session=earlier_session)  # every suggestion below is its look-alike
    build()  # submitted, to review
    build(S.REGISTERED)  # to assign, and a look-alike of an earlier session's to confirm
    build(S.ASSIGNED, lead_unit=unit_x, on=LONG_AGO)  # overdue
    lead = build(S.ASSIGNED, lead_unit=unit_x).assignments.get()
    services.request_extension(
        assignment=lead,
        reason="需要跨部门协调",
        due_on=lead.due_on + datetime.timedelta(20),
        by=staff,
        on=START,
    )
    co = build(S.ASSIGNED, lead_unit=unit_x, co_units=[unit_y]).assignments.get(unit=unit_y)
    services.request_return(assignment=co, reason="不归我们管。", by=staff, on=START)
    rated = build(S.REPLIED, lead_unit=unit_x, reply_class="C", on=LONG_AGO)
    services.evaluate(
        suggestion=rated,
        deputy=rated.lead_deputy,
        satisfaction="dissatisfied",
        contacted=False,
        by=staff,
        on=datetime.date(2026, 3, 31),
    )  # in re-handling
    # Replied, rating missing; its reply to publish; flagged (replied without contact); its
    # promise past its date, then one due within the week.
    build(S.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 5, 1))
    build(S.REPLIED, lead_unit=unit_x, reply_class="B", on=datetime.date(2026, 7, 30))
    build(S.EVALUATED, lead_unit=unit_x)  # to close
    build(S.CLOSED, lead_unit=unit_x)  # closed, its reply to publish


def every_queue(context):
    queues = context["queues"]
    shown = {key: rows for key, _title, rows, _total in queues["suggestions"] + queues["loop"]}
    for key in ("returns", "extensions", "to_publish"):
        shown[key] = queues[key][0]
    return shown


def refuse_deferred_reads(instance, *args, fields=None, **kwargs):
    raise AssertionError(f"{type(instance).__name__}.{fields} read row by row")


def test_every_staff_queue_takes_the_same_queries_for_more_rows_and_reads_no_column_it_left(
    client, build, staff, unit_x, unit_y, earlier_session
):
    client.force_login(staff)
    url = reverse("workbench:dashboard")
    fill_every_queue(build, staff, unit_x, unit_y, earlier_session)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Model, "refresh_from_db", refuse_deferred_reads)
        with CaptureQueriesContext(connection) as one_row_each:
            response = client.get(url)
    assert response.status_code == 200
    shown = every_queue(response.context)
    assert [key for key, rows in shown.items() if not rows] == []  # every queue is exercised

    fill_every_queue(build, staff, unit_x, unit_y, earlier_session)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Model, "refresh_from_db", refuse_deferred_reads)
        with CaptureQueriesContext(connection) as more_rows:
            response = client.get(url)
    assert all(len(rows) >= 2 for rows in every_queue(response.context).values())
    assert len(more_rows) == len(one_row_each)
