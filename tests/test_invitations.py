"""Invitations: an admin invites by email, the link signs a new person up or lets one accept."""

from __future__ import annotations

import itertools
import re
import time
from datetime import date, timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from calendar_app.models import Delivery, DeliveryStatus, MailKind
from calendar_app.outbox import dispatch
from calendar_app.personal_data import deliveries_prune
from organisations.erasure import person_erase
from organisations.invitations import (
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_token,
    invitation_withdraw,
)
from organisations.models import (
    Body,
    Invitation,
    Membership,
    MembershipSource,
    Organisation,
    Position,
    User,
)
from organisations.personal_data import as_json_data

pytestmark = pytest.mark.django_db

PASSWORD = "Et-langt-passord-for-invitasjon-2026"
LINK = re.compile(re.escape(settings.SITE_URL) + r"(/invitation/[^/\s\"]+/)")
_serial = itertools.count(1)


def fresh_address() -> str:
    return f"invitert-{next(_serial)}@example.org"


def fresh_invitation(email: str | None = None, **fields) -> Invitation:
    """A pending invitation to Rødt Akershus, written directly (no email), for the matrix."""
    admin = User.objects.get(email="admin@example.org")
    return Invitation.objects.create(
        organisation=Organisation.objects.get(slug="rodt-akershus"),
        email=email or fresh_address(),
        invited_by=admin,
        send_count=1,
        sent_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=14),
        **fields,
    )


def token_of(invitation: Invitation) -> str:
    return invitation_token(invitation)


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def akershus() -> Organisation:
    return Organisation.objects.get(slug="rodt-akershus")


def fylkesstyret() -> Body:
    return Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret")


@pytest.fixture(autouse=True)
def dispatch_in_process():
    """The dispatch task runs in the test's process, also where a broker is configured (CI).

    The worker itself is tested in tests/test_reminders_integration.py; here the
    point is what the outbox sends.
    """
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


@pytest.fixture
def invite(persona, django_capture_on_commit_callbacks):
    """Invite through the service as Rødt's admin; the email goes out after the commit."""

    def make(**fields) -> Invitation:
        fields.setdefault("organisation", akershus())
        fields.setdefault("email", fresh_address())
        with django_capture_on_commit_callbacks(execute=True):
            return invitation_create(by=persona("admin"), **fields)

    return make


# Inviting and the email ------------------------------------------------------------------


def test_admin_invites_into_a_position_and_one_email_goes_out_in_the_organisations_language(
    django_capture_on_commit_callbacks,
):
    johan = User.objects.get(email="johan.lindqvist@example.org")  # admin of the district
    johan.language = "en"  # the inviter's own language does not decide the email's
    johan.save()
    client = Client()
    client.force_login(johan)
    board = Body.objects.get(organisation__slug="v-uppsala", name="Distriktsstyrelsen")
    url = reverse("organisations:invitation_new", kwargs={"slug": "v-uppsala"})

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": "Ny.Sekreterare@Example.org",
                "name": "Nora Ny",
                "body": board.pk,
                "role": "secretary",
                "starts_on": "2026-12-01",
                "ends_on": "",
            },
        )

    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny.sekreterare@example.org")
    assert (invitation.body, invitation.role, invitation.send_count) == (board, "secretary", 1)
    deliveries = Delivery.objects.filter(kind=MailKind.INVITATION, object_id=invitation.pk)
    assert deliveries.count() == 1
    delivery = deliveries.get()
    assert delivery.recipient is None and delivery.email == invitation.email
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ny.sekreterare@example.org"]
    assert message.extra_headers["Content-Language"] == "sv"
    with translation.override("sv"):
        expires = date_format(
            timezone.localtime(invitation.expires_at, invitation.organisation.zoneinfo)
        )
    assert expires in message.body
    assert "sekreterare" in message.body and "Distriktsstyrelsen" in message.body
    assert "Vänsterpartiet Uppsala län" in message.subject
    assert "Johan Lindqvist" in message.body  # who invited
    assert link_in(message).startswith("/invitation/")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link_in(message) in html
    assert 'lang="sv"' in html


