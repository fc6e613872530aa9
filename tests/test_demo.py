"""The demo data reproduces the source article and loads once."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.models import HandlingUnit, Session
from deputies.models import Deputy, LiaisonStation
from suggestions.models import Event, Suggestion


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", force=True, verbosity=0)
        yield
        # Module-scoped data outlives the per-test transactions: clean it up by hand.
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_seventh_session_has_150_suggestions_all_replied_and_closed(demo):
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
