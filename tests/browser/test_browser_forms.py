"""In real Chromium: risky forms after a reply wait behind buttons with no class chosen, and a
lead unit is asked to confirm before replying while a co-handler's views are missing."""

import pytest
from django.urls import reverse

from suggestions.models import Suggestion
from tests.browser.test_browser_phone import axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Suggestion.Status


def test_lead_unit_confirms_before_replying_without_the_co_handlers_views(
    live_server, page, build, unit_x, unit_y
):
    suggestion = build(Status.ASSIGNED, lead_unit=unit_x, co_units=[unit_y])
    log_in(page, live_server.url, "unit_x")
    page.goto(live_server.url + reverse("workbench:suggestion", args=[suggestion.pk]))
    assert page.get_by_text(f"协办单位的意见尚未收到：{unit_y.name}").is_visible()
    reply = page.locator("main form[action$='/reply/']")
    assert reply.get_by_label("类别").input_value() == ""  # no class is chosen for the unit
    reply.get_by_label("类别").select_option("B")
    reply.get_by_label("答复正文").fill("列入明年计划。")
    reply.get_by_label("承诺（B、C类）：将做什么").fill("列入明年城建计划")
    reply.get_by_label("承诺完成日期").fill("2027-06-30")
    reply.get_by_label("签发人（单位负责人）").fill("王局长")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    reply.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert asked and unit_y.name in asked[0]
    suggestion.refresh_from_db()
    assert suggestion.status == Status.ASSIGNED  # dismissed: nothing sent

    page.once("dialog", lambda dialog: dialog.accept())
    reply.locator("button[type=submit]").click()
    assert page.get_by_text("答复已记录，并已通知代表。").is_visible()
    suggestion.refresh_from_db()
    assert suggestion.status == Status.REPLIED

    # After the reply, the follow-up and revise forms wait behind buttons.
    follow_up = page.locator("main form[action$='/follow_up/']")
    revise = page.locator("main form[action$='/revise/']")
    assert not follow_up.is_visible() and not revise.is_visible()
    page.get_by_text("修改答复…").click()
    assert revise.is_visible()
    assert revise.get_by_label("现在的类别").input_value() == ""
    assert axe_violations(page) == []
