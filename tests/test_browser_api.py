"""The API's pages in the browser: a token made and revoked, the documentation under the CSP."""

import re

import pytest

from organisations.models import ApiToken
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_a_secretary_makes_a_token_reads_the_docs_and_revokes_it(browser_page):
    page = browser_page
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    login(page, "sekretaer@example.org")
    page.goto("/accounts/security/")
    page.get_by_role("link", name=re.compile("API")).last.click()
    page.wait_for_url("**/accounts/tokens/")
    page.get_by_label("Navn").fill("Nettsida vår")
    page.get_by_role("button", name=re.compile(".")).last.click()
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("hp_")
    assert_accessible(page)
    token = ApiToken.objects.get(person__email="sekretaer@example.org", name="Nettsida vår")
    assert token.prefix in secret and secret not in token.digest

    page.goto("/api/v1/docs/")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 15  # Swagger UI drew the operations
    assert refused == []  # from our own files, nothing the CSP blocks

    page.goto("/accounts/tokens/")
    page.get_by_role("button", name=re.compile("Nettsida vår")).click()
    page.wait_for_url("**/accounts/tokens/")
    token.refresh_from_db()
    assert token.revoked_at is not None
