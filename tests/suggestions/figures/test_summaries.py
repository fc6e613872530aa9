"""Summary rows: after every service, what the public pages show equals a live recount."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congress.cache import public_version
from suggestions import services
from suggestions.figures import stats, summaries
from suggestions.imports import writing
from suggestions.imports.plan import RowPlan
from suggestions.models import (
    Assignment,
    Category,
    FlagsToReview,
    OpenPromise,
    Reply,
    ReplyDays,
    Suggestion,
    Tally,
)

Status = Suggestion.Status
pytestmark = pytest.mark.django_db
START = datetime.date(2026, 9, 1)


def live(session):
    """The figures counted live over the rows, as the pages computed them before summaries."""
    suggestions = Suggestion.objects.for_session(session)
    assignments = Assignment.objects.all()
    if session:
        assignments = assignments.filter(suggestion__session=session)
    promises = stats.promise_counts_by_unit(Reply.objects.filter(suggestion__in=suggestions))
    units = {}
    for row in stats.by_unit(assignments):
        row.update(promises.get(row["unit"], dict.fromkeys(NO_PROMISES, 0)))
        row["promise_kept_rate"] = stats.promise_kept_rate(row)
        row["promises_untracked"] = stats.promises_untracked(row)
        units[row["unit"]] = row
    speeds, overall = stats.reply_speed(assignments)
    return (
        stats.overview(suggestions).counts,
        {f.key: f.counts for f in stats.grouped(suggestions, "category", "category__name")},
        {f.key: f.counts for f in stats.grouped(suggestions, "delegation", "delegation__name")},
        units,
        stats.loop_figures(suggestions),
        {unit: speed.spread for unit, speed in speeds.items()},
        overall.spread,
    )


NO_PROMISES = ["promises", "promises_kept", "promises_late", "promises_overdue", "promises_open"]


def summarised(session):
    figures = stats.session_overview(session).counts
    figures.pop("suggestions")
    return (
        figures,
        {f.key: f.counts for f in stats.session_grouped(session, "category")},
        {f.key: f.counts for f in stats.session_grouped(session, "delegation")},
        {r["unit"]: r for r in stats.session_units(session)},
        stats.session_loop(session),
        {unit: speed.spread for unit, speed in stats.unit_speeds(session).items()},
        stats.session_speed(session).spread,
    )


SUMMARY_TABLES = {
    Tally: ["session", "group", "key", *(f.attname for f in Tally._meta.fields[4:])],
    ReplyDays: ["session", "unit", "days", "replies"],
    OpenPromise: ["session", "unit", "due", "promises"],
    FlagsToReview: ["session", "after", "suggestions"],
}


def stored_summaries():
    return {
        model: sorted(model.objects.values_list(*columns), key=repr)
        for model, columns in SUMMARY_TABLES.items()
    }


def assert_in_step(session, step):
    """The summary rows the services kept equal a recount from scratch, and what the pages
    read from them equals the figures counted live over the rows."""
    kept = stored_summaries()
    with transaction.atomic():
        summaries.rebuild()
        fresh = stored_summaries()
        transaction.set_rollback(True)
    assert kept == fresh, step
    assert kept[Tally], step
    for chosen in (session, None):
        names = ["total", "categories", "delegations", "units", "loop", "unit speeds", "speed"]
        for name, got, want in zip(names, summarised(chosen), live(chosen), strict=True):
            assert got == want, f"{step}: {name} ({'all time' if chosen is None else 'session'})"


def test_summary_equals_a_recount_after_every_transition(
    session, category, deputy_a, deputy_b, staff, unit_x, unit_y, leader
):
    on = START
    steps = []
    versions = [public_version()]

    def step(name, result=None):
        steps.append(name)
        assert_in_step(session, name)
        versions.append(public_version())
        assert versions[-1] != versions[-2], f"{name} left cached pages as they were"
        return result

    draft = services.create_draft(
        deputy=deputy_a,
        session=session,
        title="关于供暖的建议",
        content="暖气不热。",
        category=category,
        co_signers=[deputy_b],
        by=deputy_a.user,
    )
    step("create_draft")
    services.update_draft(
        suggestion=draft,
        title="关于供热的建议",
        content="暖气不热。",
        category=category,
        co_signers=[deputy_b],
        by=deputy_a.user,
    )
    step("update_draft")
    services.submit(suggestion=draft, by=deputy_a.user, on=on)
    step("submit")
    services.confirm_co_signature(suggestion=draft, deputy=deputy_b, by=deputy_b.user, on=on)
    step("confirm_co_signature")
    services.register(suggestion=draft, by=staff, on=on)
    step("register")
    services.assign(suggestion=draft, lead_unit=unit_x, co_units=[unit_y], by=staff, on=on)
    step("assign")
    lead = draft.assignments.get(role="lead")
    co = draft.assignments.get(role="co")
    services.name_responsible_person(assignment=lead, person="张科长", by=staff, on=on)
    step("name_responsible_person")
    services.record_contact(assignment=lead, contacted_on=on, way="face", by=staff)
    step("record_contact")
    services.send_co_opinion(assignment=co, text="同意。", by=staff, on=on)
    step("send_co_opinion")
    request = services.request_return(assignment=co, reason="不归我们管。", by=staff, on=on)
    step("request_return")
    services.decide_return(request=request, approve=True, by=staff, on=on)
    step("decide_return (co unit removed)")
    extension = services.request_extension(
        assignment=lead, reason="情况复杂。", due_on=lead.due_on + datetime.timedelta(30), by=staff
    )
    step("request_extension")
    services.decide_extension(request=extension, approve=True, by=staff, on=on)
    step("decide_extension")
    first = services.reply(
        assignment=lead,
        reply_class="B",
        text="正在解决。",
        signed_by="局长",
        by=staff,
        on=on,
        promise="年底前完成改造。",
        promised_by=START + datetime.timedelta(60),
    )
    step("reply")
    services.publish_reply(reply=first, by=staff, on=on)
    step("publish_reply")
    services.evaluate(
        suggestion=draft,
        deputy=deputy_a,
        satisfaction="dissatisfied",
        contacted=True,
        by=staff,
        on=on,
    )
    step("evaluate (dissatisfied: re-handling)")
    second = services.reply(
        assignment=lead, reply_class="A", text="已解决。", signed_by="局长", by=staff, on=on
    )
    step("reply (re-handled)")
    services.revise_reply(
        reply=second,
        reply_class="B",
        text="改。",
        signed_by="局长",
        by=staff,
        promise="明年完成。",
        promise_year=2027,
    )
    step("revise_reply")
    services.follow_up(
        assignment=lead, reply_class="A", text="已完成。", signed_by="局长", by=staff
    )
    step("follow_up")
    services.rate_implementation(
        suggestion=draft, deputy=deputy_a, satisfaction="basically_satisfied", by=deputy_a.user
    )
    step("rate_implementation")
    services.update_suggestion(
        suggestion=draft,
        changes={"category": Category.objects.create(name="教育")},
        by=staff,
    )
    step("update_suggestion (category changed)")
    services.evaluate(
        suggestion=draft, deputy=deputy_a, satisfaction="satisfied", contacted=True, by=staff
    )
    step("evaluate (satisfied)")
    services.close(suggestion=draft, by=staff)
    step("close")
    services.correct_suggestion(
        suggestion=draft, changes={"category": category}, reason="分类录错", by=staff
    )
    step("correct_suggestion (closed, back to its category)")

    refused = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="个人诉求",
            content="请求解决个人问题。",
            category=category,
            lead_deputy=deputy_b,
            delegation=deputy_b.delegation,
        ),
        by=staff,
        on=on,
    )
    step("enter_suggestion")
    services.refuse_registration(suggestion=refused, reason="个人诉求", by=staff, on=on)
    step("refuse_registration")
    twin = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="关于供热的建议",
            content="同上。",
            category=category,
            lead_deputy=deputy_b,
            delegation=deputy_b.delegation,
        ),
        by=staff,
        on=on,
    )
    services.merge(suggestion=twin, into=draft, by=staff, on=on)
    step("merge")

    returned = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="关于道路的建议",
            content="路面破损。",
            category=category,
            lead_deputy=deputy_a,
            delegation=deputy_a.delegation,
        ),
        by=staff,
        on=on,
    )
    services.register(suggestion=returned, by=staff, on=on)
    services.mark_key(suggestion=returned, leader=leader, by=staff, on=on)
    step("mark_key")
    services.assign(suggestion=returned, lead_unit=unit_y, by=staff, on=on)
    step("assign the second")
    request = services.request_return(
        assignment=returned.assignments.get(), reason="错派。", by=staff, on=on
    )
    services.decide_return(request=request, approve=True, by=staff, on=on)
    step("decide_return (lead unit removed)")

    # 分办: split between two units; one of them replying is not a reply yet.
    split = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="关于公交线路的建议",
            content="增开公交线路。",
            category=category,
            lead_deputy=deputy_b,
            delegation=deputy_b.delegation,
        ),
        by=staff,
        on=on,
    )
    services.register(suggestion=split, by=staff, on=on)
    services.assign(suggestion=split, separate_units=[unit_x, unit_y], by=staff, on=on)
    step("assign (split)")
    replied_before = stats.session_overview(session).replied
    part_x, part_y = split.assignments.order_by("unit__name")
    services.reply(
        assignment=part_x, reply_class="D", text="留作参考。", signed_by="局长", by=staff, on=on
    )
    step("reply (one of two split units)")
    assert stats.session_overview(session).replied == replied_before
    assert stats.session_overview(session).class_D == 0
    services.reply(
        assignment=part_y, reply_class="A", text="已开通。", signed_by="局长", by=staff, on=on
    )
    step("reply (both split units)")
    assert stats.session_overview(session).replied == replied_before + 1
    services.review_flag(
        suggestion=split, kind="on_time_no_contact", note="电话联系未登记", by=staff
    )
    step("review_flag")

    earlier = type(session).objects.create(
        term=session.term,
        number=0,
        name="八届五次会议",
        opens_on=datetime.date(2025, 1, 10),
        closes_on=datetime.date(2025, 1, 13),
    )
    raised = services.enter_suggestion(
        suggestion=Suggestion(
            session=earlier,
            title="关于加快老旧小区改造的建议",
            content="小区管网老化。建议分批改造。",
            category=category,
            lead_deputy=deputy_a,
            delegation=deputy_a.delegation,
        ),
        by=staff,
        on=datetime.date(2025, 1, 11),
    )
    services.register(suggestion=raised, by=staff, on=datetime.date(2025, 1, 11))
    again = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="关于加快老旧小区改造的建议",
            content="小区管网老化。建议分批改造。",
            category=category,
            lead_deputy=deputy_a,
            delegation=deputy_a.delegation,
        ),
        by=staff,
        on=on,
    )
    services.register(suggestion=again, by=staff, on=on)
    step("register (raised again)")
    services.decide_link(link=again.similar_links.get(), confirm=True, by=staff)
    step("decide_link")
    concluded = services.enter_suggestion(
        suggestion=Suggestion(
            session=session,
            title="关于路灯的建议",
            content="路灯不亮。",
            category=category,
            lead_deputy=deputy_b,
            delegation=deputy_b.delegation,
        ),
        by=staff,
        on=on,
    )
    step("enter_suggestion (to conclude)")
    writing.bring_to_final_state(
        suggestion=concluded, lead_unit=unit_y, reply_class="B", satisfaction="satisfied", by=staff
    )
    step("bring_to_final_state")
    assert_in_step(earlier, "the earlier session")
    assert "close" in steps and len(steps) > 30


def test_recount_command_rebuilds_the_rows_the_services_keep(build, session, unit_x, unit_y):
    build(Status.CLOSED, lead_unit=unit_x, co_units=[unit_y])
    build(Status.ASSIGNED, lead_unit=unit_y)
    build()
    kept = sorted(Tally.objects.values_list("session", "group", "key", "registered", "lead"))
    Tally.objects.all().delete()
    call_command("recount_summaries", verbosity=0)
    assert sorted(Tally.objects.values_list("session", "group", "key", "registered", "lead")) == (
        kept
    )
    assert_in_step(session, "recount")


def test_an_import_recounts_its_session(session, staff, category, deputy_a, unit_x):
    before = stats.session_overview(session).received
    plans = [
        RowPlan(
            sheet="Sheet1",
            row=2,
            action="create",
            values={
                "number": 7,
                "title": "关于养老的建议",
                "content": "养老院不足。",
                "period": "during",
                "submitted_on": START,
            },
            category=category,
            lead=deputy_a,
        ),
        RowPlan(  # a concluded one, brought to its final state through the services
            sheet="Sheet1",
            row=3,
            values={
                "number": 8,
                "title": "关于托育的建议",
                "content": "托育机构不足。",
                "period": "during",
                "submitted_on": START,
            },
            category=category,
            lead=deputy_a,
            lead_unit=unit_x,
            reply_class="B",
            satisfaction="satisfied",
            conclude=True,
        ),
    ]
    writing.import_suggestions(session=session, plans=plans, by=staff, on=START)
    assert stats.session_overview(session).received == before + 2
    assert stats.session_overview(session).class_B == 1
    assert_in_step(session, "import")


def test_a_write_shows_on_the_next_page_even_when_pages_are_cached(client, build, unit_x):
    build(Status.CLOSED, lead_unit=unit_x)
    url = reverse("suggestions:home")
    first = client.get(url).content.decode()
    assert 'data-figure="closed">1<' in first
    build(Status.CLOSED, lead_unit=unit_x)
    assert 'data-figure="closed">2<' in client.get(url).content.decode()


def test_an_anonymous_page_seen_before_is_served_from_the_cache_without_queries(
    client, build, unit_x, django_assert_num_queries
):
    build(Status.CLOSED, lead_unit=unit_x)
    url = reverse("suggestions:units")
    first = client.get(url).content
    with django_assert_num_queries(0):
        assert client.get(url).content == first


def test_a_save_outside_the_services_also_refreshes_cached_pages(client, build, unit_x):
    build(Status.CLOSED, lead_unit=unit_x)
    url = reverse("suggestions:units")
    assert "市住建局" in client.get(url).content.decode()
    unit_x.name = "市住房和城乡建设局"
    unit_x.save()
    assert "市住房和城乡建设局" in client.get(url).content.decode()


def test_logged_in_users_never_get_a_cached_page(client, build, unit_x, staff):
    build(Status.CLOSED, lead_unit=unit_x)
    url = reverse("suggestions:home")
    assert reverse("logout") not in client.get(url).content.decode()
    client.force_login(staff)
    assert reverse("logout") in client.get(url).content.decode()


def test_a_visitors_message_is_never_cached_for_others(client, build):
    from django.test import Client

    build(Status.REGISTERED)
    url = reverse("suggestions:home")
    client.cookies["messages"] = "anything"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        Client().get(url)
    assert queries.captured_queries  # rendered afresh, not taken from the cache


def test_a_suggestion_edited_in_the_admin_moves_to_its_new_category(build, session, unit_x, staff):
    from suggestions import services
    from suggestions.models import Category

    suggestion = build(Status.CLOSED, lead_unit=unit_x)
    # The admin's change form saves through the service (suggestions/admin.py).
    services.update_suggestion(
        suggestion=suggestion,
        changes={"category": Category.objects.create(name="教育")},
        by=staff,
        reason="归口有误",
    )
    assert_in_step(session, "category changed by hand")


def test_a_suggestion_moved_to_another_session_takes_its_handling_along(
    build, session, next_session, unit_x, staff
):
    """Assignments and replies carry their suggestion's session (so a unit's figures of a
    session are counted from its own rows): a move rewrites them, and both sessions' figures
    follow."""
    from suggestions.models import Assignment, Reply

    later = next_session
    suggestion = build(Status.CLOSED, lead_unit=unit_x, reply_class="B")
    services.update_suggestion(
        suggestion=suggestion, changes={"session": later}, by=staff, reason="登记错了会次"
    )
    assert set(Assignment.objects.values_list("session", flat=True)) == {later.pk}
    assert set(Reply.objects.values_list("session", flat=True)) == {later.pk}
    assert not Tally.objects.filter(session=session, group="unit").exists()
    assert Tally.objects.get(session=later, group="unit", key=unit_x.pk).lead == 1
    assert_in_step(later, "moved to the next session")


def test_each_language_has_its_own_cached_page(client, build):
    from django.conf import settings
    from django.test import Client

    build(Status.REGISTERED)
    url = reverse("suggestions:home")
    chinese = client.get(url).content.decode()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in english.get(url).content.decode()
    assert '<html lang="en">' in english.get(url).content.decode()  # from the cache
    assert '<html lang="zh-hans">' in chinese
    assert client.get(url).content.decode() == chinese
