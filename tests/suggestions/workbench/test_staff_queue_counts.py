"""Staff's queue badges: exact up to a thousand, then "1,000+" (counted no further)."""

import pytest
from django.urls import reverse

from suggestions import services
from suggestions.figures import loop
from suggestions.models import Reply, Suggestion

S = Suggestion.Status
pytestmark = pytest.mark.django_db


def queues_seen(client, staff):
    client.force_login(staff)
    response = client.get(reverse("workbench:dashboard"))
    return response.context["queues"], response.content.decode()


def test_a_full_queue_is_counted_up_to_the_cap_and_the_badge_says_more(
    client, build, staff, unit_x, monkeypatch
):
    monkeypatch.setattr(loop, "COUNT_CAP", 2)
    monkeypatch.setattr("suggestions.workbench.staff.QUEUE_SIZE", 1)
    for _ in range(2):
        build(S.REGISTERED)
    queues, _page = queues_seen(client, staff)
    assert dict((key, total) for key, _t, _rows, total in queues["suggestions"])["assign"] == 2
    for _ in range(3):
        build(S.REGISTERED)
    queues, page = queues_seen(client, staff)
    totals = dict((key, total) for key, _t, _rows, total in queues["suggestions"])
    assert totals["assign"] == 3  # one past the cap: "more than 2"
    assert '<span class="count-badge">2+</span>' in page


def test_replies_to_publish_are_counted_as_the_queue_lists_them(
    client, build, staff, unit_x, monkeypatch
):
    """The badge adds up the open sessions' unpublished replies, less those revised."""
    replied = [build(S.REPLIED, lead_unit=unit_x) for _ in range(3)]
    services.revise_reply(
        reply=replied[0].replies.get(),
        reply_class="A",
        text="更正后的答复。",
        signed_by="张三",
        by=staff,
    )
    queues, _page = queues_seen(client, staff)
    listed = Reply.objects.filter(is_published=False, superseded_by__isnull=True).count()
    assert queues["to_publish"][1] == listed == len(queues["to_publish"][0]) == len(replied)
    monkeypatch.setattr(loop, "COUNT_CAP", 1)
    queues, _page = queues_seen(client, staff)
    assert queues["to_publish"][1] == 2  # one past the cap, the revision still subtracted


def test_a_reopened_suggestion_of_a_concluded_session_counts_its_reply_to_publish_again(
    client, build, staff, unit_x, session
):
    replied = build(S.REPLIED, lead_unit=unit_x)
    services.conclude_session(session=session, by=staff)
    queues, _page = queues_seen(client, staff)
    assert queues["to_publish"] == ([], 0)  # closed in a concluded session: history, not work
    services.reopen(suggestion=replied, reason="代表再次提出", by=staff)
    queues, _page = queues_seen(client, staff)
    rows, total = queues["to_publish"]
    assert ([r.suggestion_id for r in rows], total) == ([replied.pk], 1)
