"""Screenshots of the main pages at phone and desktop widths, for a human to look at.

Usage: python bench/screenshots.py [BASE_URL] [OUT_DIR] [name=/path ...]
(default http://127.0.0.1:8000). With LOGIN=staff (or deputy, unit, keeper) in the environment
it logs in with the demo password first, shows that login's own pages and prefixes the files
with the login. LOGIN=all takes every login in turn, the visitor first.
Needs a running server (make run) and Debian's Chromium.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
PAGES = {
    "home": "/",
    "list": "/suggestions/",
    "detail": "/suggestions/1/",
    "units": "/units/",
    "unit": "/units/12/",
    "categories": "/categories/",
    "stations": "/stations/",
    "station": "/stations/1/",
    "delegations": "/delegations/",
    "figures": "/stations/figures/",
}
# Each login's own pages (the public ones above are the visitor's).
LOGIN_PAGES = {
    "staff": {
        "workbench": "/workbench/",
        "suggestion": "/workbench/suggestions/1/",
        "replied": "/workbench/suggestions/180/",
        "submitted": "/workbench/suggestions/151/",
        "registered": "/workbench/suggestions/160/",
        "paper": "/workbench/suggestions/enter/",
        "activity": "/workbench/activities/new/",
    },
    "deputy": {
        "workbench": "/workbench/",
        "draft": "/workbench/suggestions/new/",
    },
    "deputy2": {"workbench": "/workbench/"},
    "unit": {
        "workbench": "/workbench/",
        "all": "/workbench/?show=all",
        "cohandled": "/workbench/suggestions/164/",
    },
    "keeper": {"workbench": "/workbench/", "stations": "/workbench/stations/"},
}
EXTRA = sys.argv[3:]  # more name=path pairs
LOGINS = os.environ.get("LOGIN", "")
LOGINS = ["", *LOGIN_PAGES] if LOGINS == "all" else [LOGINS]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

OUT.mkdir(exist_ok=True)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
    for login in LOGINS:
        pages = LOGIN_PAGES.get(login, PAGES)
        if EXTRA:
            pages = dict(pair.split("=", 1) for pair in EXTRA)
        for width, label in [(390, "phone"), (1366, "desktop")]:
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            if login:
                page.goto(BASE + "/accounts/login/")
                page.fill("#id_username", login)
                page.fill("#id_password", "demo12345")
                page.click("main form button[type=submit]")
            for name, path in pages.items():
                name = f"{login}-{name}" if login else name
                response = page.goto(BASE + path)
                overflow = page.evaluate("document.documentElement.scrollWidth") - width
                page.screenshot(path=OUT / f"{name}-{label}.png", full_page=True)
                status = response.status if response else "?"
                print(
                    f"{name}-{label}.png"
                    + (f"  (HTTP {status})" if status != 200 else "")
                    + (f"  (overflows by {overflow}px)" if overflow > 0 else "")
                )
            context.close()
    browser.close()
