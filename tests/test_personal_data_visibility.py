"""People's names are members' content; scoping of filters, the admin and access (DESIGN.md §5).

Visitors and other parties see that a measure was done and when, never by whom;
the public status report has no internal notes and no branch matrix; filter
choices come from what the person may read; the admin is for superusers only;
access ends with the account; a proposal is for the members unless made public.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from calendar_app.reminders import candidates
from calendar_app.services import feed_token_for
from goals.models import Assignment, Measure, Tag
from goals.progress import measure_tick
from organisations.accounts import person_deactivate
from organisations.models import Body, Membership, Organisation, User
from plans.models import Plan
from plans.services import plan_archive, plan_create, plan_propose, section_create
from tests.conftest import PERSONAS, give_admins_totp
from tests.test_pdf import plain, run

pytestmark = pytest.mark.django_db

NATIONAL = ("rodt", "Handlingsplan 2023–2025")  # public, adopted
AKERSHUS = ("rodt-akershus", "Handlingsplan 2026")  # members only, adopted
AKERSHUS_DRAFT = ("rodt-akershus", "Arbeidsutkast 2027")


def plan(key: tuple[str, str]) -> Plan:
    return Plan.objects.get(organisation__slug=key[0], title=key[1])


def person(name: str) -> User:
    return User.objects.get(email=PERSONAS[name])


@pytest.fixture(autouse=True)
def _fresh_pdf_cache():
    # Rolled-back tests can reuse primary keys, and the PDF cache keys on them.
    cache.clear()
    yield
    cache.clear()


def ticked_national_measure() -> Measure:
    """A one-off measure of the public national plan, done by Ada Admin."""
    measure = (
        Measure.objects.filter(goal__plan=plan(NATIONAL), recurrence="", delegated=False)
        .order_by("pk")
        .first()
    )
    measure_tick(measure=measure, by=person("admin"), status="done")
    return measure


# 1. Names on pages


@pytest.mark.parametrize("visitor", [None, "outsider"])
def test_visitor_and_other_party_see_when_a_measure_was_done_but_not_by_whom(client_for, visitor):
    ticked_national_measure()
    page = client_for(visitor).get(plan(NATIONAL).get_absolute_url()).content.decode()
    assert "Ada Admin" not in page
    assert "admin@example.org" not in page
    assert 'class="badge status-done"' in page


@pytest.mark.parametrize("reader", ["member", "board", "admin"])
def test_members_see_who_ticked_a_measure(client_for, reader):
    ticked_national_measure()
    page = client_for(reader).get(plan(NATIONAL).get_absolute_url()).content.decode()
    assert "Ada Admin" in page


def test_a_member_of_another_party_never_gets_the_email_address_as_a_name(client_for):
    admin = person("admin")
    User.objects.filter(pk=admin.pk).update(name="")  # the name falls back to the address
    ticked_national_measure()
    page = client_for("outsider").get(plan(NATIONAL).get_absolute_url()).content.decode()
    assert "admin@example.org" not in page


# 2. The status report


def national_report_note() -> str:
    """A branch's note on a delegated measure of the public national plan."""
    assignment = (
        Assignment.objects.filter(
            measure__goal__plan=plan(NATIONAL),
            measure__recurrence="",
            organisation__slug="rodt-akershus",
        )
        .order_by("pk")
        .first()
    )
    text = "Intern merknad: fylkesstyret er splittet."
    measure_tick(measure=assignment.measure, by=person("admin"), assignment=assignment, note=text)
    return text


def report_text(client, tmp_path) -> tuple[str, str]:
    response = client.get(reverse("plans:report_pdf", args=[plan(NATIONAL).pk]))
    assert response.status_code == 200
    return plain(run("pdftotext", response.content, tmp_path)), response["ETag"]


def test_public_report_has_no_internal_notes_and_no_branch_matrix(client_for, tmp_path):
    note = national_report_note()
    # The officer's report first: the cache must not hand it to the visitor after.
    officer_text, officer_etag = report_text(client_for("admin"), tmp_path)
    assert note in officer_text
    assert "Delegerte tiltak" in officer_text and "Rødt Oslo" in officer_text

    for visitor in (None, "outsider"):
        text, etag = report_text(client_for(visitor), tmp_path)
        assert "Årsberetning" in text  # the public report exists
        assert note not in text
        assert "Delegerte tiltak" not in text and "Rødt Oslo" not in text
        assert etag != officer_etag