def test_the_list_shows_pending_invitations_to_the_admin(client_for, invite):
    invitation = invite(email="venter@example.org", body=fylkesstyret(), role="member")
    page = client_for("admin").get(reverse("organisations:invitations", args=["rodt-akershus"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert invitation.email in html and "Fylkesstyret" in html
    assert (
        reverse("organisations:invitation_withdraw", args=["rodt-akershus", invitation.pk]) in html
    )


# The invited person ----------------------------------------------------------------------


def test_a_new_person_signs_up_from_the_link_and_gets_the_membership_and_the_position(invite):
    invitation = invite(
        email="nysekretaer@example.org",
        name="Nils Ny",
        body=fylkesstyret(),
        role="secretary",
    )
    link = link_in(mail.outbox[-1])
    client = Client()

    page = client.get(link)
    assert page.status_code == 200
    signup_link = f"{link}signup/"
    assert signup_link in page.content.decode()
    response = client.get(signup_link)
    assert response.status_code == 302 and response.url.startswith(reverse("account_signup"))
    form_page = client.get(response.url)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert 'value="nysekretaer@example.org"' in html and "Rødt Akershus" in html

    done = client.post(
        response.url,
        {
            "email": "nysekretaer@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": akershus().get_absolute_url(),
        },
    )

    assert done.status_code == 302 and done.url == akershus().get_absolute_url()
    person = User.objects.get(email="nysekretaer@example.org")
    assert person.name == "Nils Ny" and person.language == "nb"
    assert EmailAddress.objects.get(user=person).verified  # the link proved the address
    membership = Membership.objects.get(person=person, organisation=akershus())
    assert membership.source == MembershipSource.INVITATION
    position = Position.objects.get(person=person, body=fylkesstyret())
    assert position.role == "secretary"
    invitation.refresh_from_db()
    assert invitation.accepted_by == person and invitation.accepted_at
    assert client.get(akershus().get_absolute_url()).wsgi_request.user == person
    # The link has done its work.
    assert client.get(link).status_code == 410


def test_signing_up_from_the_link_with_another_address_is_refused(invite):
    invitation = invite(email="riktig@example.org")
    client = Client()
    client.get(reverse("invitations:signup", args=[token_of(invitation)]))
    response = client.post(
        reverse("account_signup"),
        {"email": "feil@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "riktig@example.org" in response.content.decode()
    assert not User.objects.filter(email__in=["feil@example.org", "riktig@example.org"]).exists()


def test_an_existing_account_accepts_with_one_click(invite, client_for, persona):
    member = persona("member")  # a member of Rødt Asker, a branch of Rødt Akershus
    faglig = Body.objects.get(organisation__slug="rodt-akershus", name="Faglig utvalg")
    invitation = invite(email=member.email, body=faglig, role="member")
    link = link_in(mail.outbox[-1])

    anonymous = client_for(None).get(link).content.decode()
    assert reverse("account_login") in anonymous and "next=" in anonymous
    page = client_for("member").get(link)
    accept = f"{link}accept/"
    assert accept in page.content.decode()

    response = client_for("member").post(accept)

    assert response.status_code == 302 and response.url == akershus().get_absolute_url()
    assert Position.objects.filter(person=member, body=faglig, role="member").exists()
    # A member of a branch below is a member of the county already: no second membership.
    assert not Membership.objects.filter(person=member, organisation=akershus()).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == member


def test_another_account_is_told_whom_the_invitation_is_for_and_cannot_accept(
    invite, client_for, persona
):
    invitation = invite(email=persona("member").email)
    link = link_in(mail.outbox[-1])
    page = client_for("board").get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("account_logout") in html and persona("member").email in html
    response = client_for("board").post(reverse("invitations:accept", args=[token_of(invitation)]))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Resend, withdraw, expiry, bad links -------------------------------------------------------


def test_sending_again_replaces_the_old_link(
    invite, client_for, django_capture_on_commit_callbacks
):
    invitation = invite()
    old = link_in(mail.outbox[-1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("admin").post(
            reverse("organisations:invitation_resend", args=["rodt-akershus", invitation.pk])
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    new = link_in(mail.outbox[-1])
    assert new != old
    replaced = Client().get(old)
    assert replaced.status_code == 410 and replaced.context["check"].state == "replaced"
    assert Client().get(new).status_code == 200
    invitation.refresh_from_db()
    assert invitation.send_count == 2


def test_a_withdrawn_invitations_link_says_it_was_withdrawn(invite, client_for):
    invitation = invite()
    link = link_in(mail.outbox[-1])
    url = reverse("organisations:invitation_withdraw", args=["rodt-akershus", invitation.pk])
    assert client_for("admin").get(url).status_code == 200
    assert client_for("admin").post(url).status_code == 302

    page = Client().get(link)
    assert page.status_code == 410 and page.context["check"].state == "withdrawn"
    with pytest.raises(ValidationError):
        invitation_accept(invitation=invitation, person=User.objects.create_user(invitation.email))


def test_an_invitation_withdrawn_before_its_email_went_out_is_never_sent(persona):
    invitation = invitation_create(
        organisation=akershus(), email=fresh_address(), by=persona("admin")
    )
    invitation_withdraw(invitation=invitation, by=persona("admin"))
    result = dispatch()
    assert result.sent == 0 and mail.outbox == []
    delivery = Delivery.objects.get(kind=MailKind.INVITATION, object_id=invitation.pk)
    assert delivery.status == DeliveryStatus.FAILED and "withdrawn" in delivery.last_error


def test_an_expired_link_is_refused(invite, client_for):
    invitation = invite()
    link = link_in(mail.outbox[-1])
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    page = Client().get(link)
    assert page.status_code == 410 and page.context["check"].state == "expired"
    assert (
        Client().get(reverse("invitations:signup", args=[token_of(invitation)])).status_code == 410
    )
    with pytest.raises(ValidationError, match="gikk ut"):
        invitation_accept(invitation=invitation, person=User.objects.create_user(invitation.email))


def test_a_link_signed_longer_ago_than_the_expiry_is_refused():
    invitation = fresh_invitation()
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 30 * 86400):
        old_token = invitation_token(invitation)
    page = Client().get(reverse("invitations:show", args=[old_token]))
    assert page.status_code == 410 and page.context["check"].state == "expired"


@pytest.mark.parametrize(
    "token",
    ["nonsense", "eyJpIjoxfQ:1u2v3w:forged", "a" * 300, "%00", "..", "-"],
)
def test_a_bad_link_gives_a_clear_page_never_a_500(token):
    for name in ("invitations:show", "invitations:signup"):
        response = Client().get(reverse(name, args=[token]))
        assert response.status_code == 404
        assert response.context["check"].state == "bad"
    assert Client().post(reverse("invitations:accept", args=[token])).status_code == 404


def test_a_link_to_a_deleted_invitation_is_a_bad_link():
    invitation = fresh_invitation()
    token = token_of(invitation)
    invitation.delete()
    assert Client().get(reverse("invitations:show", args=[token])).status_code == 404


# Open sign-up ------------------------------------------------------------------------------


def test_sign_up_is_closed_without_an_invitation():
    client = Client()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in page.templates]
    client.post(
        reverse("account_signup"),
        {"email": "selv@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="selv@example.org").exists()


def test_sign_up_is_open_when_the_installation_turns_it_on(settings):
    settings.OPEN_SIGNUP = True
    client = Client()
    page = client.get(reverse("account_signup"))
    assert "account/signup_closed.html" not in [t.name for t in page.templates]
    client.post(
        reverse("account_signup"),
        {"email": "selv@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    person = User.objects.get(email="selv@example.org")
    assert not person.memberships.exists()
    assert not EmailAddress.objects.get(user=person).verified  # proven by the usual email


# Bad input ---------------------------------------------------------------------------------


def _post_invitation(client_for, data: dict):
    url = reverse("organisations:invitation_new", kwargs={"slug": "rodt-akershus"})
    return client_for("admin").post(url, data)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "ikke-en-adresse"}, "email"),
        ({"email": "a@b@example.org"}, "email"),
        (
            {
                "email": "x@example.org",
                "body": "BODY",
                "role": "member",
                "starts_on": "2027-01-01",
                "ends_on": "2026-01-01",
            },
            "ends_on",
        ),
        ({"email": "x@example.org", "body": "BODY", "role": ""}, "role"),
        ({"email": "x@example.org", "role": "leader"}, "body"),
    ],
)
def test_bad_input_is_answered_on_the_form_and_nothing_is_created(client_for, data, field):
    data = {k: (fylkesstyret().pk if v == "BODY" else v) for k, v in data.items()}
    before = (Invitation.objects.count(), Delivery.objects.count())
    response = _post_invitation(client_for, data)
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert (Invitation.objects.count(), Delivery.objects.count()) == before
    assert mail.outbox == []


def test_a_second_pending_invitation_for_the_same_place_is_refused(invite, client_for):
    invite(email="dobbel@example.org", body=fylkesstyret(), role="member")
    before = Invitation.objects.count()
    response = _post_invitation(
        client_for, {"email": "Dobbel@example.org", "body": fylkesstyret().pk, "role": "member"}
    )
    assert response.status_code == 200
    assert "dobbel@example.org" in str(response.context["form"].errors["email"])
    assert Invitation.objects.count() == before
    assert len(mail.outbox) == 1


def test_services_refuse_a_body_of_another_organisation(persona):
    asker_board = Body.objects.get(organisation__slug="rodt-asker", name="Styret")
    with pytest.raises(ValidationError) as refused:
        invitation_create(
            organisation=akershus(),
            email=fresh_address(),
            body=asker_board,
            role="member",
            by=persona("admin"),
        )
    assert "body" in refused.value.message_dict
    assert not Invitation.objects.filter(body=asker_board).exists()


def test_an_accepted_invitation_cannot_be_sent_again_or_withdrawn(invite, persona):
    member = persona("member")
    invitation = invite(email=member.email)
    invitation_accept(invitation=invitation, person=member)
    for service in (invitation_resend, invitation_withdraw):
        with pytest.raises(ValidationError, match="godtatt"):
            service(invitation=invitation, by=persona("admin"))


# Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 403), ("board", 403), ("committee", 403), ("outsider", 404), ("other_admin", 404)],
)
def test_only_the_organisations_admins_manage_its_invitations(client_for, who, status):
    invitation = fresh_invitation()
    client = client_for(who)
    for url, method in [
        (reverse("organisations:invitations", args=["rodt-akershus"]), "get"),
        (reverse("organisations:invitation_new", args=["rodt-akershus"]), "post"),
        (reverse("organisations:invitation_resend", args=["rodt-akershus", invitation.pk]), "post"),
        (
            reverse("organisations:invitation_withdraw", args=["rodt-akershus", invitation.pk]),
            "post",
        ),
    ]:
        assert getattr(client, method)(url, {"email": "x@example.org"}).status_code == status
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None and invitation.send_count == 1


def test_another_organisations_invitation_is_404_to_an_admin_of_this_one(client_for):
    invitation = fresh_invitation()
    url = reverse("organisations:invitation_withdraw", args=["rodt-asker", invitation.pk])
    assert client_for("admin").post(url).status_code == 404


# Personal data and the outbox's housekeeping -------------------------------------------------


def test_invitations_to_a_persons_address_are_in_their_data_and_erased_with_it(invite, persona):
    member = persona("member")
    invitation = invite(email=member.email)
    invitation_accept(invitation=invitation, person=member)
    data = as_json_data(member)
    assert len(data["organisations"]["invitations"]) == 1
    assert len(data["calendar"]["address_deliveries"]) == 1

    person_erase(person=member, by=member)

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert not Delivery.objects.filter(email__iexact="medlem@example.org").exists()


def test_sent_invitation_emails_are_pruned_after_the_retention(invite):
    invitation = invite()
    delivery = Delivery.objects.get(kind=MailKind.INVITATION, object_id=invitation.pk)
    Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now() - timedelta(days=400))
    assert deliveries_prune() >= 1
    assert not Delivery.objects.filter(pk=delivery.pk).exists()


def test_the_term_of_a_position_comes_from_the_invitation(invite, persona):
    member = persona("member")
    start, end = date.today() + timedelta(days=1), date.today() + timedelta(days=365)
    invitation = invite(
        email=member.email, body=fylkesstyret(), role="member", starts_on=start, ends_on=end
    )
    invitation_accept(invitation=invitation, person=member)
    position = Position.objects.get(person=member, body=fylkesstyret())
    assert (position.starts_on, position.ends_on) == (start, end)
