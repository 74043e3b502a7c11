"""A board member imports a Word document as a draft plan, correcting the review first."""

import re

import pytest
from playwright.sync_api import expect

from organisations.models import Body
from plans.models import Plan, PlanImport
from tests.conftest import assert_accessible, login
from tests.import_documents import docx_from_text

pytestmark = pytest.mark.browser

PLAN = (
    "Handlingsplan for Rødt Akershus 2027\n\n"
    "A. Flere aktive medlemmer\n\n"
    "For å komme nærmere målet skal fylkeslaget:\n\n"
    "- Arrangere vervekurs våren 2027. (Ansvarlig: Vervegruppa)\n"
    "- Fylkesstyret holder medlemsmøte hver måned.\n"
    "- Et tiltak som ikke skal være med.\n\n"
    "B. Skolerte tillitsvalgte\n\n"
    "For å komme nærmere målet skal fylkeslaget:\n\n"
    "- Holde lagsstyrekurs høsten 2027.\n"
)


def test_board_member_imports_a_docx_and_creates_the_draft(browser_page, tmp_path):
    page = browser_page
    document = tmp_path / "handlingsplan-2027.docx"
    document.write_bytes(docx_from_text(PLAN))
    login(page, "styre@example.org")
    page.goto("/org/rodt-akershus/")
    page.locator("a[href='/plans/import/rodt-akershus/']").click()
    page.wait_for_url("**/plans/import/rodt-akershus/")
    assert_accessible(page)
    page.locator("#id_document").set_input_files(str(document))
    page.locator("form.item-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/import/rodt-akershus/\d+/$"))

    # The review: what was read, with the unknown body warned about on top.
    warnings = page.locator(".import-warnings")
    expect(warnings).to_contain_text("Vervegruppa")
    expect(page.locator("textarea", has_text="Arrangere vervekurs")).to_be_visible()
    assert_accessible(page)
    committee = Body.objects.get(organisation__slug="rodt-akershus", name="Skoleringsutvalget")
    page.locator("select[name=body-0]").select_option(value=str(committee.pk))
    dropped = page.locator(".import-measure", has_text="ikke skal være med")
    dropped.locator("input[type=checkbox]").uncheck()
    page.locator("form.import-review > .form-actions button[type=submit]").click()
    page.wait_for_url(re.compile(r"/plans/\d+/$"))

    plan = Plan.objects.get(source_document__isnull=False, organisation__slug="rodt-akershus")
    expect(page.get_by_role("heading", name=re.compile("Flere aktive medlemmer"))).to_be_visible()
    expect(page.get_by_text("Arrangere vervekurs våren 2027.")).to_be_visible()
    expect(page.get_by_text("ikke skal være med")).to_have_count(0)
    assert plan.status == "draft"
    assert_accessible(page)
    vervekurs = plan.goals.get(code="A").measures.get(text__startswith="Arrangere vervekurs")
    assert list(vervekurs.responsible.all()) == [committee]

    link = page.locator(f"a[href='/plans/{plan.pk}/original/']")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "handlingsplan-2027.docx"
    from pathlib import Path

    assert Path(download.value.path()).read_bytes() == bytes(PlanImport.objects.get(plan=plan).data)
