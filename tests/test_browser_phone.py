"""On a phone (390 × 844) the follow-up pages fit the screen: no sideways scrolling."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from goals.models import Measure
from plans.models import Plan
from plans.services import plan_copy
from tests.conftest import login
from tests.test_security_headers import watch_console

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# A Norwegian compound as plans write them, far wider than a phone without hyphenation.
LONG_WORD = "Fylkesstyremøteforberedelsesarbeidsgrupperepresentantopplæringsprogrammet"


# The elements that reach past the screen's right edge, to name the culprit in a failure.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .slice(0, 8)
    .map(e => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`);
}"""


def assert_fits_the_phone(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], (
        f"{page.url} is {widths[0]} px wide on a {widths[1]} px screen: {page.evaluate(TOO_WIDE)}"
    )


def assert_no_serious_violation(page) -> None:
    results = Axe().run(page)
    serious = [
        violation["id"]
        for violation in results.response["violations"]
        if violation.get("impact") in ("serious", "critical")
    ]
    assert serious == [], results.generate_report()


def test_dashboard_history_compare_and_plan_fit_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size(PHONE)
    errors = watch_console(page)
    adopted = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    version = plan_copy(plan=adopted, by=None, new_version=True)
    measure = Measure.objects.filter(goal__plan=version).order_by("pk").first()
    Measure.objects.filter(pk=measure.pk).update(text=f"{measure.text} {LONG_WORD}")

    login(page, "styre@example.org")
    urls = [
        "/org/rodt-akershus/dashboard/",
        adopted.get_absolute_url(),
        f"/plans/{version.pk}/history/",
        f"/plans/{adopted.pk}/history/",
        f"/plans/{version.pk}/compare/",
    ]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert_fits_the_phone(page)
        assert_no_serious_violation(page)
    # The compare page really shows the long change it has to wrap.
    assert LONG_WORD in page.content()
    # Browsers ask for /favicon.ico on their own; it answers with our icon.
    assert page.request.get("/favicon.ico").ok
    assert errors == [], "\n".join(errors)
