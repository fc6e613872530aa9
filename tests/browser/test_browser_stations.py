"""In real Chromium: a keeper records a reception with a problem, a deputy turns it into a
suggestion, the unit replies, and the problem shows the outcome."""

import pytest
from django.urls import reverse

from deputies.models import Problem
from suggestions import services
from tests.browser.test_browser_workbench import form, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_problem_from_reception_to_suggestion_reply(
    live_server, page, station, deputy_a, staff, unit_x, category, session
):
    base = live_server.url
    log_in(page, base, "keeper")
    page.get_by_role("link", name="我的联络站：记录接待活动").click()
    page.get_by_role("link", name="记录接待活动").click()
    # The picker finds the deputy by the pinyin initials of 甲代表, from the keyboard alone.
    page.get_by_role("combobox", name="到站代表").fill("jdb")
    page.locator(".ts-dropdown .option.active", has_text=deputy_a.name).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_label("接待群众").fill("6")
    page.locator("#id_problems-0-summary").fill("小区供暖温度长期不达标")
    page.locator("#id_problems-0-person_name").fill("群众丁")
    page.locator("#id_problems-0-person_phone").fill("10055550009")
    page.get_by_role("button", name="保存").click()
    assert page.get_by_text("接待活动已记录。").is_visible()
    problem = Problem.objects.get()

    log_in(page, base, "deputy_a")
    page.goto(base + reverse("stations_work:problem", args=[problem.pk]))
    assert not page.get_by_text("10055550009").is_visible()  # private from deputies
    take_up = form(page, "take_up")
    take_up.get_by_label("建议案由").fill("关于解决小区供暖不达标问题的建议")
    take_up.get_by_label("类别").select_option(str(category.pk))
    take_up.locator("button[type=submit]").click()
    page.get_by_role("button", name="提交", exact=True).click()
    assert page.get_by_text("已提交代表工委。").is_visible()
    suggestion = Problem.objects.get().suggestion

    # Staff register and assign (their pages are walked in test_browser_workbench).
    services.register(suggestion=suggestion, by=staff)
    services.assign(suggestion=suggestion, lead_unit=unit_x, by=staff)

    log_in(page, base, "unit_x")
    page.goto(base + reverse("workbench:suggestion", args=[suggestion.pk]))
    assert page.get_by_text("来源于群众反映的问题").is_visible()
    reply = form(page, "reply")
    reply.get_by_label("类别").select_option("A")  # no class is chosen for the unit
    reply.get_by_label("答复正文").fill("已对该小区供热管网进行改造。")
    reply.get_by_label("签发人（单位负责人）").fill("王局长")
    reply.locator("button[type=submit]").click()
    assert page.get_by_text("答复已记录，并已通知代表。").is_visible()

    log_in(page, base, "keeper")
    page.goto(base + reverse("stations_work:problem", args=[problem.pk]))
    assert page.locator(".outcome").inner_text().startswith("已形成建议第1号")
    assert "已答复" in page.locator(".outcome").inner_text()
    close = form(page, "close")
    close.get_by_label("答复或解决情况").fill("供热管网已改造，已电话告知群众。")
    close.locator("button[type=submit]").click()
    assert page.get_by_text("问题已办结。").is_visible()
    assert Problem.objects.get().status == "closed"
