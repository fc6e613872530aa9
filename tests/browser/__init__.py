"""Shared set-up for browser tests: Debian's Chromium driven by Playwright, never a download."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing but REQUIRE_BROWSER is set (CI must run browser tests)")
    pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    chromium_or_skip()
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
        # While Playwright's loop runs, Django keeps its connections in that loop's context;
        # close them, or PostgreSQL cannot drop the test database at the end.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
