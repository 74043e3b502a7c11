"""The measures list on a phone: labelled filters, the status column kept, no sideways scroll."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser


def nb(text: str) -> str:
    with translation.override("nb"):
        return gettext(text)


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_measure_list_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "styre@example.org")

    page.goto(reverse("goals:list"))
    assert page.locator("#id_scope").input_value() == "mine"
    status = page.locator(".measure-table th.col-status")
    assert status.is_visible()
    assert page.locator(".measure-table td.col-status").first.is_visible()
    assert not page.locator(".measure-table th.col-organisation").is_visible()
    assert no_horizontal_overflow(page)
    # Every input has a label, the two date inputs of the due window included.
    assert page.get_by_label(nb("From"), exact=True).get_attribute("type") == "date"
    assert page.get_by_label(nb("To"), exact=True).get_attribute("type") == "date"
    assert_accessible(page)

    # Widening to everything the person may see, then filtering on a due window.
    page.get_by_role("link", name=nb("Show all I can see")).click()
    page.wait_for_url(lambda url: "scope=all" in url)
    assert page.locator("#id_scope").input_value() == "all"
    page.get_by_label(nb("From"), exact=True).fill("2026-01-01")
    page.get_by_role("button", name=nb("Filter"), exact=True).click()
    page.wait_for_url(lambda url: "due_after=2026-01-01" in url)
    assert page.get_by_label(nb("From"), exact=True).input_value() == "2026-01-01"
    assert no_horizontal_overflow(page)
    assert_accessible(page)

    # On a wide screen every column is back.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".measure-table th.col-organisation").is_visible()
