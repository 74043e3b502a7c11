"""Two-factor authentication in Chromium: an admin enrols an authenticator app and uses it."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from tests.conftest import assert_accessible, fresh_code

pytestmark = pytest.mark.browser

ADMIN = "admin@example.org"


def submit_login(page, email: str = ADMIN, password: str = "demo-passord") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def answer_code(page, code: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    page.locator("input[name=code]").fill(code)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


def test_an_admin_enrols_an_authenticator_app_logs_out_and_logs_in_with_a_code(browser_page):
    page = browser_page
    refused = []  # what the Content-Security-Policy blocked, from any page of the journey
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    Authenticator.objects.filter(user__email=ADMIN).delete()  # as in the demo

    submit_login(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))  # sent to set it up
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page)

    page.locator('main a[href="/accounts/2fa/totp/activate/"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))  # password once more
    assert_accessible(page)
    page.locator("main").get_by_label("Passord").fill("demo-passord")
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()  # shown beside the QR code
    page.locator("input[name=code]").fill(fresh_code(secret))
    page.locator('main form[action="/accounts/2fa/totp/activate/"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    assert_accessible(page)
    recovery_codes = page.locator("#recovery_codes").input_value().split()
    assert len(recovery_codes) == 10

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/$"))  # no longer sent to the set-up page
    page.locator('header a[href="/accounts/security/"]').click()
    expect(page.locator("main section").first.locator("li")).to_have_count(2)  # app, codes
    assert_accessible(page)
    page.locator('main a[href="/accounts/2fa/"]').click()
    page.wait_for_url("**/accounts/2fa/")
    assert_accessible(page)

    page.locator("header").get_by_role("button", name="Logg ut").click()
    submit_login(page)
    assert_accessible(page)  # the code step
    answer_code(page, fresh_code(secret))
    expect(page).to_have_url(re.compile(r"/$"))

    # A second browser logs in with a recovery code; the first signs it out.
    site = re.match(r"https?://[^/]+", page.url)[0]
    other_context = page.context.browser.new_context(locale="nb-NO", base_url=site)
    try:
        other = other_context.new_page()
        submit_login(other)
        answer_code(other, recovery_codes[0])
        expect(other).to_have_url(re.compile(r"/$"))

        page.goto("/accounts/security/")
        page.locator('main a[href="/accounts/sessions/"]').click()
        expect(page.locator("main tbody tr")).to_have_count(2)
        assert_accessible(page)
        page.locator('main form[action="/accounts/sessions/"] button[type=submit]').click()
        expect(page.locator("main tbody tr")).to_have_count(1)

        other.goto("/accounts/security/")
        expect(other).to_have_url(re.compile(r"/accounts/login/"))
    finally:
        other_context.close()
    assert refused == []
