"""Liaison stations at work: receptions, problems followed to the end, honest figures."""

import datetime

import pytest
from django.urls import reverse

from deputies import services
from deputies.models import DutyActivity, Problem, Reception
from suggestions import services as suggestion_services
from suggestions.models import Suggestion, WorkflowError
from suggestions.services import stations as problem_services
from tests.conftest import START

pytestmark = pytest.mark.django_db
P = Problem.Status


def problem_of(reception, summary="小区供暖温度不达标"):
    return reception.problems.get(summary=summary)


def test_a_reception_records_deputies_people_and_problems(reception, deputy_a):
    assert reception.people_received == 5
    assert list(reception.deputies.all()) == [deputy_a]
    assert reception.problems.count() == 2
    assert set(reception.problems.values_list("status", flat=True)) == {P.OPEN}


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"held_on": datetime.date(2999, 1, 1)}, "future"),
        ({"people_received": -1}, "negative"),
        ({"people_received": 0, "problems": [{"summary": "x"}]}, "More problems"),
    ],
)
def test_a_reception_refuses_impossible_figures(station, staff, fields, message):
    data = {
        "station": station,
        "held_on": START,
        "deputies": [],
        "people_received": 3,
        "by": staff,
        **fields,
    }
    with pytest.raises(WorkflowError, match=message):
        services.record_reception(**data)
    assert not Reception.objects.exists()


def test_answered_on_the_spot_closes_it_as_solved_and_told(reception, staff):
    problem = services.answer_on_the_spot(
        problem=problem_of(reception), outcome="现场解答", by=staff
    )
    assert (problem.status, problem.handling, problem.solved, problem.person_told) == (
        P.CLOSED,
        "on_the_spot",
        True,
        True,
    )


def test_passed_to_a_unit_it_answers_then_the_keeper_closes_it(reception, staff, unit_x):
    problem = problem_services.pass_to_unit(problem=problem_of(reception), unit=unit_x, by=staff)
    with pytest.raises(WorkflowError, match="Only an open problem can be passed"):
        problem_services.pass_to_unit(problem=problem, unit=unit_x, by=staff)
    problem = services.unit_answers(problem=problem, answer="已安排检修", by=staff)
    assert services.problem_outcome(problem) == "已安排检修"
    problem = services.close_problem(
        problem=problem, outcome="已修复，群众满意", solved=True, person_told=True, by=staff
    )
    assert (problem.status, problem.solved) == (P.CLOSED, True)


def test_a_problem_taken_up_in_a_suggestion_shows_the_suggestions_outcome(
    reception, staff, deputy_a, session, category, unit_x
):
    problem = problem_of(reception)
    suggestion = problem_services.turn_into_suggestion(
        problem=problem,
        deputy=deputy_a,
        session=session,
        category=category,
        title="关于解决小区供暖问题的建议",
        by=staff,
    )
    problem.refresh_from_db()
    assert problem.suggestion == suggestion and suggestion.status == Suggestion.Status.DRAFT
    assert "滨河街道人大代表联络站" in suggestion.content
    with pytest.raises(WorkflowError, match="Wait for the reply"):
        services.close_problem(
            problem=problem, outcome="x", solved=True, person_told=True, by=staff
        )
    suggestion_services.submit(suggestion=suggestion, by=staff, on=START)
    suggestion_services.register(suggestion=suggestion, by=staff, on=START)
    suggestion_services.assign(suggestion=suggestion, lead_unit=unit_x, by=staff, on=START)
    suggestion_services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="A",
        text="已解决",
        signed_by="局长",
        by=staff,
        on=START,
    )
    problem.refresh_from_db()
    assert "replied" in services.problem_outcome(problem)
    services.close_problem(
        problem=problem, outcome="建议已答复，问题已解决", solved=True, person_told=True, by=staff
    )


def test_only_an_open_problem_is_answered_on_the_spot(reception, staff):
    problem = services.answer_on_the_spot(problem=problem_of(reception), outcome="x", by=staff)
    with pytest.raises(WorkflowError, match="Only an open problem"):
        services.answer_on_the_spot(problem=problem, outcome="y", by=staff)


def test_the_database_refuses_a_closed_problem_without_a_date(reception):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Problem.objects.filter(pk=problem_of(reception).pk).update(status="closed")


def test_public_figures_equal_a_direct_count(client, reception, staff, deputy_a, deputy_b):
    services.answer_on_the_spot(problem=problem_of(reception), outcome="x", by=staff, on=START)
    services.record_reception(
        station=reception.station,
        held_on=START,
        by=staff,
        deputies=[deputy_a, deputy_b],
        people_received=7,
    )
    DutyActivity.objects.create(deputy=deputy_a, kind="sit_in", held_on=START, title="列席")
    DutyActivity.objects.create(deputy=deputy_b, kind="research", held_on=START, title="调研")
    DutyActivity.objects.create(deputy=deputy_b, kind="research", held_on=START, title="视察")
    page = client.get(reverse("deputies:figures"), {"year": 2026}).context["city"]
    start, end = datetime.date(2026, 1, 1), datetime.date(2027, 1, 1)
    receptions = Reception.objects.filter(held_on__gte=start, held_on__lt=end)
    assert page["deputy_visits"] == sum(r.deputies.count() for r in receptions) == 3
    assert page["people_received"] == sum(r.people_received for r in receptions) == 12
    assert page["problems_raised"] == Problem.objects.count() == 2
    assert page["problems_solved"] == len([p for p in Problem.objects.all() if p.solved]) == 1
    assert (page["sit_ins"], page["research_deputies"]) == (1, 1)


