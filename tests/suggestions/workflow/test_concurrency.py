"""Concurrent clicks on the default SQLite (a real file, WAL, IMMEDIATE transactions, a busy
timeout) and on PostgreSQL: every request waits its turn, none answers 500, none leaves an
orphan draft, and numbers stay unique."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from congress.models import Delegation, Division, Session, Term
from suggestions import services
from suggestions.models import Category, Suggestion, WorkflowError
from suggestions.services import intake
from tests.conftest import make_deputy
from tests.databases import use_database

THREADS = 8


@pytest.fixture
def database_file(tmp_path):
    """On SQLite, a file database with the project's own settings instead of the shared-cache
    memory database tests use (which locks tables and ignores the busy timeout)."""
    if connection.vendor != "sqlite":
        yield
        return
    with use_database(NAME=str(tmp_path / "concurrent.sqlite3")):
        call_command("migrate", verbosity=0)
        yield


@pytest.fixture
def open_session(database_file):
    term = Term.objects.create(number=9, name="第九届", starts_on=datetime.date(2024, 1, 1))
    session = Session.objects.create(
        term=term,
        number=1,
        name="九届一次会议",
        opens_on=datetime.date(2026, 1, 10),
        closes_on=datetime.date(2026, 1, 13),
    )
    division = Division.objects.create(name="离石区")
    delegation = Delegation.objects.create(name="离石区代表团", division=division)
    category = Category.objects.create(name="城乡建设")
    deputies = [make_deputy(delegation, f"代表{n}", f"deputy{n}") for n in range(THREADS)]
    return session, category, deputies


def fire(requests):
    """Run each callable in its own thread, all released at once; return their results."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            results[index] = request()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_all_succeed_numbered_once_with_no_orphan_draft(open_session):
    session, category, deputies = open_session

    def submit_as(deputy):
        def request():
            client = Client(raise_request_exception=False)
            client.force_login(deputy.user)
            response = client.post(
                reverse("workbench:draft_new"),
                {
                    "title": f"{deputy.name}关于公交的建议",
                    "content": "线路少。",
                    "category": category.pk,
                    "submit": "1",
                    "submit_anyway": "1",  # past the warning about similar titles
                },
            )
            return response.status_code

        return request

    statuses = fire([submit_as(d) for d in deputies])

    assert statuses == [302] * THREADS
    suggestions = Suggestion.objects.filter(session=session)
    assert not suggestions.filter(status=Suggestion.Status.DRAFT).exists()
    assert sorted(suggestions.values_list("number", flat=True)) == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_from_the_services_wait_instead_of_failing(open_session):
    session, category, deputies = open_session

    def draft_then_submit(deputy):
        def call():
            draft = services.draft_and_submit(
                deputy=deputy,
                session=session,
                title="关于路灯的建议",
                content="路灯不亮。",
                category=category,
                by=deputy.user,
            )
            return draft.number

        return call

    numbers = fire([draft_then_submit(d) for d in deputies])
    assert sorted(numbers) == list(range(1, THREADS + 1))


@pytest.mark.django_db
def test_a_refused_submission_leaves_no_draft_behind(deputy_a, session, category, monkeypatch):
    def refuse(**kwargs):
        raise WorkflowError("refused")

    monkeypatch.setattr(intake, "submit", refuse)  # the stage module draft_and_submit calls
    with pytest.raises(WorkflowError):
        services.draft_and_submit(
            deputy=deputy_a,
            session=session,
            title="关于路灯的建议",
            content="路灯不亮。",
            category=category,
            by=deputy_a.user,
        )
    assert not Suggestion.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_services_committing_at_once_leave_the_summary_rows_equal_to_a_recount(open_session):
    """Each service recounts its session's rows after the one before it committed (PostgreSQL
    waits on the session's lock; SQLite writes one at a time): none overwrites a count that
    misses another's reply, and the all-sessions days-to-reply rows add up."""
    from django.db import transaction

    from suggestions.figures import summaries
    from tests.conftest import make_unit, make_user
    from tests.suggestions.figures.test_summaries import stored_summaries

    session, category, deputies = open_session
    staff = make_user("staff", is_staff=True)
    unit = make_unit("市住建局", "unit")
    on = datetime.date(2026, 9, 1)
    assignments = []
    for deputy in deputies:
        suggestion = services.enter_suggestion(
            suggestion=Suggestion(
                session=session,
                title="关于路灯的建议",
                content="路灯不亮。",
                category=category,
                lead_deputy=deputy,
                delegation=deputy.delegation,
            ),
            by=staff,
            on=on,
        )
        services.register(suggestion=suggestion, by=staff, on=on)
        services.assign(suggestion=suggestion, lead_unit=unit, by=staff, on=on)
        assignments.append(suggestion.assignments.get())

    def reply(assignment, days):
        return lambda: services.reply(
            assignment=assignment,
            reply_class="A",
            text="已修复。",
            signed_by="局长",
            by=staff,
            on=on + datetime.timedelta(days=days),
        )

    fire([reply(a, 10 + i % 3) for i, a in enumerate(assignments)])
    kept = stored_summaries()
    with transaction.atomic():
        summaries.rebuild()
        assert stored_summaries() == kept
        transaction.set_rollback(True)
    total = summaries.Tally.objects.get(session=session, group="total")
    assert total.replied == THREADS
