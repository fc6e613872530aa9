"""In real Chromium, under the Content-Security-Policy: the bundled Swagger UI still runs, the
session picker still submits on change, and the browser reports no violation."""

import pytest
from django.urls import reverse

from suggestions.models import Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page):
    found = []
    page.on("console", lambda m: "Content Security Policy" in m.text and found.append(m.text))
    return found


def test_swagger_ui_runs_a_request_under_the_csp(live_server, page):
    found = violations(page)
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    assert found == []


def test_session_picker_submits_on_change_and_bars_are_drawn(live_server, page, build, unit_x):
    build(Suggestion.Status.REPLIED, lead_unit=unit_x)
    found = violations(page)
    page.goto(live_server.url + reverse("suggestions:home"))
    with page.expect_navigation():
        page.locator("#session-select").select_option("all")
    assert page.url.endswith("?session=all")
    width = page.locator('[data-figure="reply_rate"] ~ dd.bar span').evaluate(
        "e => e.getBoundingClientRect().width / e.parentElement.getBoundingClientRect().width"
    )
    assert width == pytest.approx(1.0, abs=0.01)  # replied ÷ registered = 100%
    assert found == []
