"""In real Chromium: a visitor reads the statistics, filters, opens a suggestion and a station,
and switches the language."""

import pytest
from django.urls import reverse

from deputies.models import LiaisonStation
from suggestions import services
from suggestions.models import Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Suggestion.Status


@pytest.fixture
def public_data(build, staff, unit_x, unit_y, delegation, deputy_a):
    closed = build(Status.CLOSED, lead_unit=unit_x, title="关于加快老旧供热管网改造的建议")
    services.publish_reply(reply=closed.replies.get(), by=staff)
    build(Status.ASSIGNED, lead_unit=unit_y, title="关于改善农村公路通行条件的建议")
    station = LiaisonStation.objects.create(
        name="滨河街道人大代表联络站",
        division=delegation.division,
        township="滨河街道",
        address="离石区滨河街道便民服务中心",
        reception_days="每月10日",
    )
    station.deputies.add(deputy_a)
    return closed, station


def test_visitor_reads_figures_filters_opens_a_suggestion_and_a_station(
    live_server, page, public_data
):
    closed, station = public_data
    page.goto(live_server.url + reverse("suggestions:home"))
    assert page.locator('[data-figure="received"]').inner_text() == "2"
    assert page.locator('[data-figure="closure_rate"]').inner_text() == "50.0%"

    page.get_by_role("link", name="建议", exact=True).click()
    page.get_by_text("搜索和筛选").click()
    page.get_by_label("关键词").fill("供热")
    page.get_by_role("button", name="筛选").click()
    assert "q=" in page.url  # the filter stays in the URL, so the result can be shared
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    page.get_by_role("link", name="关于加快老旧供热管网改造的建议").click()
    assert page.get_by_role("heading", level=1).inner_text() == closed.title
    assert page.get_by_text("已解决。").is_visible()
    assert page.locator(".timeline li").count() >= 5

    page.get_by_role("link", name="代表联络站").first.click()
    page.get_by_text("搜索和筛选").click()
    page.get_by_label("联络站名称").fill("滨河")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=station.name).click()
    assert page.get_by_text("每月10日").is_visible()


def test_visitor_switches_to_english_and_back(live_server, page, public_data):
    page.goto(live_server.url + reverse("suggestions:home"))
    page.get_by_role("button", name="English").click()
    assert page.get_by_text("Completion rate").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="简体中文").click()
    assert page.get_by_text("办结率").first.is_visible()


def test_filter_forms_fold_away_and_empty_options_read_all(live_server, browser, public_data):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    for url in [reverse("suggestions:list"), reverse("deputies:stations")]:
        page.goto(live_server.url + url)
        assert not page.locator("form.filters").is_visible()  # results first on a phone
        page.get_by_text("搜索和筛选").click()
        assert page.locator("form.filters").is_visible()
        empty = page.locator("form.filters select option[value='']").all_inner_texts()
        assert empty and set(empty) == {"全部"}, empty
    context.close()


def test_phone_width_page_has_no_horizontal_scroll(live_server, browser, public_data):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    for url in [
        reverse("suggestions:home"),
        reverse("suggestions:list"),
        reverse("deputies:stations"),
    ]:
        page.goto(live_server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (url, width)
    context.close()
