import pytest

from plans.models import Plan
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_member_logs_in_and_reads_the_branch_page_and_the_national_plan(browser_page):
    page = browser_page
    page.goto("/")
    assert_accessible(page)
    login(page, "medlem@example.org")
    assert page.get_by_role("heading", name="Hei, Mona").is_visible()
    assert_accessible(page)

    page.get_by_text("Mine organisasjoner").first.click()
    page.get_by_role("link", name="Rødt Asker").first.click()
    page.wait_for_url("**/org/rodt-asker/")
    assert page.get_by_role("heading", level=1, name="Rødt Asker").is_visible()
    assert page.get_by_role("link", name="Arbeidsplan 2026").is_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Brødsmuler").get_by_role(
        "link", name="Rødt", exact=True
    ).click()
    page.wait_for_url("**/org/rodt/")
    page.get_by_role("link", name="Handlingsplan 2023–2025").click()
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    page.wait_for_url(f"**{national.get_absolute_url()}")
    assert page.get_by_role("heading", level=1, name="Handlingsplan 2023–2025").is_visible()
    assert page.get_by_role("heading", name="A. Rødt er et nytt arbeiderparti").is_visible()
    assert page.locator(".measure").count() == 89
    assert_accessible(page)
