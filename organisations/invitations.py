"""Invitations by email into an organisation, as a member or into a position.

This app only announces an invitation to send (``signals.invitation_issued``);
the app that sends mail puts it in its outbox. The link carries a signed token
over the invitation and its send count: a resent invitation's older links stop
working, a withdrawn or accepted one says so, and none outlives its expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .audit import audit
from .models import Body, Invitation, Membership, MembershipSource, Organisation, Role, User
from .services import membership_add, position_add
from .signals import invitation_issued

TOKEN_SALT = "handlingsplan.invitation"
DEFAULT_EXPIRY_DAYS = 14
# Where the invitation link leaves its token while the person signs up.
SESSION_KEY = "invitation_token"


def expiry_days() -> int:
    """How long an invitation's link works after it was sent (INVITATION_EXPIRY_DAYS)."""
    return int(getattr(settings, "INVITATION_EXPIRY_DAYS", DEFAULT_EXPIRY_DAYS))


# The link ------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The signed token of the invitation's latest sending."""
    return signing.dumps({"i": invitation.pk, "n": invitation.send_count}, salt=TOKEN_SALT)


def invitation_url(invitation: Invitation) -> str:
    """The absolute link of the invitation's latest sending, for the email."""
    return settings.SITE_URL + reverse("invitations:show", args=[invitation_token(invitation)])


class State:
    VALID = "valid"
    BAD = "bad"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"
    REPLACED = "replaced"


@dataclass(frozen=True)
class TokenCheck:
    state: str
    invitation: Invitation | None = None

    @property
    def valid(self) -> bool:
        return self.state == State.VALID


def invitation_check(token: str) -> TokenCheck:
    """What a link's token leads to; never raises, whatever the token is."""
    try:
        data = signing.loads(
            str(token), salt=TOKEN_SALT, max_age=timedelta(days=expiry_days(), hours=1)
        )
        pk, count = int(data["i"]), int(data["n"])
    except signing.SignatureExpired:
        return TokenCheck(State.EXPIRED)
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        return TokenCheck(State.BAD)
    invitation = (
        Invitation.objects.select_related("organisation", "body", "invited_by")
        .filter(pk=pk)
        .first()
    )
    if invitation is None:
        return TokenCheck(State.BAD)
    if invitation.accepted_at:
        return TokenCheck(State.ACCEPTED, invitation)
    if invitation.withdrawn_at:
        return TokenCheck(State.WITHDRAWN, invitation)
    if count != invitation.send_count:
        return TokenCheck(State.REPLACED, invitation)
    if invitation.expires_at <= timezone.now():
        return TokenCheck(State.EXPIRED, invitation)
    return TokenCheck(State.VALID, invitation)


def invitation_in_session(request) -> Invitation | None:
    """The pending invitation whose link the visitor followed to sign up, if any."""
    session = getattr(request, "session", None)
    token = session.get(SESSION_KEY) if session is not None else None
    if not token:
        return None
    check = invitation_check(token)
    return check.invitation if check.valid else None


# Services ------------------------------------------------------------------------------


def describe(invitation: Invitation) -> str:
    """For the log: "ny@example.org: Secretary, Styret" or "ny@example.org: member"."""
    if invitation.body_id:
        return f"{invitation.email}: {invitation.get_role_display()}, {invitation.body.name}"
    return f"{invitation.email}: {_('member')}"


def _issue(invitation: Invitation, now) -> None:
    """Count a sending and announce it; the mail app writes it to its outbox in this transaction."""
    invitation.send_count += 1
    invitation.sent_at = now
    invitation.save(update_fields=["send_count", "sent_at", "expires_at"])
    invitation_issued.send(sender=Invitation, invitation=invitation)


def _refuse_closed(organisation: Organisation) -> None:
    if organisation.closed_on:
        raise ValidationError(
            _("%(organisation)s is closed: it takes no new members or office holders.")
            % {"organisation": organisation.name}
        )


def _refuse_duplicate(
    *, organisation: Organisation, email: str, body: Body | None, exclude: int | None = None
) -> None:
    waiting = Invitation.objects.pending().filter(
        organisation=organisation, body=body, email__iexact=email
    )
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude)
    earlier = waiting.first()
    if earlier is not None:
        raise ValidationError(
            {
                "email": _(
                    "%(email)s already has an invitation to this waiting, sent %(day)s. "
                    "Send that one again from the list of invitations instead."
                )
                % {
                    "email": email,
                    "day": date_format(timezone.localtime(earlier.sent_at or earlier.created_at)),
                }
            }
        )


