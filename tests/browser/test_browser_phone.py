"""In real Chromium at a phone's width (390 px): every table keeps each value's label, every sort
header can be tapped, nothing overflows the page; and axe-core (vendored in tests/vendor/) finds
no serious or critical accessibility violation on each main page."""

from pathlib import Path

import pytest
from django.urls import reverse

from deputies.models import LiaisonStation
from suggestions import services
from suggestions.models import Suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Status = Suggestion.Status
AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe.min.js"
PASSWORD = "pw-12345!"

TABLE_CHECK = (Path(__file__).resolve().parents[1] / "phone_tables.js").read_text()


def axe_violations(page):
    # Evaluated through the browser's own channel: the pages' CSP allows no injected <script>.
    page.evaluate(AXE.read_text() + "\n;true")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    return result


@pytest.fixture
def everything(build, staff, unit_x, unit_y, delegation, deputy_a, deputy_b):
    closed = build(Status.CLOSED, lead_unit=unit_x, title="关于加快老旧供热管网改造的建议")
    services.publish_reply(reply=closed.replies.get(), by=staff)
    build(Status.ASSIGNED, lead_unit=unit_y, title="关于改善农村公路通行条件的建议")
    build(Status.REPLIED, lead_unit=unit_x, title="关于增设社区老年食堂的建议")
    build(Status.REGISTERED, title="关于规范城区停车秩序的建议")
    station = LiaisonStation.objects.create(
        name="滨河街道人大代表联络站",
        division=delegation.division,
        township="滨河街道",
        address="离石区滨河街道便民服务中心",
        reception_days="每月10日",
    )
    station.deputies.add(deputy_a)
    return closed, station


def public_pages(closed, station, unit):
    return [
        reverse("suggestions:home"),
        reverse("suggestions:list"),
        reverse("suggestions:detail", args=[closed.pk]),
        reverse("suggestions:units"),
        reverse("suggestions:unit", args=[unit.pk]),
        reverse("suggestions:categories"),
        reverse("suggestions:delegations"),
        reverse("deputies:stations"),
        reverse("deputies:station", args=[station.pk]),
        reverse("deputies:figures"),
    ]


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/workbench/")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def check(page, url):
    page.goto(url)
    problems = page.evaluate(TABLE_CHECK)
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 390:
        problems.append(f"page is {width}px wide")
    return problems


def test_every_public_table_is_readable_and_tappable_at_phone_width(
    live_server, phone, everything, unit_x
):
    closed, station = everything
    problems = {}
    for url in public_pages(closed, station, unit_x):
        found = check(phone, live_server.url + url)
        if found:
            problems[url] = found
    assert problems == {}


def test_every_workbench_table_is_readable_at_phone_width(
    live_server, phone, everything, staff, deputy_a, unit_x
):
    problems = {}
    for username in ["staff", "deputy_a", "unit_x"]:
        log_in(phone, live_server.url, username)
        for url in [reverse("workbench:dashboard"), reverse("stations_work:problems")]:
            found = check(phone, live_server.url + url)
            if found:
                problems[f"{username} {url}"] = found
    assert problems == {}


def test_sorting_the_units_table_by_tapping_a_header_on_a_phone(
    live_server, phone, everything, unit_x
):
    phone.goto(live_server.url + reverse("suggestions:units"))
    phone.get_by_role("link", name="答复用时中位数（天）").click()
    assert "sort=median_days" in phone.url
    assert phone.locator("thead th[aria-sort]").count() == 1


def test_public_pages_have_no_serious_accessibility_violations(
    live_server, page, everything, unit_x
):
    closed, station = everything
    found = {}
    for url in public_pages(closed, station, unit_x):
        page.goto(live_server.url + url)
        violations = axe_violations(page)
        if violations:
            found[url] = violations
    assert found == {}


def test_workbench_pages_have_no_serious_accessibility_violations(
    live_server, page, everything, staff, deputy_a, unit_x
):
    closed, station = everything
    station.keepers.add(staff)
    registered = Suggestion.objects.get(status=Status.REGISTERED)
    own = {
        "staff": [
            reverse("workbench:suggestion", args=[registered.pk]),
            reverse("workbench:paper_new"),
            reverse("stations_work:activity_new"),
            reverse("stations_work:reception_new", args=[station.pk]),
            reverse("stations_work:problems"),
        ],
        "deputy_a": [reverse("workbench:draft_new")],
        "unit_x": [reverse("workbench:dashboard") + "?show=all"],
    }
    found = {}
    for username in ["staff", "deputy_a", "unit_x"]:
        log_in(page, live_server.url, username)
        for url in [
            reverse("workbench:dashboard"),
            reverse("workbench:suggestion", args=[closed.pk]),
            *own[username],
        ]:
            page.goto(live_server.url + url)
            violations = axe_violations(page)
            if violations:
                found[f"{username} {url}"] = violations
    assert found == {}


def test_staff_queues_start_folded_on_a_phone_with_their_counts(live_server, phone, everything):
    log_in(phone, live_server.url, "staff")
    queues = phone.locator("details.queue[data-fold-on-phone]")
    assert queues.count() >= 6
    assert phone.locator("details.queue[data-fold-on-phone][open]").count() == 0
    assert phone.locator("#queue-assign .count-badge").inner_text() == "1"
    phone.locator("#queue-assign summary").click()
    assert phone.locator("#queue-assign table").is_visible()
