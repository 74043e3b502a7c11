"""Writes to the organisation tree and to who holds which place in it."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import audit
from .models import (
    Body,
    Language,
    Membership,
    Organisation,
    OrganisationAdmin,
    Position,
    User,
)
from .permissions import forget_access
from .signals import organisation_created


@transaction.atomic
def organisation_create(
    *,
    name: str,
    slug: str,
    kind: str,
    parent: Organisation | None = None,
    language: str = "nb",
    country: str = "NO",
    time_zone: str = "Europe/Oslo",
    by: User | None = None,
) -> Organisation:
    """Create a node of the tree; refuses a second national root or a misplaced one."""
    organisation = Organisation(
        name=name,
        slug=slug,
        kind=kind,
        parent=parent,
        language=language,
        country=country,
        time_zone=time_zone,
    )
    organisation.full_clean()
    organisation.save()
    organisation_created.send(sender=Organisation, organisation=organisation, by=by)
    audit(
        organisation=organisation,
        actor=by,
        action="organisation.create",
        target=organisation,
        summary=name,
    )
    return organisation


@transaction.atomic
def organisation_move(
    *, organisation: Organisation, parent: Organisation | None, by: User | None = None
) -> Organisation:
    """Move a node under a new parent; refuses cycles with a ValidationError."""
    old_parent_id = organisation.parent_id
    organisation.parent = parent
    organisation.full_clean()
    organisation.save(update_fields=["parent"])
    audit(
        organisation=organisation,
        actor=by,
        action="organisation.move",
        target=organisation,
        changes={"parent": [old_parent_id, parent.pk if parent else None]},
    )
    return organisation


@transaction.atomic
def body_create(*, organisation: Organisation, name: str, kind: str, by=None) -> Body:
    body = Body(organisation=organisation, name=name, kind=kind)
    body.full_clean()
    body.save()
    audit(organisation=organisation, actor=by, action="body.create", target=body, summary=name)
    return body


@transaction.atomic
def membership_add(*, person: User, organisation: Organisation, by=None) -> Membership:
    membership, created = Membership.objects.get_or_create(person=person, organisation=organisation)
    if created:
        forget_access(person)
        audit(
            organisation=organisation,
            actor=by,
            action="membership.add",
            target=membership,
            summary=str(person),
        )
    return membership


@transaction.atomic
def position_add(*, person: User, body: Body, role: str, by=None) -> Position:
    position, created = Position.objects.get_or_create(person=person, body=body, role=role)
    if created:
        forget_access(person)
        audit(
            organisation=body.organisation,
            actor=by,
            action="position.add",
            target=position,
            summary=str(position),
        )
    return position


@transaction.atomic
def admin_grant(*, person: User, organisation: Organisation, by=None) -> OrganisationAdmin:
    grant, created = OrganisationAdmin.objects.get_or_create(
        person=person, organisation=organisation
    )
    if created:
        forget_access(person)
        audit(
            organisation=organisation,
            actor=by,
            action="admin.grant",
            target=grant,
            summary=str(person),
        )
    return grant


def person_language_set(*, person: User, language: str) -> None:
    """The language a person chose in the menu is also the language of their emails."""
    if language in dict(Language.choices) and person.language != language:
        User.objects.filter(pk=person.pk).update(language=language)


def person_sessions_end(person: User) -> None:
    """Log the person out everywhere: delete the sessions that belong to them.

    Sessions kept elsewhere than in a table (cache, cookie) end anyway for an
    inactive account: the authentication backend no longer returns its user.
    """
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        for user_session in UserSession.objects.filter(user=person):
            user_session.end()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return
    mine = str(person.pk)
    keys = [
        session.session_key
        for session in store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == mine
    ]
    for key in keys:
        store(session_key=key).delete()  # through the store, so a cached copy goes too


@transaction.atomic
def person_deactivate(*, person: User, by: User | None = None) -> User:
    """The account stops at once: no login, no session, no private feed."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    forget_access(person)
    person_sessions_end(person)
    organisations = Organisation.objects.filter(
        Q(memberships__person=person)
        | Q(bodies__positions__person=person)
        | Q(admin_grants__person=person)
    ).distinct()
    for organisation in organisations:
        audit(
            organisation=organisation,
            actor=by,
            action="person.deactivate",
            target=person,
            summary=str(person),
        )
    return person