@transaction.atomic
def invitation_create(
    *,
    organisation: Organisation,
    email: str,
    name: str = "",
    body: Body | None = None,
    role: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    by: User | None,
) -> Invitation:
    """Invite an address as a member of the organisation, or into a place in one of its bodies."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid email address, like name@example.org.")
    if body is None:
        if role or starts_on or ends_on:
            errors["body"] = _("Choose the body the role and term belong to.")
    else:
        if body.organisation_id != organisation.pk:
            errors["body"] = _("Choose a body of %(organisation)s.") % {
                "organisation": organisation.name
            }
        elif body.dissolved_on:
            errors["body"] = _("%(body)s is dissolved: nobody can take a place in it.") % {
                "body": body.name
            }
        if role not in Role.values:
            errors["role"] = _("Choose the role: leader, secretary or member.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The term cannot end before it starts.")
    if errors:
        raise ValidationError(errors)
    _refuse_closed(organisation)
    _refuse_duplicate(organisation=organisation, email=email, body=body)
    now = timezone.now()
    invitation = Invitation(
        organisation=organisation,
        email=email,
        name=(name or "").strip(),
        body=body,
        role=role if body else "",
        starts_on=starts_on if body else None,
        ends_on=ends_on if body else None,
        invited_by=by,
        expires_at=now + timedelta(days=expiry_days()),
    )
    invitation.full_clean()
    invitation.save()
    _issue(invitation, now)
    audit(
        organisation=organisation,
        actor=by,
        action="invitation.create",
        target=invitation,
        summary=describe(invitation),
    )
    return invitation


def _locked(invitation: Invitation) -> Invitation:
    return (
        # Only the invitation's row: PostgreSQL cannot lock the nullable side of the body's join.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "body")
        .get(pk=invitation.pk)
    )


def _refuse_unless_open(invitation: Invitation) -> None:
    """Refuse an invitation that was accepted or withdrawn (an expired one may be sent again)."""
    if invitation.accepted_at:
        raise ValidationError(
            _("This invitation was accepted on %(day)s.")
            % {"day": date_format(timezone.localtime(invitation.accepted_at))}
        )
    if invitation.withdrawn_at:
        raise ValidationError(
            _("This invitation was withdrawn on %(day)s.")
            % {"day": date_format(timezone.localtime(invitation.withdrawn_at))}
        )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None) -> Invitation:
    """Send the invitation again with a new expiry; the links sent before stop working."""
    invitation = _locked(invitation)
    _refuse_unless_open(invitation)
    _refuse_closed(invitation.organisation)
    _refuse_duplicate(
        organisation=invitation.organisation,
        email=invitation.email,
        body=invitation.body,
        exclude=invitation.pk,
    )
    now = timezone.now()
    old = invitation.expires_at
    invitation.expires_at = now + timedelta(days=expiry_days())
    _issue(invitation, now)
    audit(
        organisation=invitation.organisation,
        actor=by,
        action="invitation.resend",
        target=invitation,
        summary=describe(invitation),
        changes={"expires_at": [old.isoformat(), invitation.expires_at.isoformat()]},
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User | None) -> Invitation:
    """Withdraw the invitation: its link then says so. An accepted one cannot be withdrawn."""
    invitation = _locked(invitation)
    if invitation.withdrawn_at:
        return invitation
    _refuse_unless_open(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit(
        organisation=invitation.organisation,
        actor=by,
        action="invitation.withdraw",
        target=invitation,
        summary=describe(invitation),
    )
    return invitation


def _member_here_or_below(person: User, organisation: Organisation) -> bool:
    """A member of the organisation or of a branch below it is a member of it already."""
    subtree = Organisation.objects.descendants(organisation, include_self=True)
    return (
        Membership.objects.in_force()
        .filter(person=person, organisation__in=list(subtree.values_list("pk", flat=True)))
        .exists()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, person: User) -> Invitation:
    """The invited person accepts: the membership, and the place in the body if any."""
    invitation = _locked(invitation)
    _refuse_unless_open(invitation)
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _(
                "This invitation expired on %(day)s. "
                "Ask the person who invited you to send it again."
            )
            % {"day": date_format(timezone.localtime(invitation.expires_at))}
        )
    if person.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s; you are logged in as %(you)s.")
            % {"email": invitation.email, "you": person.email}
        )
    organisation = invitation.organisation
    if not _member_here_or_below(person, organisation):
        membership_add(
            person=person,
            organisation=organisation,
            source=MembershipSource.INVITATION,
            by=person,
        )
    if invitation.body_id:
        position_add(
            person=person,
            body=invitation.body,
            role=invitation.role,
            starts_on=invitation.starts_on,
            ends_on=invitation.ends_on,
            by=person,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit(
        organisation=organisation,
        actor=person,
        action="invitation.accept",
        target=invitation,
        summary=describe(invitation),
    )
    return invitation


@transaction.atomic
def invitation_signup_complete(*, invitation: Invitation, person: User) -> Invitation:
    """A new account made from the invitation's link: its name and language, then accepting."""
    if not person.name and invitation.name:
        person.name = invitation.name
    person.language = invitation.organisation.language
    person.save(update_fields=["name", "language"])
    return invitation_accept(invitation=invitation, person=person)


def user_signed_up_received(sender, *, request, user, **kwargs) -> None:
    """allauth made an account: if it came from an invitation's link, accept the invitation."""
    from django.contrib import messages

    invitation = invitation_in_session(request)
    request.session.pop(SESSION_KEY, None)
    if invitation is None or invitation.email.lower() != user.email.lower():
        return
    try:
        invitation_signup_complete(invitation=invitation, person=user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation.name},
        )
