"""In real Chromium, the accountability loop through three logins: the unit replies B with a
promised date → staff see the promise in their queue → the unit follows up → the deputy rates
what was done (落实满意度)."""

import pytest
from django.urls import reverse

from suggestions.models import Suggestion
from tests.browser.test_browser_workbench import form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_promise_from_reply_to_the_deputys_rating_of_what_was_done(
    live_server, page, build, staff, deputy_a, unit_x
):
    base = live_server.url
    suggestion = build(Suggestion.Status.ASSIGNED, lead_unit=unit_x)
    url = base + reverse("workbench:suggestion", args=[suggestion.pk])

    # The unit replies B and promises a date four days away.
    log_in(page, base, "unit_x")
    page.goto(url)
    reply = form(page, "reply")
    reply.get_by_label("类别").select_option("B")
    reply.get_by_label("答复正文").fill("已列入今年城建计划，正在分批改造。")
    reply.get_by_label("承诺（B、C类）：将做什么").fill("完成小区管网改造")
    reply.get_by_label("承诺完成日期").fill("2026-11-30")
    reply.get_by_label("签发人（单位负责人）").fill("王局长")
    reply.locator("button[type=submit]").click()
    assert page.get_by_text("答复已记录，并已通知代表。").is_visible()
    assert page.locator(".promise").first.get_by_text("尚未到期").is_visible()

    # Staff see it among the promises due within the week.
    log_in(page, base, "staff")
    queue = page.locator("#queue-promises_due")
    assert queue.get_by_text(suggestion.title).is_visible()
    assert queue.get_by_text("2026-11-30").is_visible()

    # The unit keeps the promise with its follow-up reply.
    log_in(page, base, "unit_x")
    page.goto(url)
    page.get_by_text("填写跟踪办理答复…").click()  # the follow-up form waits behind a button
    follow = form(page, "follow_up")
    follow.get_by_label("现在的类别").select_option("A")
    follow.locator("textarea[name=text]").fill("管网改造已全部完成。")
    follow.locator("input[name=signed_by]").fill("王局长")
    follow.locator("button[type=submit]").click()
    assert page.locator(".promise").first.get_by_text("已兑现：按期跟踪答复").is_visible()

    # The deputy rates what was done, apart from the reply.
    log_in(page, base, "deputy_a")
    page.goto(url)
    rating = form(page, "rate_implementation")
    rating.get_by_label("满意", exact=True).check()
    rating.locator("button[type=submit]").click()
    assert page.get_by_text("谢谢，您对落实情况的测评已记录。").is_visible()
    suggestion.refresh_from_db()
    assert suggestion.implementation_satisfaction == "satisfied"
    assert suggestion.reply_class == "A"