def test_members_report_has_the_notes_but_the_matrix_stays_with_officers(client_for, tmp_path):
    note = national_report_note()
    text, _etag = report_text(client_for("member"), tmp_path)
    assert note in text
    assert "Delegerte tiltak" not in text


def test_a_visitor_with_the_officers_etag_gets_a_fresh_report_not_304(client_for):
    national_report_note()
    url = reverse("plans:report_pdf", args=[plan(NATIONAL).pk])
    officer_etag = client_for("admin").get(url)["ETag"]
    response = client_for(None).get(url, HTTP_IF_NONE_MATCH=officer_etag)
    assert response.status_code == 200 and response["ETag"] != officer_etag


# 3. Filter choices


def tag_on(key: tuple[str, str], name: str) -> Tag:
    tag = Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    Measure.objects.filter(goal__plan=plan(key)).order_by("pk").first().tags.add(tag)
    return tag


def tag_choices(client) -> set[str]:
    response = client.get(reverse("goals:list"))
    assert response.status_code == 200
    return {tag.name for tag in response.context["filter"].form.fields["tags"].queryset}


def test_tag_filter_lists_only_tags_of_measures_the_person_may_read(client_for):
    tag_on(AKERSHUS, "Medlemsmerke")
    tag_on(AKERSHUS_DRAFT, "Utkastmerke")
    tag_on(NATIONAL, "Offentlig merke")
    assert "Offentlig merke" in tag_choices(client_for(None))
    for visitor in (None, "outsider"):
        assert not {"Medlemsmerke", "Utkastmerke"} & tag_choices(client_for(visitor))
    assert {"Medlemsmerke", "Offentlig merke"} <= tag_choices(client_for("member"))
    assert "Utkastmerke" not in tag_choices(client_for("member"))
    assert "Utkastmerke" in tag_choices(client_for("board"))
    assert "Medlemsmerke" not in client_for("outsider").get(reverse("goals:list")).content.decode()


def test_other_filter_choices_come_from_readable_plans_only(client_for):
    response = client_for("outsider").get(reverse("goals:list"))
    fields = response.context["filter"].form.fields
    readable = Plan.objects.filter(visibility="public", status__in=["adopted", "archived"])
    organisations = set(fields["organisation"].queryset)
    assert organisations <= set(Organisation.objects.filter(plans__in=readable))
    goal_plans = {goal.plan for goal in fields["goal"].queryset}
    assert goal_plans <= set(readable)
    bodies = set(fields["responsible"].queryset)
    assert bodies <= set(Body.objects.filter(measures__goal__plan__in=readable))
    assert not any(body.organisation.slug == "rodt-asker" for body in bodies)


# 4. The admin


@pytest.fixture
def staff_of_rodt(db) -> User:
    """Staff with every model permission, the way a party's IT volunteer was set up."""
    user = User.objects.create_user(email="it@example.org", password="x-long-pass-1")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


