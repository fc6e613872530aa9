"""The demo data reproduces the source article and loads once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.models import Congress, HandlingUnit, Session
from congress.roles import is_congress_staff
from congress.tenancy import activate
from deputies.models import Deputy, LiaisonStation, Problem
from suggestions.models import Event, Suggestion
from tests.conftest import on_today


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), on_today():
        mail.outbox = []
        call_command("load_demo", force=True, verbosity=0)
        yield len(mail.outbox)  # e-mails the load sent
        # Module-scoped data outlives the per-test transactions: clean it up by hand.
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def in_the_city(db):
    """The city's demo is read as the city's site reads it: its own rows only (the counties
    have their own tests below)."""
    with activate(Congress.objects.default()):
        yield


def test_loading_the_demo_sends_no_mail(demo, db):
    assert demo == 0


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


def test_seventh_session_report_states_the_articles_figures_from_records(demo, db, client):
    import re

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from reports import services as report_services
    from reports.models import SupportPayment
    from suggestions.models import SupervisionMeeting

    staff = get_user_model().objects.get(username="staff")
    seventh = Session.objects.get(term__number=3, number=7)
    report = report_services.generate_report(session=seventh, by=staff)
    client.force_login(staff)
    page = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    text = re.sub(r"<[^>]+>", "", page)
    assert "代表共提出建议150件，立案150件" in text
    assert "150件建议已全部办结并答复代表" in text
    assert "召开代表建议交办会1次、推进会1次、督办会1次" in text
    assert "建成代表联络站707个，代表进站9,199人次，接待人民群众10,928人次" in text
    assert "解决群众反映问题3,541件。邀请代表列席常委会会议137人次，组织212名代表" in text
    assert "专项代表活动经费1,137,000元，发放代表通讯交通补贴859,200元" in text
    # ... from individual records, and every meeting kind names the leaders present.
    assert SupportPayment.objects.filter(paid_on__year=2020, kind="subsidy").count() > 296
    assert not SupervisionMeeting.objects.filter(session=seventh, leaders__isnull=True).exists()
    figures = client.get(reverse("deputies:figures") + "?year=2020").content.decode()
    assert 'data-figure="activity_funds">1,137,000<' in figures
    assert 'data-figure="subsidies">859,200<' in figures


def test_demo_shows_every_part_of_the_accountability_loop(demo, db):
    from suggestions.figures import loop
    from suggestions.models import FLAGS, ImplementationRating, Reply, SimilarLink

    current = Session.objects.current()
    states = {
        r.promise_state() for r in Reply.objects.promises().filter(suggestion__session=current)
    }
    assert {"kept", "late", "overdue", "due"} <= states
    assert ImplementationRating.objects.filter(suggestion__session=current).count() >= 3
    flagged = Suggestion.objects.flagged(reviewed=True).filter(session=current)
    kinds = {kind for s in loop.flag_rows(flagged) for kind, _rule, _reviewed in s.flags}
    assert kinds == set(FLAGS)
    times = {len(s.live_links) + 1 for s in loop.recurring_topics()}
    sessions = {
        len({link.earlier.session_id for link in s.live_links} | {s.session_id})
        for s in loop.recurring_topics()
    }
    assert max(times) >= 3 and {2, 3} <= sessions
    assert SimilarLink.objects.filter(state="confirmed").exists()
    assert SimilarLink.objects.filter(state="dismissed").exists()
    queue, _days, cutoff = loop.publication_queue()
    assert queue.filter(closed_on__lt=cutoff).exists()


def test_loop_leaves_the_seventh_sessions_figures_as_the_article_says(demo, db):
    from suggestions.figures import stats

    seventh = Session.objects.get(term__number=3, number=7)
    figures = stats.overview(Suggestion.objects.filter(session=seventh))
    assert (figures.registered, figures.replied, figures.closed) == (150, 150, 150)
    assert figures.class_A + figures.class_B + figures.class_C + figures.class_D == 150


def test_demo_has_a_second_deputy_login_and_a_co_signing_request_waiting_for_deputy(demo, db):
    from suggestions.models import CoSigner  # noqa: PLC0415

    colleague = Deputy.objects.get(user__username="deputy2")
    waiting = CoSigner.objects.get(deputy__user__username="deputy", confirmed_on__isnull=True)
    assert waiting.suggestion.lead_deputy == colleague
    assert waiting.suggestion.status == "submitted"


def test_demo_problems_go_to_the_body_responsible_for_them(demo, db):
    from demo.builder import DemoBuilder  # noqa: PLC0415

    passed = Problem.objects.filter(unit__isnull=False).select_related("unit")
    assert passed.exists()
    wrong = [
        (p.summary, p.unit.short_name)
        for p in passed
        if DemoBuilder.PROBLEM_UNITS[p.summary] != p.unit.short_name
    ]
    assert wrong == []


# --- the counties ------------------------------------------------------------------------------

COUNTIES = {
    "离石区": "lishi",
    "孝义市": "xiaoyi",
    "汾阳市": "fenyang",
    "文水县": "wenshui",
    "交城县": "jiaocheng",
    "兴县": "xingxian",
    "临县": "linxian",
    "柳林县": "liulin",
    "石楼县": "shilou",
    "岚县": "lanxian",
    "方山县": "fangshan",
    "中阳县": "zhongyang",
    "交口县": "jiaokou",
}


def test_the_13_county_congresses_sit_under_the_city_each_with_its_own_division(demo, db):
    city = Congress.objects.default()
    counties = list(Congress.objects.below(city))
    assert {c.short_name: c.slug for c in counties} == COUNTIES
    for county in counties:
        assert county.level == "county" and county.name == f"{county.short_name}人民代表大会"
        assert county.division.name == county.short_name  # the city's division of that name


@pytest.mark.parametrize("slug", COUNTIES.values())
def test_each_county_has_its_own_sessions_units_deputies_and_suggestions(demo, db, slug):
    county = Congress.objects.get(slug=slug)
    with activate(county):
        sessions = list(Session.objects.all())
        assert 1 <= len(sessions) <= 2
        assert {s.congress for s in sessions} == {county}
        assert Session.objects.current().term.name.startswith(county.short_name)
        units = list(HandlingUnit.objects.values_list("name", flat=True))
        assert 4 <= len(units) <= 6
        assert all(name.startswith(county.short_name) for name in units)
        assert f"{county.short_name}人民法院" in units
        assert 1 <= Deputy.objects.values("delegation").distinct().count() <= 2
        assert 4 <= Deputy.objects.count() <= 8
        suggestions = Suggestion.objects.all()
        assert 6 <= suggestions.count() <= 12
        assert {"submitted", "registered", "assigned", "replied", "closed"} <= set(
            suggestions.values_list("status", flat=True)
        )
        # Written through the services: every suggestion has its history, every one handled
        # went to the county's own units, and the session before this one is concluded.
        assert not suggestions.filter(events__isnull=True).exists()
        assert (
            not suggestions.exclude(assignments__isnull=True)
            .exclude(assignments__unit__congress=county)
            .exists()
        )
        assert Session.objects.concluded().count() == 1
        own = suggestions.count()
    assert Suggestion.everywhere.filter(session__congress=county).count() == own


def test_the_counties_summary_rows_and_flags_are_as_counted(demo, db):
    from suggestions.figures.drift import check

    with activate(None):  # the nightly check's view: every congress
        assert check(repair=False).total == 0


def test_xiaoyi_is_staff_of_xiaoyis_congress_only(demo, db):
    from django.contrib.auth import get_user_model

    xiaoyi = get_user_model().objects.get(username="xiaoyi")
    staff = get_user_model().objects.get(username="staff")
    assert xiaoyi.is_staff and xiaoyi.password == staff.password  # demo12345, like the rest
    assert [c.slug for c in xiaoyi.staffed_congresses.all()] == ["xiaoyi"]
    assert is_congress_staff(xiaoyi, Congress.objects.get(slug="xiaoyi"))
    others = Congress.objects.exclude(slug="xiaoyi")
    assert not [c.slug for c in others if is_congress_staff(xiaoyi, c)]


def test_two_levels_holds_a_seat_in_the_city_and_one_in_xiaoyi_with_work_in_each(demo, db):
    seats = Deputy.everywhere.filter(user__username="two_levels").select_related(
        "delegation__congress"
    )
    by_congress = {seat.delegation.congress.slug: seat for seat in seats}
    assert set(by_congress) == {"lvliang", "xiaoyi"}
    assert by_congress["lvliang"].delegation.name == "孝义市代表团"
    assert by_congress["lvliang"].name == by_congress["xiaoyi"].name  # one person
    for slug, seat in by_congress.items():
        led = Suggestion.everywhere.filter(lead_deputy=seat)
        assert led.exists(), slug
        assert {s.session.congress.slug for s in led} == {slug}


def test_two_levels_sees_both_seats_work_on_each_site(demo, db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="two_levels"))
    for site, slug in [("/", "lvliang"), ("/c/xiaoyi/", "xiaoyi")]:
        seat = Deputy.everywhere.get(user__username="two_levels", delegation__congress__slug=slug)
        title = Suggestion.everywhere.filter(lead_deputy=seat).latest("pk").title
        page = client.get(f"{site}workbench/")
        assert page.status_code == 200 and title in page.content.decode(), site


def test_each_countys_site_shows_its_own_suggestions(demo, db, client):
    county = Congress.objects.get(slug="fenyang")
    page = client.get("/c/fenyang/suggestions/")
    assert page.status_code == 200
    body = page.content.decode()
    with activate(county):
        public = Suggestion.objects.public().first()
    assert public is not None and public.title in body
