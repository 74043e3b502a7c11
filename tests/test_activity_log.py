"""The activity log: every change of rights is logged with its actor; admins read their subtree."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import Body, Membership, Organisation, Position, User
from plans.models import ACTION_LABELS, Activity

pytestmark = pytest.mark.django_db

ADMIN_NAME = "Ada Admin"
RIGHTS = {
    "membership",
    "position",
    "admin",
    "invitation",
    "organisation",
    "body",
    "register",
    "person",
}


def log_url(slug: str, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("plans:organisation_log", kwargs={"slug": slug}) + (f"?{query}" if query else "")


def newcomer(email: str = "ny@example.org") -> User:
    return User.objects.create_user(email=email, name="Nina Nykommer")


def asker() -> Organisation:
    return Organisation.objects.get(slug="rodt-asker")


def asker_board() -> Body:
    return Body.objects.get(organisation__slug="rodt-asker", name="Styret")


def test_admin_reads_the_log_of_their_subtree_with_who_did_it(client_for, persona):
    services.position_add(person=newcomer(), body=asker_board(), role="member", by=persona("admin"))
    page = client_for("admin").get(log_url("rodt"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Rødt Asker" in html  # an organisation below Rødt
    assert "Nina Nykommer" in html
    assert ADMIN_NAME in html


def test_an_admin_of_a_county_reads_its_log_but_not_the_party_above(client_for, persona):
    jonas = User.objects.get(email="jonas.berg@example.org")  # admin of Rødt Akershus
    services.membership_add(person=newcomer(), organisation=asker(), by=persona("admin"))
    client = client_for(None)
    client.force_login(jonas)
    county = client.get(log_url("rodt-akershus"))
    assert county.status_code == 200
    assert "Nina Nykommer" in county.content.decode()
    assert client.get(log_url("rodt")).status_code == 403  # a member of the party, not its admin


def test_the_log_of_a_branch_leaves_out_the_organisations_above(client_for, persona):
    rodt = Organisation.objects.get(slug="rodt")
    services.membership_add(
        person=newcomer("oppe@example.org"), organisation=rodt, by=persona("admin")
    )
    services.membership_add(person=newcomer(), organisation=asker(), by=persona("admin"))
    html = client_for("admin").get(log_url("rodt-asker", kind="rights")).content.decode()
    assert html.count("Nina Nykommer") == 1


def test_the_rights_filter_leaves_out_plan_entries(client_for, persona):
    services.membership_add(person=newcomer(), organisation=asker(), by=persona("admin"))
    client = client_for("admin")
    rights = client.get(log_url("rodt", kind="rights")).context["page"].object_list
    plans = client.get(log_url("rodt", kind="plans")).context["page"].object_list
    everything = client.get(log_url("rodt")).context["page"].paginator.count
    assert "membership.add" in {entry.action for entry in rights}
    assert {entry.action.split(".")[0] for entry in rights} <= RIGHTS
    assert "plan.create" in {entry.action for entry in plans}  # the demo created plans
    assert not {entry.action.split(".")[0] for entry in plans} & RIGHTS
    assert everything > len(rights)


def test_an_unknown_filter_or_page_shows_everything(client_for):
    response = client_for("admin").get(log_url("rodt", kind="<script>", page="x"))
    assert response.status_code == 200


def test_the_board_of_a_county_may_not_read_its_log(client_for):
    assert client_for("board").get(log_url("rodt-akershus")).status_code == 403
    assert client_for("member").get(log_url("rodt-asker")).status_code == 403


def test_another_partys_admin_gets_404(client_for):
    assert client_for("other_admin").get(log_url("rodt")).status_code == 404
    assert client_for("admin").get(log_url("arbeiderpartiet")).status_code == 404


def test_the_organisation_page_links_the_log_for_its_admins_only(client_for):
    url = reverse("organisations:detail", kwargs={"slug": "rodt-akershus"})
    log = log_url("rodt-akershus")
    assert log in client_for("admin").get(url).content.decode()
    assert log not in client_for("board").get(url).content.decode()
    assert log not in client_for("other_admin").get(url).content.decode()


# Every service that changes who holds which right writes an entry with its actor.


def _invitation(by: User, email: str = "invitert@example.org"):
    from organisations.models import Invitation

    return Invitation.objects.create(
        organisation=asker(),
        email=email,
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=14),
    )


def _rights_changes() -> list[tuple[str, str, Callable[[Callable, User], object]]]:
    """(service name, action it records, how to call it)."""
    today = timezone.localdate()

    def membership(by):
        return Membership.objects.create(person=newcomer(), organisation=asker())

    def position(by):
        return Position.objects.create(person=newcomer(), body=asker_board(), role="member")

    return [
        (
            "membership_add",
            "membership.add",
            lambda f, by: f(person=newcomer(), organisation=asker(), by=by),
        ),
        (
            "membership_end",
            "membership.end",
            lambda f, by: f(membership=membership(by), on=today, by=by),
        ),
        (
            "position_add",
            "position.add",
            lambda f, by: f(person=newcomer(), body=asker_board(), role="member", by=by),
        ),
        ("position_end", "position.end", lambda f, by: f(position=position(by), on=today, by=by)),
        (
            "admin_grant",
            "admin.grant",
            lambda f, by: f(person=newcomer(), organisation=asker(), by=by),
        ),
        (
            "board_hand_over",
            "position.hand_over",
            lambda f, by: f(
                body=asker_board(),
                holders=[(newcomer(), "leader")],
                starts_on=today,
                by=by,
            ),
        ),
        ("body_dissolve", "body.dissolve", lambda f, by: f(body=asker_board(), on=today, by=by)),
        (
            "organisation_close",
            "organisation.close",
            lambda f, by: f(organisation=asker(), on=today, by=by),
        ),
        ("position_leave", "position.end", lambda f, by: f(position=position(by), by=by)),
        (
            "membership_leave",
            "membership.end",
            lambda f, by: f(membership=membership(by), by=by),
        ),
        (
            "invitation_create",
            "invitation.create",
            lambda f, by: f(organisation=asker(), email="invitert@example.org", by=by),
        ),
        (
            "invitation_resend",
            "invitation.resend",
            lambda f, by: f(invitation=_invitation(by), by=by),
        ),
        (
            "invitation_withdraw",
            "invitation.withdraw",
            lambda f, by: f(invitation=_invitation(by), by=by),
        ),
        (  # the one who accepts is the actor: here the admin accepts an invitation to them
            "invitation_accept",
            "invitation.accept",
            lambda f, by: f(invitation=_invitation(by, by.email), person=by),
        ),
    ]


def _service(name: str):
    """The service from organisations.services, or from a module of its own if it has one."""
    import importlib

    for module in ("organisations.services", "organisations.leaving", "organisations.invitations"):
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    ("name", "action", "call"), _rights_changes(), ids=[row[0] for row in _rights_changes()]
)
def test_every_change_of_rights_is_logged_with_its_actor(persona, name, action, call):
    service = _service(name)
    if service is None:
        pytest.skip(f"organisations.services.{name} does not exist yet")
    admin = persona("admin")
    before = Activity.objects.filter(action=action).count()
    call(service, admin)
    entries = Activity.objects.filter(action=action).order_by("-pk")
    assert entries.count() == before + 1
    assert entries.first().actor == admin


def test_every_logged_action_has_a_label():
    written = set()
    pattern = re.compile(r"""\baction=["']([a-z_]+\.[a-z_]+)["']""")
    for app in ("organisations", "plans", "goals", "calendar_app"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            written.update(pattern.findall(path.read_text(encoding="utf-8")))
    assert written, "no action found: has the pattern of audit()/activity_record() changed?"
    assert written - set(ACTION_LABELS) == set()
