"""Playwright driving Debian's chromium (never a downloaded browser)."""

import os
import shutil

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("XIETONG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the test itself only touches
# the database between browser calls, never concurrently with them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        skip_or_fail("browser", f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("browser", "needs the playwright package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    """A page 390 CSS pixels wide (a common phone), with touch."""
    context = browser.new_context(
        locale="zh-CN",
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name):
    """Saved under XIETONG_SCREENSHOTS when it is set (to look at the pages)."""
    folder = os.environ.get("XIETONG_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def sign_in(page, username, password=None):
    """Sign in through the login page (in Chinese) and wait for the signed-in page; whoever
    was signed in on this page before is signed out first."""
    from demo.directory import DEMO_PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password or DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector(".xt-page")


def fits(page):
    """Nothing sticks out sideways: the page does not scroll horizontally."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"
