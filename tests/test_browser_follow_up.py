"""A secretary ticks measures; the county board sees the branch's tick; a member only looks."""

import pytest
from playwright.sync_api import expect

from goals.models import Assignment, Measure
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_secretary_ticks_board_sees_member_only_looks(browser_page):
    page = browser_page
    measure = (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )
    assignment = (
        Assignment.objects.filter(
            organisation__slug="rodt-asker",
            measure__goal__plan__organisation__slug="rodt-akershus",
            measure__goal__plan__status="adopted",
            measure__recurrence="",
        )
        .order_by("pk")
        .first()
    )
    asker_plan_url = measure.goal.plan.get_absolute_url()
    county_plan_url = assignment.measure.goal.plan.get_absolute_url()

    # The secretary ticks a measure of the branch with a note, then undoes it.
    login(page, "sekretaer@example.org")
    page.goto(asker_plan_url)
    progress = page.locator(f"#progress-{measure.pk}")
    progress.locator("input[name=note]").fill("Gjort på styremøtet 3. mars")
    progress.locator("button[name=status][value=done]").click()
    expect(progress.locator(".badge.status-done")).to_be_visible()
    assert_accessible(page)
    progress.locator("button[name=status][value=planned]").click()
    expect(progress.locator(".badge.status-planned")).to_be_visible()

    # … and Asker's share of a measure the county delegated to its branches.
    page.goto(county_plan_url)
    share = page.locator(f"#progress-{assignment.measure_id} form.assignment")
    share.locator("input[name=note]").fill("Kvinnekampverksted holdt 8. mars")
    share.locator("button[name=status][value=done]").click()
    expect(
        page.locator(f"#progress-{assignment.measure_id} form.assignment .badge.status-done")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Mine tiltak").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mine tiltak")
    assert_accessible(page)
    page.get_by_role("button", name="Logg ut").click()

    # The county board sees Asker's tick in the matrix.
    login(page, "styre@example.org")
    page.goto(county_plan_url)
    page.get_by_role("link", name="Delegerte tiltak").click()
    cell = page.locator("table.matrix").get_by_text("Kvinnekampverksted holdt 8. mars")
    expect(cell).to_be_visible()
    assert_accessible(page)
    page.goto("/org/rodt-akershus/dashboard/")
    expect(page.locator(".rule")).to_contain_text("gjennomført ÷ (alle − avlyste)")
    assert_accessible(page)
    page.get_by_role("button", name="Logg ut").click()

    # A member sees the status, no controls, and a forged POST is refused.
    login(page, "medlem@example.org")
    page.goto(asker_plan_url)
    expect(page.locator(f"#progress-{measure.pk} .badge")).to_be_visible()
    # … and the secretary's note, the latest of one.
    expect(page.locator(f"#progress-{measure.pk} .note-latest")).to_contain_text(
        "Gjort på styremøtet 3. mars"
    )
    expect(page.locator("form.tick-form")).to_have_count(0)
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/goals/measures/{measure.pk}/tick/",
        form={"status": "done"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 403
    measure.refresh_from_db()
    assert measure.status == "planned"
