"""An organisation admin in Chromium: a new branch, its board, an invited secretary who ticks.

The admin of Rødt Akershus creates a branch and its board, invites a new person as the
board's secretary, and the invitee signs up through the emailed link and ticks a measure
of the branch. When the admin ends the position, the secretary can no longer tick.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from calendar_app.outbox import dispatch
from goals.models import Measure
from goals.services import goal_create, measure_create
from organisations.models import Body, Organisation, Position, User
from organisations.services import body_create
from plans.models import Plan
from plans.services import plan_adopt, plan_create, plan_propose, section_create
from tests.conftest import assert_accessible, login

pytestmark = pytest.mark.browser

ADMIN = "admin@example.org"
INVITEE = "ny.sekretaer@example.org"
PASSWORD = "Et-langt-passord-for-nytt-lokallag-2026"
# The email's links start with SITE_URL, which need not be the live server's address.
INVITATION_PATH = re.compile(r"https?://[^/\s\"]+(/invitation/[^/\s\"]+/)")


def invitation_path(email: str) -> str:
    """The path of the invitation link in the last email to ``email``."""
    # With eager Celery the email is already sent; with a broker (CI) nobody runs the
    # worker here, so send what the outbox holds. Sending twice is a no-op.
    dispatch()
    to_invitee = [m for m in mail.outbox if email in m.to]
    assert to_invitee, [m.to for m in mail.outbox]
    found = INVITATION_PATH.search(to_invitee[-1].body)
    assert found, to_invitee[-1].body
    return found.group(1)


def adopted_plan_of(organisation: Organisation) -> Plan:
    """An adopted members-only plan with two measures: not what this journey is about."""
    today = timezone.localdate()
    meeting = body_create(organisation=organisation, name="Årsmøtet", kind="meeting")
    plan = plan_create(
        organisation=organisation,
        title="Handlingsplan for lokallaget",
        kind="handlingsplan",
        first_year=today.year,
        last_year=today.year,
        language="nb",
        visibility="members",
    )
    section = section_create(plan=plan, title="Organisasjon", order=1)
    goal = goal_create(plan=plan, section=section, code="A", title="Et aktivt lokallag")
    measure_create(goal=goal, text="Holde medlemsmøte hver måned")
    measure_create(goal=goal, text="Stå på stand før valget")
    plan_propose(plan=plan, by=None)
    plan_adopt(plan=plan, meeting=meeting, on=today)
    return plan


def forged_tick(page, measure: Measure) -> int:
    """POST a tick the page no longer offers, with the session's CSRF token; the status."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"/goals/measures/{measure.pk}/tick/",
        form={"status": "done"},
        headers={"X-CSRFToken": token, "Referer": page.url},
    )
    return response.status