def test_public_station_pages_never_show_who_raised_a_problem(client, reception):
    for url in [
        reverse("deputies:station", args=[reception.station_id]),
        reverse("deputies:figures"),
        reverse("deputies:stations"),
    ]:
        page = client.get(url).content.decode()
        for private in ["群众甲", "10055550001", "群众乙", "10055550002"]:
            assert private not in page, (url, private)


def test_station_page_counts_its_receptions_and_problems(client, reception, staff):
    services.answer_on_the_spot(problem=problem_of(reception), outcome="x", by=staff)
    totals = client.get(reverse("deputies:station", args=[reception.station_id])).context["totals"]
    assert totals == {
        "receptions": 1,
        "people_received": 5,
        "deputy_visits": 1,
        "problems_raised": 2,
        "problems_solved": 1,
    }


def test_station_pages_query_count_does_not_grow_with_receptions(client, station, staff, deputy_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx)

    services.record_reception(
        station=station,
        held_on=START,
        deputies=[deputy_a],
        people_received=2,
        by=staff,
        problems=[{"summary": "x"}],
    )
    urls = [reverse("deputies:station", args=[station.pk]), reverse("deputies:figures")]
    few = [count(u) for u in urls]
    for n in range(8):
        services.record_reception(
            station=station,
            held_on=START,
            deputies=[deputy_a],
            people_received=3,
            by=staff,
            problems=[{"summary": f"问题{n}"}],
        )
    assert [count(u) for u in urls] == few


def test_duty_record_gathers_visits_activities_and_suggestions(client, reception, deputy_a, build):
    DutyActivity.objects.create(deputy=deputy_a, kind="training", held_on=START, title="培训班")
    build()
    client.force_login(deputy_a.user)
    years = dict(client.get(reverse("workbench:duty_record")).context["years"])
    record = years[2026]
    assert len(record["visits"]) == 1 and len(record["activities"]) == 1
    assert len(record["led"]) == 1


def test_staff_export_a_delegations_duty_records(client, staff, reception, deputy_a, delegation):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(staff)
    response = client.get(
        reverse("stations_work:records_export"), {"delegation": delegation.pk, "year": 2026}
    )
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    mine = next(r for r in rows if r[0] == deputy_a.name)
    assert mine[3] == 1  # one station visit
    assert all("10055550001" not in str(cell) for row in rows for cell in row)


def test_figures_open_on_the_latest_finished_year_with_data(client, reception, staff, deputy_a):
    assert client.get(reverse("deputies:figures")).context["year"] == 2026  # the only year
    services.record_reception(
        station=reception.station,
        held_on=datetime.date(2020, 6, 1),
        by=staff,
        deputies=[deputy_a],
        people_received=3,
    )
    response = client.get(reverse("deputies:figures"))
    assert response.context["year"] == 2020 and response.context["years"] == [2026, 2020]
    assert client.get(reverse("deputies:figures"), {"year": 2026}).context["year"] == 2026


def test_the_keepers_workbench_queues_their_stations_problems_not_yet_closed(
    client, reception, other_station, staff
):
    first, second = reception.problems.order_by("pk")
    Problem.objects.filter(pk=second.pk).update(status=P.CLOSED, closed_on=START)
    client.force_login(reception.station.keepers.get())
    response = client.get(reverse("workbench:dashboard"))
    assert list(response.context["keeper_problems"]) == [first]
    assert response.context["keeper_waiting"] == 1
    page = response.content.decode()
    assert reverse("stations_work:problem", args=[first.pk]) in page
    # Another station's keeper sees none of them.
    client.force_login(other_station.keepers.get())
    assert list(client.get(reverse("workbench:dashboard")).context["keeper_problems"]) == []


def test_a_keeper_is_not_sent_to_a_draft_they_may_not_open(
    client, reception, deputy_a, session, category, staff
):
    problem = reception.problems.first()
    draft = problem_services.turn_into_suggestion(
        problem=problem,
        deputy=deputy_a,
        session=session,
        category=category,
        title="关于解决小区供暖问题的建议",
        by=deputy_a.user,
    )
    client.force_login(reception.station.keepers.get())
    url = reverse("stations_work:problem", args=[problem.pk])
    page = client.get(url).content.decode()
    assert "关于解决小区供暖问题的建议" in page
    assert reverse("workbench:suggestion", args=[draft.pk]) not in page  # it would be a 404
    suggestion_services.submit(suggestion=draft, by=deputy_a.user)
    suggestion_services.register(suggestion=draft, by=staff)
    page = client.get(url).content.decode()
    assert reverse("suggestions:detail", args=[draft.pk]) in page  # public once registered
    client.force_login(deputy_a.user)
    page = client.get(url).content.decode()
    assert reverse("workbench:suggestion", args=[draft.pk]) in page
