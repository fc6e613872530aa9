"""Redaction starts from the reply's own text; what it leaves out stays on record for staff."""

from django.urls import reverse

from suggestions import services
from suggestions.models import Suggestion

Status = Suggestion.Status
TEXT = "已改造供热管网。联系人王科长，电话13800000000。明年完成全部改造。"


def replied(build, unit):
    suggestion = build(Status.ASSIGNED, lead_unit=unit)
    services.reply(
        assignment=suggestion.assignments.get(),
        reply_class="A",
        text=TEXT,
        signed_by="局长",
        by=suggestion.lead_deputy.user,
    )
    return suggestion.replies.get()


def test_staff_page_offers_the_reply_text_to_redact_beside_the_original(
    client, build, staff, unit_x
):
    reply = replied(build, unit_x)
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[reply.suggestion_id])).content.decode()
    textarea = page[page.index(f'id="public-{reply.pk}"') :]
    assert textarea[: textarea.index("</textarea>")].endswith(TEXT)


def test_removed_passages_are_kept_for_staff_and_never_shown_publicly(client, build, staff, unit_x):
    reply = replied(build, unit_x)
    public = "已改造供热管网。明年完成全部改造。"
    services.publish_reply(reply=reply, public_text=public, by=staff)
    reply.refresh_from_db()
    assert reply.public_text == public
    assert reply.removed_passages == "联系人王科长，电话13800000000。"
    detail = client.get(reverse("suggestions:detail", args=[reply.suggestion_id])).content.decode()
    assert public in detail and "13800000000" not in detail
    client.force_login(staff)
    page = client.get(reverse("workbench:suggestion", args=[reply.suggestion_id])).content.decode()
    assert "<del>联系人王科长，电话13800000000。</del>" in page


def test_publishing_the_text_unchanged_publishes_the_reply_as_written(build, staff, unit_x):
    reply = replied(build, unit_x)
    services.publish_reply(reply=reply, public_text=TEXT + "\n", by=staff)
    reply.refresh_from_db()
    assert (reply.is_published, reply.public_text, reply.removed_passages) == (True, "", "")
