"""The board writes a plan in the browser; the admin proposes and adopts it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import Body
from plans.models import Plan
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

NATIONAL_GOALS = [
    "A. Å bygge et parti med aktive medlemmer som utløser bevegelser",
    "B. Å bygge et parti som fortsetter å vokse og kan håndtere vekst",
]
MEASURES = [
    ("Starte lokallag i Nesodden og Frogn", "15.06.2027"),
    ("Kurs for nye lagsledere", "juni 2027"),
    ("Verveuke i alle lag", "høsten 2027"),
]


def add_measure(page, goal, text: str, due: str) -> None:
    goal.get_by_role("link", name=re.compile("Legg til tiltak")).click()
    form = goal.locator("form.item-form").last
    form.locator("textarea[name$='-text']").fill(text)
    form.get_by_label("Fylkesstyret", exact=True).check()
    form.get_by_label("Fylkesleder", exact=True).check()
    form.locator("input[name$='-due']").fill(due)
    expect(form.locator("output.due-understood")).to_contain_text("Forstått som")
    form.get_by_role("button", name="Legg til tiltak").click()
    expect(goal.locator(".edit-item", has_text=text)).to_be_visible()


def test_board_writes_a_plan_and_the_admin_adopts_it(browser_page):
    page = browser_page
    login(page, "styre@example.org")
    page.goto("/org/rodt-akershus/")
    page.get_by_role("link", name=re.compile("Ny plan")).click()
    page.locator("#id_title").fill("Handlingsplan 2027")
    page.locator("#id_first_year").fill("2027")
    page.locator("#id_last_year").fill("2027")
    page.locator("#id_implements").select_option(label="Rødt: Handlingsplan 2023–2025")
    for goal in NATIONAL_GOALS:
        page.get_by_label(goal, exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Opprett plan").click()
    page.wait_for_url(re.compile(r"/plans/\d+/edit/$"))
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2027")
    for goal in NATIONAL_GOALS:
        expect(page.get_by_role("heading", name=goal)).to_be_visible()

    # A section of the county's own, with a goal and three measures.
    page.locator("#id_title").fill("Egne mål")
    page.get_by_role("button", name="Legg til del").click()
    section = page.locator("section.edit-section", has_text="Egne mål")
    section.get_by_role("link", name=re.compile("Legg til mål")).click()
    section.locator("input[name$='-code']").fill("E")
    section.locator("input[name$='-title']").fill("Lokallag i hele fylket")
    section.get_by_role("button", name="Legg til mål").click()
    goal = section.locator(".edit-goal", has_text="Lokallag i hele fylket")
    expect(goal).to_be_visible()
    for text, due in MEASURES:
        add_measure(page, goal, text, due)
    assert_accessible(page)

    # Reorder with the keyboard: move the last measure up.
    last = goal.locator(".edit-item", has_text=MEASURES[2][0])
    last.get_by_role("button", name=re.compile("Flytt opp")).focus()
    page.keyboard.press("Enter")
    expect(goal.locator(".edit-item .measure-text")).to_have_text(
        [MEASURES[0][0], MEASURES[2][0], MEASURES[1][0]]
    )
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile("Flytt opp"))
    # And by drag and drop: the last one to the top.
    handles = goal.locator(".measures .drag-handle")
    handles.nth(2).drag_to(handles.nth(0))
    expect(goal.locator(".edit-item .measure-text")).to_have_text(
        [MEASURES[1][0], MEASURES[0][0], MEASURES[2][0]]
    )

    # The plan page reads like the document.
    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("heading", name="E. Lokallag i hele fylket")).to_be_visible()
    for text, due in MEASURES:
        item = page.locator(".measure", has_text=text)
        expect(item).to_contain_text(f"Frist: {due}")
        expect(item).to_contain_text("Ansvarlig: Fylkesstyret, Fylkesleder")
    assert_accessible(page)

    # The admin proposes and adopts it.
    page.get_by_role("button", name="Logg ut").click()
    login(page, "admin@example.org")
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Send til møtet som forslag").click()
    page.wait_for_url(f"**/plans/{plan.pk}/propose/")
    expect(page.locator("#id_meeting")).to_have_value(
        str(Body.objects.get(organisation=plan.organisation, name="Fylkesårsmøtet").pk)
    )
    today = timezone.localdate().isoformat()
    page.get_by_label("Dato for møtet").fill(today)
    page.get_by_label("Frist for endringsforslag").fill(today)
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.locator(".banner-proposed")).to_be_visible()
    page.get_by_role("link", name="Innarbeid og vedta").click()
    page.wait_for_url(f"**/plans/{plan.pk}/adopt/")
    page.get_by_role("button", name="Registrer vedtak").click()
    page.wait_for_url(f"**/plans/{plan.pk}/")
    expect(page.locator(".adoption")).to_contain_text("Vedtatt av Fylkesårsmøtet")
    expect(page.get_by_role("link", name="Rediger planen")).to_have_count(0)

    # A direct POST to an edit URL is refused, even with a valid CSRF token.
    measure = plan.goals.get(code="E").measures.order_by("order").first()
    assert measure.text == MEASURES[1][0]  # the drag and drop was saved
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/goals/measures/{measure.pk}/edit/",
        form={
            f"measure-{measure.pk}-text": "Endret etter vedtak",
            f"measure-{measure.pk}-revision": "1",
        },
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    assert response.status == 403
    measure.refresh_from_db()
    assert measure.text == MEASURES[1][0]