def test_admin_creates_branch_and_board_invites_a_secretary_who_ticks_until_the_term_ends(
    browser_page,
):
    page = browser_page
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)

    # The admin creates a branch below the county; the address name is suggested.
    login(page, ADMIN)
    page.goto("/org/rodt-akershus/manage/")
    assert_accessible(page)
    page.locator('main a[href="/org/rodt-akershus/manage/new/"]').click()
    page.wait_for_url("**/org/rodt-akershus/manage/new/")
    page.locator("input[name=name]").fill("Rødt Gjerdrum")
    expect(page.locator("input[name=slug]")).to_have_value("rodt-gjerdrum")
    page.locator("select[name=kind]").select_option("branch")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/org/rodt-gjerdrum/manage/$"))
    branch = Organisation.objects.get(slug="rodt-gjerdrum")
    assert (branch.parent.slug, branch.kind) == ("rodt-akershus", "branch")
    assert_accessible(page)

    # … and its board.
    page.locator('main nav a[href="/org/rodt-gjerdrum/manage/bodies/"]').click()
    page.wait_for_url("**/org/rodt-gjerdrum/manage/bodies/")
    page.locator("input[name=name]").fill("Lokallagsstyret")
    page.locator("select[name=kind]").select_option("board")
    page.locator('main form[action$="/bodies/new/"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/org/rodt-gjerdrum/manage/bodies/\d+/$"))
    board = Body.objects.get(organisation=branch, name="Lokallagsstyret")
    assert board.kind == "board"
    expect(page).to_have_url(re.compile(rf"/org/rodt-gjerdrum/manage/bodies/{board.pk}/$"))

    # The branch's adopted plan, made through the services: the journey is not about it.
    plan = adopted_plan_of(branch)
    first, second = Measure.objects.filter(goal__plan=plan).order_by("pk")

    # The admin invites a new person as the board's secretary. The term started yesterday
    # (the annual meeting), so that ending it on its last day, yesterday, ends the
    # rights at once: a term cannot end before it starts.
    page.goto("/org/rodt-gjerdrum/invitations/new/")
    assert_accessible(page)
    page.locator("input[name=email]").fill(INVITEE)
    page.locator("input[name=name]").fill("Siri Sekretær")
    page.locator("select[name=body]").select_option(str(board.pk))
    page.locator("select[name=role]").select_option("secretary")
    page.locator("input[name=starts_on]").fill(yesterday.isoformat())
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/org/rodt-gjerdrum/invitations/$"))
    expect(page.locator("main")).to_contain_text(INVITEE)
    link = invitation_path(INVITEE)

    # The invitee opens the link in a browser of their own; the admin stays logged in.
    site = re.match(r"https?://[^/]+", page.url)[0]
    invitee_context = page.context.browser.new_context(locale="nb-NO", base_url=site)
    try:
        invitee = invitee_context.new_page()
        invitee.set_default_timeout(15_000)
        invitee.goto(link)
        expect(invitee.locator("#invitation")).to_contain_text("Lokallagsstyret")
        assert_accessible(invitee)
        invitee.locator(f'main a[href="{link}signup/"]').click()

        # Sign-up: the invited address is filled in and fixed; a password twice.
        expect(invitee).to_have_url(re.compile(r"/accounts/signup/"))
        expect(invitee.locator("input[name=email]")).to_have_value(INVITEE)
        invitee.locator("input[name=password1]").fill(PASSWORD)
        invitee.locator("input[name=password2]").fill(PASSWORD)
        invitee.locator("main form button[type=submit]").click()
        expect(invitee).to_have_url(re.compile(r"/org/rodt-gjerdrum/$"))  # in, no verifying
        secretary = User.objects.get(email=INVITEE)
        assert secretary.name == "Siri Sekretær"
        position = Position.objects.get(person=secretary, body=board)
        assert (position.role, position.starts_on, position.ends_on) == (
            "secretary",
            yesterday,
            None,
        )

        # The new secretary ticks a measure of the branch.
        invitee.goto(plan.get_absolute_url())
        progress = invitee.locator(f"#progress-{first.pk}")
        progress.locator("button[name=status][value=done]").click()
        expect(progress.locator(".badge.status-done")).to_be_visible()
        first.refresh_from_db()
        assert (first.status, first.completed_by) == ("done", secretary)

        # The admin ends the position; its last day was yesterday.
        page.goto(f"/org/rodt-gjerdrum/manage/bodies/{board.pk}/")
        page.locator(
            f'main a[href="/org/rodt-gjerdrum/manage/positions/{position.pk}/end/"]'
        ).click()
        page.wait_for_url(f"**/manage/positions/{position.pk}/end/")
        page.locator("input[name=on]").fill(yesterday.isoformat())
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(rf"/org/rodt-gjerdrum/manage/bodies/{board.pk}/$"))
        expect(page.locator("section[aria-labelledby=past]")).to_contain_text(INVITEE)
        position.refresh_from_db()
        assert position.ends_on == yesterday

        # Still logged in and still a member, the former secretary sees the plan but no
        # tick controls, and a forged tick is refused.
        invitee.reload()
        expect(invitee.locator(f"#progress-{first.pk} .badge.status-done")).to_be_visible()
        expect(invitee.locator("form.tick-form")).to_have_count(0)
        assert forged_tick(invitee, second) in (403, 404)
        second.refresh_from_db()
        assert second.status == "planned"
    finally:
        invitee_context.close()
