"""A row's status and due date, as every list and queue shows them (`status_tags`, `due_tags`)."""

import datetime

from django.utils import translation

from suggestions.models import Suggestion
from suggestions.templatetags.handling import due_tags, status_tags

Status = Suggestion.Status
TODAY = datetime.date(2026, 11, 26)  # the tests' clock (tests/conftest.py)


def awaiting(due_on):
    return Suggestion(status=Status.ASSIGNED, due_on=due_on)


def test_the_status_comes_first_then_the_reply_class_satisfaction_and_key_mark():
    s = Suggestion(status=Status.CLOSED, reply_class="A", satisfaction="satisfied", is_key=True)
    html = status_tags(s)
    assert html.startswith('<span class="status status-closed">')
    assert '<span class="tag class-A" title=' in html
    assert '<span class="tag sat-satisfied">' in html
    assert html.endswith('<span class="tag key">key</span>')


def test_a_plain_registered_suggestion_shows_its_status_alone():
    assert status_tags(Suggestion(status=Status.REGISTERED)) == (
        '<span class="status status-registered">registered</span>'
    )


def test_a_reply_due_shows_its_date_and_the_days_left_or_overdue():
    assert due_tags(awaiting(TODAY - datetime.timedelta(days=1))) == (
        '2026-11-25 <span class="tag overdue">1 day overdue</span>'
    )
    assert due_tags(awaiting(TODAY + datetime.timedelta(days=2))) == (
        '2026-11-28 <span class="tag soon">2 days left</span>'
    )
    assert due_tags(awaiting(TODAY + datetime.timedelta(days=40))) == (
        "2027-01-05 <small>40 days left</small>"
    )


def test_a_reply_due_today_says_so_not_zero_days_left():
    assert due_tags(awaiting(TODAY)) == '2026-11-26 <span class="tag soon">due today</span>'
    with translation.override("zh-hans"):
        assert "今天到期" in due_tags(awaiting(TODAY))


def test_no_reply_awaited_shows_a_dash():
    assert due_tags(Suggestion(status=Status.CLOSED, due_on=TODAY)) == "—"


def test_a_rows_workbench_link_is_the_one_url_reverses():
    from django.urls import reverse

    from suggestions.templatetags.handling import workbench_url

    for pk in (1, 12, 987654321, 3001):
        assert workbench_url(pk) == reverse("workbench:suggestion", args=[pk])


def test_a_queue_badge_counts_up_to_a_thousand_then_says_so():
    from suggestions.templatetags.handling import queue_count

    assert queue_count(0) == 0
    assert queue_count(1000) == 1000
    assert queue_count(1001) == "1,000+"
