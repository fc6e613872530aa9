"""In real Chromium, the full life of one suggestion through three logins:
deputy submits → staff registers and assigns → unit contacts and replies → staff publishes →
deputy rates → the public page shows the reply and the rating."""

import pytest
from django.urls import reverse

from suggestions.models import Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-12345!"


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")


def form(page, action):
    return page.locator(f"main form[action$='/{action}/']")


def test_one_suggestion_from_submission_to_public_rating(
    live_server, page, staff, deputy_a, unit_x, category, session
):
    base = live_server.url
    # The deputy drafts and submits between sessions.
    log_in(page, base, "deputy_a")
    page.get_by_role("link", name="提出建议（闭会期间）").click()
    page.get_by_label("案由").fill("关于增设社区老年食堂的建议")
    page.get_by_label("建议内容").fill("社区老人就餐难。建议增设老年食堂。")
    page.get_by_label("类别").select_option(str(category.pk))
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_text("已提交代表工委。").is_visible()
    suggestion = Suggestion.objects.get()
    url = base + reverse("workbench:suggestion", args=[suggestion.pk])

    # Staff register and assign it.
    log_in(page, base, "staff")
    page.goto(url)
    form(page, "register").locator("button[type=submit]").click()
    assert page.get_by_text("已立案。").is_visible()
    # The unit picker finds 市住建局 by its pinyin initials.
    form(page, "assign").locator("input[role=combobox][aria-label=主办单位]").press_sequentially(
        "szjj"
    )
    page.locator(".ts-dropdown [role=option]", has_text=unit_x.name).click()
    form(page, "assign").locator("button[type=submit]").click()
    assert page.get_by_text("已交办，并已通知承办单位。").is_visible()

    # The unit contacts the deputy face to face, then replies.
    log_in(page, base, "unit_x")
    assert page.get_by_role("link", name="关于增设社区老年食堂的建议").is_visible()
    page.goto(url)
    form(page, "contact").get_by_label("方式").select_option("face")
    form(page, "contact").locator("button[type=submit]").click()
    assert page.get_by_text("与代表的联系已记录。").is_visible()
    reply = form(page, "reply")
    reply.get_by_label("类别").select_option("A")
    reply.get_by_label("答复正文").fill("已在社区服务中心开设老年食堂，问题已解决。")
    reply.get_by_label("签发人（单位负责人）").fill("王局长")
    reply.locator("button[type=submit]").click()
    assert page.get_by_text("答复已记录，并已通知代表。").is_visible()

    # Staff publish the reply.
    log_in(page, base, "staff")
    page.goto(url)
    page.get_by_text("公开…").click()
    page.locator("main form[action*='/replies/'] button").click()
    assert page.get_by_text("答复已公开。").is_visible()

    # The deputy sees the badge and rates the reply.
    log_in(page, base, "deputy_a")
    assert page.get_by_text("待您测评").is_visible()
    page.goto(url)
    rating = form(page, "evaluate")
    rating.get_by_label("满意", exact=True).check()
    rating.get_by_label("是").check()
    rating.locator("button[type=submit]").click()
    assert page.get_by_text("谢谢，您的测评已记录。").is_visible()

    # The public sees the reply and the rating.
    page.context.clear_cookies()
    page.goto(base + reverse("suggestions:detail", args=[suggestion.pk]))
    assert page.get_by_text("已在社区服务中心开设老年食堂，问题已解决。").is_visible()
    assert page.locator(".ratings").get_by_text("满意").is_visible()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.satisfaction, suggestion.met_face_to_face) == (
        "evaluated",
        "satisfied",
        True,
    )
