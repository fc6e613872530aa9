"""The demo data reproduces the source article and loads once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.models import HandlingUnit, Session
from deputies.models import Deputy, LiaisonStation
from suggestions.models import Event, Suggestion

from .conftest import on_today


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), on_today():
        call_command("load_demo", force=True, verbosity=0)
        yield
        # Module-scoped data outlives the per-test transactions: clean it up by hand.
        call_command("flush", interactive=False, verbosity=0)


def test_seventh_session_has_150_suggestions_all_replied_and_closed(demo, db):
    seventh = Session.objects.get(term__number=3, number=7)
    suggestions = Suggestion.objects.filter(session=seventh)
    assert suggestions.count() == 150
    assert set(suggestions.values_list("status", flat=True)) == {Suggestion.Status.CLOSED}
    assert not suggestions.filter(replies__isnull=True).exists()
    assert not suggestions.filter(reply_class="").exists()
    assert suggestions.filter(is_key=True, supervision__isnull=False).count() == 10
    assert seventh.meetings.count() == 3


def test_city_has_707_stations_with_deputies_and_about_300_municipal_deputies(demo, db):
    assert LiaisonStation.objects.count() == 707
    assert not LiaisonStation.objects.filter(deputies__isnull=True).exists()
    municipal = Deputy.objects.filter(level=Deputy.Level.MUNICIPAL).count()
    assert 280 <= municipal <= 320
    assert Deputy.objects.filter(level=Deputy.Level.NATIONAL).exists()
    assert HandlingUnit.objects.count() == 40


def test_current_session_has_suggestions_in_every_state(demo, db):
    current = Session.objects.current()
    states = set(Suggestion.objects.filter(session=current).values_list("status", flat=True))
    assert {
        "submitted",
        "not_registered",
        "registered",
        "assigned",
        "replied",
        "re_handling",
        "evaluated",
        "closed",
    } <= states
    assert Suggestion.objects.overdue().exists() and Suggestion.objects.due_soon().exists()


def test_demo_logins_have_work_to_see(demo, db):
    deputy = Deputy.objects.get(user__username="deputy")
    assert deputy.led_suggestions.count() >= 3 and deputy.signatures.exists()
    unit = HandlingUnit.objects.get(members__username="unit")
    assert unit.assignments.exists()


def test_loading_twice_changes_nothing(demo, db):
    before = (Suggestion.objects.count(), Event.objects.count(), LiaisonStation.objects.count())
    call_command("load_demo", force=True, verbosity=0)
    assert (
        Suggestion.objects.count(),
        Event.objects.count(),
        LiaisonStation.objects.count(),
    ) == before


def test_demo_refuses_a_live_system_unless_forced(demo, db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", verbosity=0)


def test_2020_station_work_reproduces_the_article(demo, db):
    from deputies.stats import city_figures

    figures = city_figures(2020)
    assert figures["stations"] == 707
    assert figures["deputy_visits"] == 9199
    assert figures["people_received"] == 10928
    assert figures["problems_solved"] == 3541
    assert figures["sit_ins"] == 137
    assert figures["research_deputies"] >= 200


def test_no_private_detail_of_the_demo_reaches_a_public_page(demo, db, client):
    from deputies.models import Deputy, LiaisonStation, Problem
    from suggestions.models import Evaluation, Reply

    private = set()
    for problem in Problem.objects.exclude(person_name="").order_by("-pk")[:60]:
        private |= {problem.person_phone}
    private |= set(Deputy.objects.values_list("phone", flat=True)[:50])
    private |= set(Deputy.objects.values_list("id_number", flat=True)[:50])
    private |= {
        e.comment for e in Evaluation.objects.filter(comment_is_public=False).exclude(comment="")
    }
    unpublished = Reply.objects.filter(is_published=False).first()
    stations = LiaisonStation.objects.filter(problems__isnull=False).distinct()[:5]
    urls = [
        "/",
        "/?session=all",
        "/suggestions/",
        "/units/",
        "/stations/",
        "/stations/figures/",
        f"/suggestions/{unpublished.suggestion_id}/",
    ]
    urls += [f"/stations/{s.pk}/" for s in stations]
    urls += [
        "/api/v1/suggestions?limit=200",
        f"/api/v1/suggestions/{unpublished.suggestion_id}",
        "/api/v1/stations?limit=200",
        "/api/v1/statistics",
        "/api/v1/statistics/units",
        "/suggestions/export.csv",
        "/stations/figures/export.csv?year=2020",
        f"/suggestions/{unpublished.suggestion_id}/print/",
    ]
    urls += [f"/api/v1/stations/{s.pk}" for s in stations]
    urls += [
        f"/api/v1/suggestions/{pk}"
        for pk in Reply.objects.filter(is_published=True).values_list("suggestion_id", flat=True)[
            :20
        ]
    ]
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        page = body.decode("utf-8-sig")
        if url.startswith("/api/"):
            import json

            page = json.dumps(json.loads(page), ensure_ascii=False)
        assert not [value for value in private if value and value in page], url
    assert (
        unpublished.text
        not in client.get(f"/suggestions/{unpublished.suggestion_id}/").content.decode()
    )
