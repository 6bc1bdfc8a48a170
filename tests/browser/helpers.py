"""Helpers for the browser tests: where screenshots go, TOTP codes, the login steps."""

from __future__ import annotations

import re
import time
from pathlib import Path

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect
from tests.world import PASSWORD, TOTP_SECRET

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current code of an authenticator app holding ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login_with_password(page: Page, email: str, password: str = PASSWORD) -> None:
    """The first login step: e-mail address and password."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def enter_totp(page: Page) -> None:
    """The second login step: the code from the authenticator app."""
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code())
    page.locator("main form button[type=submit]").first.click()