def test_staff_who_is_not_superuser_is_refused_by_the_admin(client, staff_of_rodt):
    client.force_login(staff_of_rodt)
    for url in (
        reverse("admin:index"),
        reverse("admin:organisations_user_changelist"),
        reverse("admin:organisations_membership_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_superuser_uses_the_admin(client):
    root = User.objects.create_superuser(email="root@example.org", password="x-long-pass-1")
    give_admins_totp()  # a superuser is an admin everywhere, with a second factor
    client.force_login(root)
    assert client.get(reverse("admin:organisations_user_changelist")).status_code == 200


# 5. Access ends with the person


def test_deactivating_a_person_ends_their_sessions_at_once(client_for):
    client = client_for("member")
    dashboard = reverse("organisation_dashboard", args=["rodt-asker"])
    assert client.get(dashboard).status_code == 200
    member = person("member")
    person_deactivate(person=member, by=person("admin"))
    response = client.get(dashboard)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sessions = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(member.pk) not in sessions


def test_a_deactivated_accounts_private_feed_answers_404(client):
    member = person("member")
    url = reverse("calendar_app:private_feed", args=[feed_token_for(member).token])
    assert client.get(url).status_code == 200
    member.is_active = False  # as the admin's tick box does
    member.save()
    assert client.get(url).status_code == 404


def test_ending_a_membership_ends_members_only_events_in_the_feed_at_once(client):
    member = person("member")
    url = reverse("calendar_app:private_feed", args=[feed_token_for(member).token])
    assert "Årsmøte i Rødt Asker" in client.get(url).content.decode()
    Membership.objects.filter(person=member).delete()
    assert "Årsmøte i Rødt Asker" not in client.get(url).content.decode()


def test_a_deactivated_person_gets_no_reminders():
    secretary = person("secretary")
    day = date(2026, 11, 2)
    before = {d.recipient_id for d in candidates(day)}
    secretary.is_active = False
    secretary.save()
    after = {d.recipient_id for d in candidates(day)}
    assert secretary.pk not in after
    assert after <= before


# 6. Proposed and archived plans


def proposed_public_plan(*, public: bool) -> Plan:
    rodt = Organisation.objects.get(slug="rodt")
    draft = plan_create(
        organisation=rodt,
        title="Forslag til handlingsplan 2026–2027",
        kind="handlingsplan",
        first_year=2026,
        last_year=2027,
        language="nb",
        visibility="public",
    )
    section_create(plan=draft, title="Organisasjon", order=1)
    return plan_propose(plan=draft, by=person("admin"), public=public)


def test_a_proposed_plan_is_for_the_members_not_the_public(client_for):
    proposal = proposed_public_plan(public=False)
    url = proposal.get_absolute_url()
    assert client_for(None).get(url).status_code == 302  # the login page
    assert client_for("outsider").get(url).status_code == 404
    assert client_for("member").get(url).status_code == 200
    pdf = reverse("plans:pdf", args=[proposal.pk])
    assert client_for(None).get(pdf).status_code == 302
    listing = client_for(None).get(reverse("organisations:detail", args=["rodt"]))
    assert proposal.title not in listing.content.decode()


def test_a_proposal_made_public_is_shown_to_everyone(client_for):
    proposal = proposed_public_plan(public=True)
    assert client_for(None).get(proposal.get_absolute_url()).status_code == 200
    assert client_for("outsider").get(proposal.get_absolute_url()).status_code == 200


def test_the_admin_chooses_a_public_proposal_with_the_checkbox(client_for):
    rodt = Organisation.objects.get(slug="rodt")
    draft = plan_create(
        organisation=rodt,
        title="Utkast som skal ut",
        kind="handlingsplan",
        first_year=2026,
        last_year=2026,
        language="nb",
        visibility="public",
    )
    admin = client_for("admin")
    page = admin.get(reverse("plans:propose", args=[draft.pk])).content.decode()
    assert 'name="public"' in page
    meeting = Body.objects.get(organisation=rodt, name="Landsmøtet")
    soon = timezone.localdate() + timedelta(days=20)
    data = {"meeting": meeting.pk, "meeting_on": soon, "deadline": soon, "from_members": "on"}
    admin.post(reverse("plans:propose", args=[draft.pk]), {**data, "public": "1"})
    draft.refresh_from_db()
    assert draft.status == "proposed" and draft.proposal_public
    other = plan_create(
        organisation=rodt,
        title="Utkast for møtet",
        kind="handlingsplan",
        first_year=2026,
        last_year=2026,
        language="nb",
        visibility="public",
    )
    admin.post(reverse("plans:propose", args=[other.pk]), data)
    other.refresh_from_db()
    assert other.status == "proposed" and not other.proposal_public


def test_an_archived_public_plan_stays_public_marked_as_archived(client_for):
    national = plan(NATIONAL)
    plan_archive(plan=national, by=person("admin"))
    for visitor in (None, "outsider"):
        response = client_for(visitor).get(national.get_absolute_url())
        assert response.status_code == 200
        assert "banner-archived" in response.content.decode()
