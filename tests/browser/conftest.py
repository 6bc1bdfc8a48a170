"""Playwright fixtures: one headless Debian Chromium per session, a fresh context per test.

Screenshots land in ``var/screenshots/<test-name>-<step>.png`` (full page) so a person can
look at what the tests saw.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that is fine (the test thread is synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from tests.browser.helpers import SCREENSHOTS

CHROMIUM = os.environ.get("VANGNET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent

expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (runs as its own step)."""
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser-deps)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (separate cookie jars) against the live server; all are
    closed after the test."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                message.type == "error" and problems.append(f"{page.url}: {message.text}")
            ),
        )

    def make(**kwargs) -> BrowserContext:
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        kwargs.setdefault("locale", "nl-NL")
        context = browser.new_context(base_url=live_server.url, **kwargs)
        context.set_default_timeout(10_000)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # JavaScript errors, failed loads and Content-Security-Policy refusals (an inline style
    # or script the policy blocks) show in the console: the page is not what we meant.
    assert not problems, "errors in the browser console:\n" + "\n".join(problems)


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth remembers used TOTP codes in the cache for a period; start each test clean."""
    cache.clear()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``shot(page, "step")`` saves a full-page screenshot named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{test_name}-{step}.png"
        page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path

    return take


@pytest.fixture
def page_as(new_context, live_server) -> Callable[..., Page]:
    """``page_as(user)``: a page in a fresh context with a logged-in session, without
    walking the login pages (for tests about something else). The personas have TOTP
    enrolled, so there is no MFA set-up redirect.

    Make all pages a test needs before browsing: on SQLite the live server thread shares
    the test's database connection, so the test thread must not write (this login does)
    while the browser is still loading something."""

    def make(user, **context_kwargs) -> Page:
        client = Client()
        client.force_login(user)
        context = new_context(**context_kwargs)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    return make
