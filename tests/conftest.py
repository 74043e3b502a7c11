"""Shared fixtures: the demo data as the world, and the personas who live in it.

HANDLINGSPLAN_REQUIRE_SERVICES=1 (set by .ci/run) turns a missing PostgreSQL,
Redis or Chromium from a skip into a failure.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Q
from django.test import Client, override_settings

from organisations.models import User
from plans.demo import load_demo

REQUIRE_SERVICES = os.environ.get("HANDLINGSPLAN_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

PERSONAS = {
    "member": "medlem@example.org",
    "secretary": "sekretaer@example.org",
    "board": "styre@example.org",
    "admin": "admin@example.org",
    "outsider": "ap@example.org",
    "committee": "komite@example.org",
    "other_admin": "ap-admin@example.org",
}


def missing_service(reason: str) -> None:
    """Skip on a developer's machine; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (required: HANDLINGSPLAN_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    # Browser tests (and the API's fuzz test) use a live server, whose transactional
    # teardown empties the database; they run last so the shared demo data serves
    # everything before them.
    items.sort(
        key=lambda item: (
            item.get_closest_marker("browser") is not None or "live_server" in item.fixturenames
        )
    )


def give_admins_totp() -> None:
    """An authenticator app for every organisation admin, who cannot work without one."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    admins = User.objects.filter(Q(admin_grants__isnull=False) | Q(is_superuser=True)).exclude(
        authenticator__type=Authenticator.Type.TOTP
    )
    for person in admins.distinct():
        TOTP.activate(person, generate_totp_secret())


def fresh_code(secret: str) -> str:
    """The current code of an authenticator secret, with time left to send it.

    A code read in the last seconds of its period would reach the server in the
    next one, which no longer accepts it: wait for the new code, as a person would.
    """
    import pyotp

    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.1)
    return totp.now()


def totp_code(email: str) -> str:
    """The person's current authenticator code, as their phone would show it."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return fresh_code(decrypt(authenticator.data["secret"]))


@pytest.fixture(scope="session", autouse=True)
def _cache_in_memory():
    # With REDIS_URL set (CI) the cache would be Redis and outlive the run:
    # login limits and used authenticator codes would carry over between runs.
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache(_cache_in_memory):
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language, whatever the one before it activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
        give_admins_totp()


@pytest.fixture
def persona(db):
    def get(name: str) -> User:
        return User.objects.get(email=PERSONAS[name])

    return get


@pytest.fixture
def client_for(db):
    """A test client logged in as a persona; None gives an anonymous client."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(User.objects.get(email=PERSONAS[name]))
        return client

    return make


@pytest.fixture
def chromium_path() -> str:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        missing_service(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def browser_page(chromium_path, live_server, transactional_db):
    """A Chromium page (Norwegian locale) against the live server, with the demo data."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the
    # test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    load_demo()  # a browser test before this one may have emptied the database
    give_admins_totp()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="nb-NO", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # ORM calls made while Playwright runs get a connection of their own
            # context; close it here, or the test database cannot be dropped.
            connections.close_all()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def login(page, email: str, password: str = "demo-passord") -> None:
    """Log in through the form, answering the authenticator step if the person has one."""
    page.goto("/accounts/login/")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/2fa/authenticate/" in page.url:
        page.locator("input[name=code]").fill(totp_code(email))
        page.get_by_role("button", name="Logg inn", exact=True).click()
        page.wait_for_url(lambda url: "/accounts/2fa/" not in url)


def assert_accessible(page) -> None:
    """axe-core (vendored in axe-playwright-python) finds no violations on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
