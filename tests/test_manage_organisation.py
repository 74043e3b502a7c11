"""The organisation admin's own pages: the subtree, bodies, who holds what, members."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations.models import (
    Body,
    Membership,
    Organisation,
    OrganisationKind,
    Position,
    User,
)
from organisations.services import organisation_create
from plans.models import Activity
from tests.conftest import assert_accessible, login

_serial = itertools.count(1)

ALL_RODT_MANAGE_NAMES = [
    "manage",
    "manage_child_create",
    "manage_rename",
    "manage_move",
    "manage_close",
    "manage_bodies",
    "manage_body_create",
    "manage_members",
    "manage_member_add",
]
RODT_BODY_MANAGE_NAMES = [
    "manage_body",
    "manage_body_rename",
    "manage_body_dissolve",
    "manage_position_add",
    "manage_hand_over",
]


# Fresh objects (also used by tests/test_permission_matrix.py) --------------------------


def akershus() -> Organisation:
    return Organisation.objects.get(slug="rodt-akershus")


def fresh_branch() -> Organisation:
    """A new, empty branch under Rødt Akershus."""
    n = next(_serial)
    return organisation_create(
        name=f"Rødt Testlag {n}",
        slug=f"rodt-testlag-{n}",
        kind=OrganisationKind.BRANCH,
        parent=akershus(),
    )


def fresh_body(kind: str = "committee", organisation: Organisation | None = None) -> Body:
    return Body.objects.create(
        organisation=organisation or akershus(), name=f"Testutvalg {next(_serial)}", kind=kind
    )


def fresh_person() -> User:
    n = next(_serial)
    return User.objects.create_user(f"ny{n}@example.org", name=f"Nina Ny {n}")


def fresh_position(body: Body | None = None) -> Position:
    """A term that began a year ago in a fresh body of Rødt Akershus."""
    return Position.objects.create(
        person=fresh_person(),
        body=body or fresh_body(),
        role="member",
        starts_on=timezone.localdate() - timedelta(days=365),
    )


def fresh_membership(organisation: Organisation | None = None) -> Membership:
    return Membership.objects.create(
        person=fresh_person(),
        organisation=organisation or Organisation.objects.get(slug="rodt-asker"),
        since=timezone.localdate() - timedelta(days=365),
    )


def url(name: str, **kwargs) -> str:
    return reverse(f"organisations:{name}", kwargs=kwargs)


@pytest.fixture
def english(client_for):
    """A persona's client that reads the pages in English (the messages asserted here)."""

    def make(name: str) -> Client:
        client = client_for(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture
def admin(english) -> Client:
    """Rødt's national admin."""
    return english("admin")


def today() -> str:
    return timezone.localdate().isoformat()


NOBODY_IN_RODT = "Nobody in Rødt has this address. Invite the person instead."
NOBODY_IN_AP = "Nobody in Arbeiderpartiet has this address. Invite the person instead."


# The tree ------------------------------------------------------------------------------


def test_admin_sees_the_subtree_of_rodt_akershus_as_a_tree(admin):
    page = admin.get(url("manage", slug="rodt-akershus")).content.decode()
    assert '<li class="depth-0"><a href="/org/rodt-akershus/manage/">Rødt Akershus</a>' in page
    assert '<li class="depth-1"><a href="/org/rodt-asker/manage/">Rødt Asker</a>' in page
    assert "Rødt Oslo" not in page


def test_the_organisation_page_links_manage_for_its_admins_only(admin, english):
    link = url("manage", slug="rodt-akershus")
    assert link in admin.get("/org/rodt-akershus/").content.decode()
    assert link not in english("board").get("/org/rodt-akershus/").content.decode()
    assert link not in english("other_admin").get("/org/rodt-akershus/").content.decode()


def test_admin_creates_a_branch_under_rodt_akershus_with_a_slug_from_its_name(admin, persona):
    form = admin.get(url("manage_child_create", slug="rodt-akershus")).content.decode()
    assert 'value="branch"' in form and 'value="region"' in form
    assert 'value="national"' not in form and 'value="county"' not in form
    response = admin.post(
        url("manage_child_create", slug="rodt-akershus"),
        {
            "name": "Rødt Lørenskog",
            "slug": "",
            "kind": "branch",
            "language": "nb",
            "country": "NO",
            "time_zone": "Europe/Oslo",
        },
    )
    branch = Organisation.objects.get(slug="rodt-lorenskog")
    assert response.status_code == 302
    assert response.url == url("manage", slug="rodt-lorenskog")
    assert branch.parent == akershus()
    assert branch.kind == "branch"
    assert Activity.objects.filter(
        organisation=branch, action="organisation.create", actor=persona("admin")
    ).exists()


def test_a_duplicate_slug_is_refused(admin):
    before = Organisation.objects.count()
    response = admin.post(
        url("manage_child_create", slug="rodt-akershus"),
        {
            "name": "Rødt Asker 2",
            "slug": "rodt-asker",
            "kind": "branch",
            "language": "nb",
            "country": "NO",
            "time_zone": "Europe/Oslo",
        },
    )
    assert response.status_code == 200
    assert "is taken by another organisation" in response.content.decode()
    assert Organisation.objects.count() == before


def test_admin_renames_a_branch(admin):
    branch = fresh_branch()
    response = admin.post(url("manage_rename", slug=branch.slug), {"name": "Rødt Nytt Navn"})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.name == "Rødt Nytt Navn"
    entry = Activity.objects.get(organisation=branch, action="organisation.rename")
    assert entry.changes["name"][1] == "Rødt Nytt Navn"


def test_renaming_to_an_empty_name_is_refused(admin):
    branch = fresh_branch()
    response = admin.post(url("manage_rename", slug=branch.slug), {"name": "  "})
    assert response.status_code == 200
    branch.refresh_from_db()
    assert branch.name.startswith("Rødt Testlag")


def test_admin_moves_a_branch_inside_the_subtree(admin):
    branch = fresh_branch()
    oslo = Organisation.objects.get(slug="rodt-oslo")
    response = admin.post(url("manage_move", slug=branch.slug), {"parent": oslo.pk})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.parent == oslo
    assert Activity.objects.filter(organisation=branch, action="organisation.move").exists()


def test_moving_a_county_under_its_own_branch_is_refused_with_the_models_message(admin):
    asker = Organisation.objects.get(slug="rodt-asker")
    response = admin.post(url("manage_move", slug="rodt-akershus"), {"parent": asker.pk})
    assert response.status_code == 200
    assert "cannot be placed under itself" in response.content.decode()
    assert akershus().parent.slug == "rodt"


def test_a_move_outside_the_admins_subtree_is_refused(persona):
    # Jonas Berg administers Rødt Akershus only: Rødt Oslo is not his to move things under.
    client = Client()
    client.force_login(User.objects.get(email="jonas.berg@example.org"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    branch = fresh_branch()
    oslo = Organisation.objects.get(slug="rodt-oslo")
    form = client.get(url("manage_move", slug=branch.slug)).content.decode()
    assert "Rødt Oslo" not in form
    response = client.post(url("manage_move", slug=branch.slug), {"parent": oslo.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    branch.refresh_from_db()
    assert branch.parent == akershus()
    assert client.get(url("manage", slug="rodt")).status_code == 403


def test_admin_closes_a_branch_and_its_people_leave_that_day(admin):
    branch = fresh_branch()
    body = fresh_body("board", branch)
    position = fresh_position(body)
    future = Position.objects.create(
        person=fresh_person(), body=body, starts_on=timezone.localdate() + timedelta(days=30)
    )
    membership = fresh_membership(branch)
    assert admin.get(url("manage_close", slug=branch.slug)).status_code == 200

    response = admin.post(url("manage_close", slug=branch.slug), {"on": today()})

    assert response.status_code == 302
    assert response.url == url("manage", slug="rodt-akershus")
    branch.refresh_from_db()
    position.refresh_from_db()
    membership.refresh_from_db()
    body.refresh_from_db()
    assert branch.closed_on == timezone.localdate()
    assert position.ends_on == timezone.localdate()
    assert membership.ends_on == timezone.localdate()
    assert body.dissolved_on == timezone.localdate()
    assert not Position.objects.filter(pk=future.pk).exists()
    assert Activity.objects.filter(organisation=branch, action="organisation.close").exists()


def test_closing_a_national_party_is_refused(admin):
    response = admin.post(url("manage_close", slug="rodt"), {"on": today()})
    assert response.status_code == 200
    assert "is a national party" in response.content.decode()
    assert Organisation.objects.get(slug="rodt").closed_on is None


def test_closing_an_organisation_with_open_children_is_refused(admin):
    response = admin.post(url("manage_close", slug="rodt-akershus"), {"on": today()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Close or move the organisations below it first: Rødt Asker, Rødt Bærum" in page
    assert akershus().closed_on is None


def test_a_closed_organisation_takes_no_new_bodies_or_members(admin):
    branch = fresh_branch()
    admin.post(url("manage_close", slug=branch.slug), {"on": today()})
    bodies = Body.objects.count()
    response = admin.post(
        url("manage_body_create", slug=branch.slug), {"name": "Styret", "kind": "board"}
    )
    assert response.status_code == 302
    assert Body.objects.count() == bodies


# Bodies --------------------------------------------------------------------------------


def test_admin_creates_renames_and_dissolves_a_body(admin):
    branch = fresh_branch()
    assert "No bodies yet" in admin.get(url("manage_bodies", slug=branch.slug)).content.decode()

    response = admin.post(
        url("manage_body_create", slug=branch.slug), {"name": "Styret", "kind": "board"}
    )
    body = Body.objects.get(organisation=branch, name="Styret")
    assert response.status_code == 302
    assert response.url == url("manage_body", slug=branch.slug, pk=body.pk)
    assert "Styret" in admin.get(url("manage_bodies", slug=branch.slug)).content.decode()

    response = admin.post(
        url("manage_body_rename", slug=branch.slug, pk=body.pk), {"name": "Lagsstyret"}
    )
    assert response.status_code == 302
    body.refresh_from_db()
    assert body.name == "Lagsstyret"

    position = fresh_position(body)
    page = admin.get(url("manage_body_dissolve", slug=branch.slug, pk=body.pk)).content.decode()
    assert position.person.get_full_name() in page
    response = admin.post(
        url("manage_body_dissolve", slug=branch.slug, pk=body.pk), {"on": today()}
    )
    assert response.status_code == 302
    body.refresh_from_db()
    position.refresh_from_db()
    assert body.dissolved_on == timezone.localdate()
    assert position.ends_on == timezone.localdate()
    actions = set(Activity.objects.filter(organisation=branch).values_list("action", flat=True))
    assert {"body.create", "body.rename", "body.dissolve"} <= actions


def test_a_duplicate_body_name_is_refused(admin):
    before = Body.objects.count()
    response = admin.post(
        url("manage_body_create", slug="rodt-akershus"), {"name": "fylkesstyret", "kind": "board"}
    )
    assert response.status_code == 200
    assert "already has a body named" in response.content.decode()
    assert Body.objects.count() == before


def test_the_bodies_page_shows_who_holds_what(admin):
    page = admin.get(url("manage_bodies", slug="rodt-akershus")).content.decode()
    assert "Fylkesstyret" in page
    assert "Siri Styre" in page
    assert "Knut Komité" in page  # Skoleringsutvalget


def test_a_body_of_another_organisation_is_not_found_under_this_slug(admin):
    asker_board = Body.objects.get(organisation__slug="rodt-asker", name="Styret")
    assert admin.get(url("manage_body", slug="rodt-akershus", pk=asker_board.pk)).status_code == 404


def test_a_huge_id_is_not_found(admin):
    huge = 99999999999999999999
    assert admin.get(url("manage_body", slug="rodt", pk=huge)).status_code == 404
    assert admin.post(url("manage_position_end", slug="rodt", pk=huge)).status_code == 404
    assert admin.post(url("manage_member_end", slug="rodt", pk=huge)).status_code == 404


# Who holds what ------------------------------------------------------------------------


def test_admin_adds_a_person_to_a_body_with_role_and_term(admin):
    body = fresh_body()
    page = admin.get(url("manage_body", slug="rodt-akershus", pk=body.pk)).content.decode()
    assert "Nobody holds a place in this body today" in page
    assert '<option value="medlem@example.org">' in page  # a member of the subtree is offered

    response = admin.post(
        url("manage_position_add", slug="rodt-akershus", pk=body.pk),
        {
            "person": "Medlem@Example.org",
            "role": "secretary",
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get(body=body)
    assert position.person.email == "medlem@example.org"
    assert position.role == "secretary"
    assert position.starts_on.isoformat() == "2026-01-01"
    assert position.ends_on.isoformat() == "2027-12-31"


def test_an_unknown_email_is_refused(admin):
    body = fresh_body()
    response = admin.post(
        url("manage_position_add", slug="rodt-akershus", pk=body.pk),
        {"person": "ingen@example.org", "role": "member", "starts_on": today()},
    )
    assert response.status_code == 200
    assert NOBODY_IN_RODT in response.content.decode()
    assert not body.positions.exists()


def test_a_term_that_ends_before_it_starts_is_refused(admin):
    body = fresh_body()
    response = admin.post(
        url("manage_position_add", slug="rodt-akershus", pk=body.pk),
        {
            "person": "medlem@example.org",
            "role": "member",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-30",
        },
    )
    assert response.status_code == 200
    assert "The term cannot end before it starts" in response.content.decode()
    assert not body.positions.exists()


def test_admin_ends_a_position(admin):
    position = fresh_position()
    end_url = url("manage_position_end", slug="rodt-akershus", pk=position.pk)
    assert position.person.get_full_name() in admin.get(end_url).content.decode()
    response = admin.post(end_url, {"on": today()})
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.ends_on == timezone.localdate()
    past = admin.get(url("manage_body", slug="rodt-akershus", pk=position.body_id))
    assert "Earlier holders" in past.content.decode()


def test_ending_a_position_before_it_began_is_refused(admin):
    position = fresh_position()
    before_start = (position.starts_on - timedelta(days=1)).isoformat()
    response = admin.post(
        url("manage_position_end", slug="rodt-akershus", pk=position.pk), {"on": before_start}
    )
    assert response.status_code == 200
    assert "The end cannot be before the start" in response.content.decode()
    position.refresh_from_db()
    assert position.ends_on is None


def test_admin_hands_over_a_board(admin):
    board = fresh_body("board")
    leaving = fresh_position(board)
    staying = fresh_position(board)
    newcomer = fresh_membership().person
    starts_on = timezone.localdate() + timedelta(days=10)
    form = admin.get(url("manage_hand_over", slug="rodt-akershus", pk=board.pk)).content.decode()
    assert leaving.person.email in form and staying.person.email in form

    response = admin.post(
        url("manage_hand_over", slug="rodt-akershus", pk=board.pk),
        {
            "starts_on": starts_on.isoformat(),
            "ends_on": "",
            # Today's board fills the first two rows: one stays as it was, one is cleared.
            "holders-TOTAL_FORMS": "4",
            "holders-INITIAL_FORMS": "2",
            "holders-0-person": staying.person.email,
            "holders-0-role": "member",
            "holders-1-person": "",
            "holders-1-role": "member",
            "holders-2-person": newcomer.email,
            "holders-2-role": "leader",
            "holders-3-person": "",
            "holders-3-role": "member",
        },
    )

    assert response.status_code == 302
    new_board = board.positions.in_force(starts_on)
    assert {(p.person_id, p.role) for p in new_board} == {
        (newcomer.pk, "leader"),
        (staying.person_id, "member"),
    }
    leaving.refresh_from_db()
    assert leaving.ends_on is not None and leaving.ends_on < starts_on


def test_a_hand_over_without_people_or_with_an_unknown_email_changes_nothing(admin):
    board = fresh_body("board")
    position = fresh_position(board)
    hand_over = url("manage_hand_over", slug="rodt-akershus", pk=board.pk)
    rows = {"holders-TOTAL_FORMS": "1", "holders-INITIAL_FORMS": "0", "holders-0-role": "member"}
    empty = admin.post(hand_over, {"starts_on": today(), **rows, "holders-0-person": ""})
    assert "Name at least one person for the new board" in empty.content.decode()
    unknown = admin.post(
        hand_over, {"starts_on": today(), **rows, "holders-0-person": "ingen@example.org"}
    )
    assert NOBODY_IN_RODT in unknown.content.decode()
    assert board.positions.count() == 1
    position.refresh_from_db()
    assert position.ends_on is None


# Members -------------------------------------------------------------------------------


def test_the_members_page_lists_members_in_force_25_a_page(admin):
    branch = fresh_branch()
    memberships = [fresh_membership(branch) for _ in range(27)]
    Membership.objects.filter(pk=memberships[0].pk).update(
        ends_on=timezone.localdate() - timedelta(days=1), member_number="X-ENDED"
    )
    Membership.objects.filter(pk=memberships[1].pk).update(member_number="R-1234")
    first = admin.get(url("manage_members", slug=branch.slug))
    second = admin.get(url("manage_members", slug=branch.slug), {"page": 2})
    assert first.context["page"].paginator.count == 26
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    both = first.content.decode() + second.content.decode()
    assert "R-1234" in both
    assert "X-ENDED" not in both


def test_a_branch_without_members_says_so(admin):
    page = admin.get(url("manage_members", slug=fresh_branch().slug)).content.decode()
    assert "No members yet" in page


def test_admin_adds_and_ends_a_membership(admin):
    branch = fresh_branch()
    person = fresh_membership().person  # a member in Rødt Asker, joining one more branch
    response = admin.post(
        url("manage_member_add", slug=branch.slug),
        {"person": person.email, "member_number": "R-77", "since": "2025-03-01"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=person, organisation=branch)
    assert membership.member_number == "R-77"
    assert membership.since.isoformat() == "2025-03-01"
    assert membership.source == "manual"

    end_url = url("manage_member_end", slug=branch.slug, pk=membership.pk)
    assert admin.get(end_url).status_code == 200
    assert admin.post(end_url, {"on": "2025-02-28"}).status_code == 200  # before it began
    membership.refresh_from_db()
    assert membership.ends_on is None
    assert admin.post(end_url, {"on": today()}).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == timezone.localdate()


def test_adding_a_member_by_an_unknown_email_is_refused(admin):
    branch = fresh_branch()
    response = admin.post(
        url("manage_member_add", slug=branch.slug),
        {"person": "ingen@example.org", "since": today()},
    )
    assert response.status_code == 200
    assert NOBODY_IN_RODT in response.content.decode()
    assert not branch.memberships.exists()


# Who may ------------------------------------------------------------------------------


def _rodt_manage_urls() -> list[str]:
    board = Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret")
    position = board.positions.first()
    membership = Membership.objects.filter(organisation__slug="rodt-asker").first()
    urls = []
    for slug in ("rodt", "rodt-akershus", "rodt-asker"):
        urls += [url(name, slug=slug) for name in ALL_RODT_MANAGE_NAMES]
    urls += [url(name, slug="rodt-akershus", pk=board.pk) for name in RODT_BODY_MANAGE_NAMES]
    urls.append(url("manage_position_end", slug="rodt-akershus", pk=position.pk))
    urls.append(url("manage_member_end", slug="rodt-asker", pk=membership.pk))
    return urls


def test_a_board_member_of_rodt_akershus_cannot_manage_rodts_bodies(english):
    board_member = english("board")
    bodies = Body.objects.count()
    for target in _rodt_manage_urls():
        assert board_member.get(target).status_code == 403, target
    response = board_member.post(
        url("manage_body_create", slug="rodt-akershus"), {"name": "Kuppet", "kind": "board"}
    )
    assert response.status_code == 403
    assert Body.objects.count() == bodies


def test_an_admin_of_arbeiderpartiet_sees_nothing_of_rodts_people(english):
    other = english("other_admin")
    for target in _rodt_manage_urls():
        assert other.get(target).status_code == 404, target
        assert other.post(target, {"name": "X", "on": today()}).status_code == 404, target

    rodt_people = set(
        Membership.objects.filter(organisation__slug__startswith="rodt")
        .exclude(person__memberships__organisation__slug__startswith="ap")
        .values_list("person__name", flat=True)
    )
    ap_board = Body.objects.get(organisation__slug="arbeiderpartiet", name="Landsstyret")
    reachable = [
        url(name, slug="arbeiderpartiet")
        for name in ("manage", "manage_bodies", "manage_members", "manage_child_create")
    ] + [
        url(name, slug="arbeiderpartiet", pk=ap_board.pk)
        for name in ("manage_body", "manage_position_add", "manage_hand_over")
    ]
    for target in reachable:
        response = other.get(target)
        assert response.status_code == 200, target
        page = response.content.decode()
        assert "Rødt" not in page, target
        for name in rodt_people:
            assert name not in page, (target, name)


# People of another party --------------------------------------------------------------
#
# Party membership is special-category data: the email lookup of the manage forms knows
# only people of the admin's own party, and answers everyone else alike.


def _ap_people_forms() -> dict[str, tuple[str, callable]]:
    """Arbeiderpartiet's three forms that name a person: (address, data for an email)."""
    landsstyret = Body.objects.get(organisation__slug="arbeiderpartiet", name="Landsstyret")
    return {
        "holder": (
            url("manage_position_add", slug="arbeiderpartiet", pk=landsstyret.pk),
            lambda email: {"person": email, "role": "member", "starts_on": today()},
        ),
        "hand-over": (
            url("manage_hand_over", slug="arbeiderpartiet", pk=landsstyret.pk),
            lambda email: {
                "starts_on": today(),
                "holders-TOTAL_FORMS": "1",
                "holders-INITIAL_FORMS": "0",
                "holders-0-person": email,
                "holders-0-role": "leader",
            },
        ),
        "member": (
            url("manage_member_add", slug="ap-asker"),
            lambda email: {"person": email, "since": today()},
        ),
    }


def _scrubbed(page: str, email: str) -> str:
    """The page without what differs by nature: the typed address, CSRF tokens, nonces."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", page)
    page = re.sub(r'nonce="[^"]*"', "", page)
    return page.replace(email, "EMAIL")


@pytest.mark.parametrize("form", ["holder", "hand-over", "member"])
def test_an_arbeiderpartiet_admin_cannot_find_or_enrol_a_rodt_member(english, persona, form):
    other = english("other_admin")
    address, data = _ap_people_forms()[form]
    rodt_member = persona("member")  # Mona Medlem, of Rødt Asker
    assert not rodt_member.memberships.filter(organisation__slug__startswith="ap").exists()
    positions, memberships = Position.objects.count(), Membership.objects.count()
    without_party = fresh_person().email  # an account, in no party at all

    pages = {}
    for email in (rodt_member.email, without_party, "ingen@example.org"):
        response = other.post(address, data(email))
        assert response.status_code == 200, email
        page = response.content.decode()
        assert NOBODY_IN_AP in page, email
        assert rodt_member.name not in page
        assert "Rødt" not in page
        pages[email] = _scrubbed(page, email)

    # Nothing is made, and the pages cannot tell the three addresses apart.
    assert (Position.objects.count(), Membership.objects.count()) == (positions, memberships)
    assert not rodt_member.positions.filter(body__organisation__slug="arbeiderpartiet").exists()
    assert len(set(pages.values())) == 1
    assert "No account has" not in pages["ingen@example.org"]


def test_the_forms_point_to_the_invitations(english):
    other = english("other_admin")
    invite = url("invitation_new", slug="arbeiderpartiet")
    for address, _data in _ap_people_forms().values():
        if "ap-asker" in address:
            invite = url("invitation_new", slug="ap-asker")
        page = other.get(address).content.decode()
        assert "Only people already in Arbeiderpartiet can be added here." in page, address
        assert f'href="{invite}"' in page, address


def test_an_arbeiderpartiet_admin_still_adds_people_of_arbeiderpartiet(english, persona):
    landsstyret = Body.objects.get(organisation__slug="arbeiderpartiet", name="Landsstyret")
    arne = persona("outsider")  # a member of AP Asker
    response = english("other_admin").post(
        url("manage_position_add", slug="arbeiderpartiet", pk=landsstyret.pk),
        {"person": arne.email, "role": "member", "starts_on": today()},
    )
    assert response.status_code == 302
    assert landsstyret.positions.filter(person=arne).exists()


@pytest.fixture
def county_admin(db) -> Client:
    """Jonas Berg, admin of Rødt Akershus only (not of Rødt Oslo)."""
    client = Client()
    client.force_login(User.objects.get(email="jonas.berg@example.org"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_rodt_admin_adds_a_rodt_member_of_a_branch_outside_the_subtree(county_admin):
    daniel = User.objects.get(email="daniel.okafor@example.org")  # Rødt Grünerløkka, Oslo
    body = fresh_body()  # in Rødt Akershus
    position_add = url("manage_position_add", slug="rodt-akershus", pk=body.pk)
    response = county_admin.post(
        position_add, {"person": daniel.email, "role": "member", "starts_on": today()}
    )
    assert response.status_code == 302
    assert body.positions.filter(person=daniel).exists()

    board = fresh_body("board")
    response = county_admin.post(
        url("manage_hand_over", slug="rodt-akershus", pk=board.pk),
        {
            "starts_on": today(),
            "holders-TOTAL_FORMS": "1",
            "holders-INITIAL_FORMS": "0",
            "holders-0-person": daniel.email,
            "holders-0-role": "leader",
        },
    )
    assert response.status_code == 302
    assert board.positions.filter(person=daniel, role="leader").exists()


def test_a_person_known_only_by_an_ended_membership_is_found(admin):
    membership = fresh_membership(Organisation.objects.get(slug="rodt-oslo"))
    membership.ends_on = timezone.localdate() - timedelta(days=30)
    membership.save()
    body = fresh_body()
    response = admin.post(
        url("manage_position_add", slug="rodt-akershus", pk=body.pk),
        {"person": membership.person.email, "role": "member", "starts_on": today()},
    )
    assert response.status_code == 302
    assert body.positions.filter(person=membership.person).exists()


def test_an_account_in_no_party_is_refused_like_nobody(admin):
    stranger = fresh_person()
    body = fresh_body()
    response = admin.post(
        url("manage_position_add", slug="rodt-akershus", pk=body.pk),
        {"person": stranger.email, "role": "member", "starts_on": today()},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert NOBODY_IN_RODT in page
    assert stranger.name not in page
    assert not body.positions.exists()


# In the browser ------------------------------------------------------------------------


@pytest.mark.browser
def test_the_manage_pages_are_accessible(browser_page):
    page = browser_page
    login(page, "admin@example.org")
    page.goto("/org/rodt-akershus/")
    page.get_by_role("link", name="Administrer").click()
    page.wait_for_url("**/org/rodt-akershus/manage/")
    assert page.get_by_role("link", name="Rødt Asker").first.is_visible()
    assert_accessible(page)

    page.goto("/org/rodt-akershus/manage/bodies/")
    page.get_by_role("link", name="Fylkesstyret").click()
    page.wait_for_url("**/org/rodt-akershus/manage/bodies/*/")
    assert page.get_by_role("heading", level=1, name="Fylkesstyret").is_visible()
    assert_accessible(page)

    page.goto("/org/rodt-akershus/manage/new/")
    page.locator("#id_name").fill("Rødt Ås")
    assert page.locator("#id_slug").input_value() == "rodt-as"  # suggested from the name
    assert_accessible(page)
