"""On a phone, a deputy chooses co-signers in the picker and taps 提交 once: it is submitted.
The picker used to shrink by a line when it lost focus (the buttons jumped 26 px from under the
finger) and, while its list was open, to cover the buttons."""

import pytest
from django.urls import reverse

from suggestions.models import Suggestion
from tests.browser.test_browser_workbench import log_in
from tests.conftest import make_deputy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize("button", ["提交", "保存草稿"])
def test_one_tap_submits_after_choosing_co_signers_on_a_phone(
    live_server, phone, deputy_a, deputy_b, delegation, category, session, button
):
    make_deputy(delegation, "丙代表")
    page = phone
    log_in(page, live_server.url, "deputy_a")
    page.goto(live_server.url + reverse("workbench:draft_new"))
    page.get_by_label("案由").fill("关于增设社区养老服务站的建议")
    page.get_by_label("建议内容").fill("老年人多，服务站少。建议增设。")
    page.get_by_label("类别").select_option(str(category.pk))
    picker = page.get_by_role("combobox", name="附议代表")
    picker.tap()
    picker.fill("ydb")
    page.locator(".ts-dropdown .option", has_text="乙代表").tap()
    picker.fill("bdb")
    page.locator(".ts-dropdown .option", has_text="丙代表").tap()
    page.get_by_role("button", name=button, exact=True).tap()
    done = "已提交代表工委。" if button == "提交" else "已保存为草稿。"
    page.get_by_text(done).wait_for()
    suggestion = Suggestion.objects.get()
    assert suggestion.status == ("submitted" if button == "提交" else "draft")
    assert {s.deputy.name for s in suggestion.signatures.all()} == {"乙代表", "丙代表"}


def test_a_unit_picker_finds_a_unit_by_its_short_name(live_server, page, build, staff):
    from congress.models import HandlingUnit

    HandlingUnit.objects.create(name="吕梁市住房和城乡建设局", short_name="市住建")
    suggestion = build("registered")
    log_in(page, live_server.url, "staff")
    page.goto(live_server.url + reverse("workbench:suggestion", args=[suggestion.pk]))
    page.locator("#id_assign_lead_unit-ts-control").fill("住建")
    page.locator(".ts-dropdown .option", has_text="吕梁市住房和城乡建设局").wait_for()
