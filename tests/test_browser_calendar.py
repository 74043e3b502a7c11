"""A member reads the branch calendar and subscribes; the county board edits the wheel."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def test_member_reads_the_calendar_and_board_edits_the_wheel(browser_page):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, "medlem@example.org")
    page.goto("/org/rodt-asker/")
    page.get_by_role("link", name="Agenda", exact=True).click()
    agenda = page.locator("ul.agenda")
    expect(agenda.get_by_role("link", name=re.compile("Årsmøte i Rødt Asker"))).to_be_visible()
    may_day = agenda.locator("a.inherited", has_text="1. mai 2027")
    expect(may_day).to_be_visible()
    expect(may_day.locator(".origin")).to_have_text("(Rødt)")
    assert_accessible(page)

    page.goto("/calendar/org/rodt-asker/?month=2027-05")
    month_chip = page.locator("table.month-grid a.event-chip", has_text="1. mai 2027")
    expect(month_chip).to_be_visible()
    assert_accessible(page)

    page.goto("/calendar/org/rodt-asker/")
    page.locator("a[href$='/wheel/picture/']").first.click()
    expect(page.locator("figure.wheel-picture svg")).to_be_visible()
    assert_accessible(page)

    page.go_back()
    page.get_by_role("link", name="Min private kalenderstrøm").click()
    page.wait_for_url("**/calendar/feed/")  # the month page has a copy button of its own
    page.locator("#subscribe-private-feed").get_by_role("button", name="Kopier").click()
    expect(page.locator("#private-feed-copied")).to_have_text("Kopiert.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.search(r"/calendar/feed/[\w-]+\.ics$", copied)
    webcal = page.locator("#subscribe-private-feed a[href^='webcal://']")
    assert webcal.get_attribute("href") == "webcal://" + copied.split("://", 1)[1]
    page.locator("#subscribe-private-feed summary").click()
    expect(page.locator("#subscribe-private-feed details")).to_contain_text("iPhone")
    assert_accessible(page)
    body = page.request.get(copied).text()
    assert body.startswith("BEGIN:VCALENDAR") and "Årsmøte i Rødt Asker" in body
    page.get_by_role("button", name="Logg ut").click()

    login(page, "styre@example.org")
    page.goto("/calendar/org/rodt-akershus/wheel/?first=2026&last=2027")
    form = page.locator("form[action*='/wheel/add/']")
    form.locator("input[name=title]").fill("Valgkampåpning i Akershus")
    form.locator("select[name=month]").select_option("8")
    form.locator("input[name=year_types][value=local]").check()
    form.get_by_role("button", name="Legg til").click()
    august = page.locator("table.wheel-grid tbody tr").nth(7)
    cells = august.locator("td")
    expect(cells.nth(1)).to_contain_text("Valgkampåpning i Akershus")  # 2027
    expect(cells.nth(0)).not_to_contain_text("Valgkampåpning i Akershus")  # 2026
    assert_accessible(page)


def test_the_month_reads_as_a_list_on_a_phone_without_sideways_scrolling(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "medlem@example.org")
    page.goto("/calendar/org/rodt-asker/?month=2027-05")
    grid = page.locator("table.month-grid")
    may_day = grid.locator("a.event-chip", has_text="1. mai 2027")
    expect(may_day).to_be_visible()
    # One day under the other, each with its weekday and date written out.
    expect(grid.locator("thead")).to_be_hidden()
    day = grid.locator("td", has=page.locator("a.event-chip", has_text="1. mai 2027"))
    expect(day.locator(".day-long")).to_be_visible()
    expect(day.locator(".day-long")).to_have_text("Lørdag 1. mai 2027")
    box, table = day.bounding_box(), grid.bounding_box()
    assert box["width"] > 0.9 * table["width"], (box, table)
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page)

    page.goto("/calendar/org/rodt-asker/wheel/picture/?year=2027")
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert_accessible(page)
