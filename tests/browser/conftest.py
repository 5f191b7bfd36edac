"""Browser tests of the staff console: Debian's Chromium (installed by the stack), driven by Playwright,
through the gateway only, with every address off this machine cut off — what a staff member on a shop's
private network would see.

Screenshots go to .stack/screenshots/; `make screenshots` writes them to deploy/screenshots/, where the
README's staff walkthrough shows them.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from shared.testing.gateway import PASSWORD
from tests.conftest import REPO_DIR

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}  # the width staff work at (issue 15)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        # No sandbox: CI runs as root, where Chromium refuses its sandbox.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    folder = Path(os.environ.get("STAFF_SCREENSHOTS_DIR", REPO_DIR / ".stack" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Browser:
    """One person's browser: its own cookies, requests to other hosts refused and remembered."""

    def __init__(self, browser, gateway_url, screenshot_dir):
        self.context = browser.new_context(viewport=VIEWPORT, base_url=gateway_url)
        self.outside_requests = []
        local = {urlsplit(gateway_url).hostname, "127.0.0.1", "localhost"}
        self.context.route("**/*", lambda route: self._guard(route, local))
        self.page = self.context.new_page()
        self.screenshot_dir = screenshot_dir

    def _guard(self, route, local):
        if urlsplit(route.request.url).hostname in local:
            route.continue_()
        else:
            self.outside_requests.append(route.request.url)
            route.abort("internetdisconnected")

    def log_in(self, email, password=PASSWORD, start="/product/admin/"):
        """Open an admin, land on the one staff login, log in; the page is wherever that leads."""
        self.page.goto(start)
        assert urlsplit(self.page.url).path == "/user/admin/login/", self.page.url
        self.page.fill("#id_username", email)
        self.page.fill("#id_password", password)
        self.page.click("input[type=submit]")

    def shot(self, name, *, full_page=False):
        self.page.screenshot(path=str(self.screenshot_dir / f"{name}.png"), full_page=full_page)

    def cookie(self, name):
        return next((c for c in self.context.cookies() if c["name"] == name), None)


@pytest.fixture
def open_browser(browser, gateway_url, screenshot_dir):
    opened = []

    def make():
        person = Browser(browser, gateway_url, screenshot_dir)
        opened.append(person)
        return person

    yield make
    for person in opened:
        assert person.outside_requests == [], "pages asked for outside resources"
        person.context.close()
