"""The annual meeting in the browser: propose, amend, recommend, print, vote, adopt."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from goals.models import Measure
from plans.models import Amendment, Plan
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def as_person(page, email: str) -> None:
    page.context.clear_cookies()
    login(page, email)


def second_window(page):
    """Another browser window for the others, so the admin's two-factor login is used once."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    context = page.context.browser.new_context(locale="nb-NO", base_url=origin)
    other = context.new_page()
    other.set_default_timeout(15_000)
    return other


def test_a_new_version_goes_through_the_annual_meeting(browser_page):
    page = browser_page
    v1 = Plan.objects.get(organisation__slug="rodt-akershus", status="adopted")

    # The admin makes version 2 and proposes it to the annual meeting.
    as_person(page, "admin@example.org")
    page.goto(v1.get_absolute_url())
    page.locator(f"form[action='/plans/{v1.pk}/new-version/'] button").click()
    page.wait_for_url(re.compile(r"/plans/\d+/edit/$"))
    v2 = Plan.objects.get(previous_version=v1)
    page.goto(v2.get_absolute_url())
    page.locator(f"a[href='/plans/{v2.pk}/propose/']").click()
    page.wait_for_url(f"**/plans/{v2.pk}/propose/")
    today = timezone.localdate()
    page.locator("#id_meeting_on").fill((today + timedelta(days=30)).isoformat())
    page.locator("#id_deadline").fill((today + timedelta(days=14)).isoformat())
    assert_accessible(page)
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(f"**/plans/{v2.pk}/")
    expect(page.locator(".proposal-box")).to_contain_text("Fylkesårsmøtet")

    admin_page, page = page, second_window(page)

    # A member cites lines of a measure and proposes new words; another amendment adds a measure.
    v2.refresh_from_db()
    lines = v2.proposal.lines
    kept = Measure.objects.filter(goal__plan=v2).order_by("goal__order", "order").first()
    numbers = [line["n"] for line in lines if line["kind"] == "measure" and line["id"] == kept.pk]
    as_person(page, "medlem@example.org")
    page.goto(v2.get_absolute_url())
    page.locator(f".proposal-box a[href='/plans/{v2.pk}/lines/']").click()
    page.wait_for_url(f"**/plans/{v2.pk}/lines/")
    expect(page.locator(f"#line-{numbers[0]}")).to_contain_text(lines[numbers[0] - 1]["text"])
    page.goto(f"/plans/{v2.pk}/amendments/")
    assert_accessible(page)
    page.locator(f"a[href='/plans/{v2.pk}/amendments/new/']").click()
    page.wait_for_url(f"**/plans/{v2.pk}/amendments/new/")
    page.locator("#id_action").select_option("replace")
    page.locator("#id_first_line").fill(str(numbers[0]))
    page.locator("#id_last_line").fill(str(numbers[-1]))
    page.locator("#id_text").fill("Arrangere vervekurs i alle lokallag hvert halvår.")
    page.locator("#id_justification").fill("Vi trenger flere aktive medlemmer.")
    assert_accessible(page)
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/plans/{v2.pk}/amendments/#a1$"))
    page.locator(f"a[href='/plans/{v2.pk}/amendments/new/']").click()
    page.wait_for_url(f"**/plans/{v2.pk}/amendments/new/")
    page.locator("#id_action").select_option("new_measure")
    page.locator("#id_item").select_option(f"measure-{kept.pk}")
    page.locator("#id_text").fill("Et forslag som faller i møtet.")
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/plans/{v2.pk}/amendments/#a2$"))
    expect(page.locator("#a1")).to_contain_text(f"{numbers[0]}")

    # The board (no drafting committee) recommends.
    first = Amendment.objects.get(proposal__plan=v2, number=1)
    as_person(page, "styre@example.org")
    page.goto(f"/plans/{v2.pk}/amendments/")
    page.locator(f"a[href='/plans/amendments/{first.pk}/recommend/']").click()
    page.wait_for_url(f"**/plans/amendments/{first.pk}/recommend/")
    page.locator("input[name=recommendation][value=adopt]").check()
    page.locator("#id_reason").fill("Styrker laga.")
    assert_accessible(page)
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/plans/{v2.pk}/amendments/#a1$"))
    expect(page.locator("#a1")).to_contain_text("Styrker laga.")

    # The admin downloads the booklet, records the votes by keyboard, and adopts.
    page.context.close()
    page = admin_page
    booklet = page.request.get(f"/plans/{v2.pk}/amendments.pdf")
    assert booklet.ok and booklet.headers["content-type"] == "application/pdf"
    assert booklet.body().startswith(b"%PDF")
    page.goto(f"/plans/{v2.pk}/votes/")
    assert_accessible(page)
    expect(page.locator("form[data-vote-current] input[name=amendment]")).to_have_value("1")
    page.keyboard.press("1")  # adopted
    page.wait_for_load_state()
    expect(page.locator("form[data-vote-current] input[name=amendment]")).to_have_value("2")
    page.keyboard.press("1")  # a slip: recorded as adopted
    page.wait_for_load_state()
    expect(page.locator("form[data-vote-current]")).to_have_count(0)
    page.keyboard.press("u")  # undo the slip
    page.wait_for_load_state()
    expect(page.locator("form[data-vote-current] input[name=amendment]")).to_have_value("2")
    page.keyboard.press("3")  # fell
    page.wait_for_load_state()
    expect(page.locator("form[data-vote-current]")).to_have_count(0)
    assert dict(Amendment.objects.filter(proposal__plan=v2).values_list("number", "outcome")) == {
        1: "adopted",
        2: "fell",
    }
    page.locator(f"a[href='/plans/{v2.pk}/adopt/']").first.click()
    page.wait_for_url(f"**/plans/{v2.pk}/adopt/")
    expect(page.locator("ins").first).to_be_visible()
    assert_accessible(page)
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(f"**/plans/{v2.pk}/")

    expect(page.get_by_text("Arrangere vervekurs i alle lokallag hvert halvår.")).to_be_visible()
    expect(page.get_by_text("Et forslag som faller i møtet.")).to_have_count(0)
    v2.refresh_from_db()
    v1.refresh_from_db()
    assert v2.status == "adopted" and v1.status == "archived"
    assert (
        Measure.objects.get(pk=kept.pk).text == "Arrangere vervekurs i alle lokallag hvert halvår."
    )
