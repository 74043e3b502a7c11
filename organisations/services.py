"""Writes to the organisation tree and to who holds which place in it.

A person's own account (language, sessions, deactivation) is written in accounts.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .audit import audit
from .generations import rights_changed
from .models import (
    Body,
    Membership,
    MembershipSource,
    Organisation,
    OrganisationAdmin,
    Position,
    Role,
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
def organisation_rename(*, organisation: Organisation, name: str, by: User | None) -> Organisation:
    """Give the organisation a new name; its slug (its address) stays."""
    old = organisation.name
    organisation.name = name.strip()
    organisation.full_clean()
    if organisation.name != old:
        organisation.save(update_fields=["name"])
        audit(
            organisation=organisation,
            actor=by,
            action="organisation.rename",
            target=organisation,
            summary=organisation.name,
            changes={"name": [old, organisation.name]},
        )
    return organisation


def _positions_end(positions, on) -> int:
    """End the terms that still run after ``on``; a term not begun by then is dropped."""
    positions.filter(starts_on__gt=on).delete()
    ended = positions.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on)).update(ends_on=on)
    rights_changed()  # update() sends no signal
    return ended


@transaction.atomic
def organisation_close(*, organisation: Organisation, on, by: User | None) -> Organisation:
    """Close a node on a day: its positions and memberships end, its bodies are dissolved.

    A national party (a root) is not closed here, nor a node with open organisations below.
    """
    if organisation.closed_on:
        raise ValidationError(_("%(name)s is already closed.") % {"name": organisation.name})
    if organisation.parent_id is None:
        raise ValidationError(
            _("%(name)s is a national party, the root of its tree; it cannot be closed here.")
            % {"name": organisation.name}
        )
    open_children = list(
        organisation.children.filter(closed_on__isnull=True).values_list("name", flat=True)
    )
    if open_children:
        raise ValidationError(
            _("Close or move the organisations below it first: %(names)s.")
            % {"names": ", ".join(sorted(open_children))}
        )
    ended_positions = _positions_end(Position.objects.filter(body__organisation=organisation), on)
    ended_memberships = (
        Membership.objects.filter(organisation=organisation)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .update(ends_on=on)
    )
    organisation.bodies.filter(dissolved_on__isnull=True).update(dissolved_on=on)
    rights_changed()  # update() sends no signal
    organisation.closed_on = on
    organisation.save(update_fields=["closed_on"])
    audit(
        organisation=organisation,
        actor=by,
        action="organisation.close",
        target=organisation,
        summary=_("%(positions)d positions and %(memberships)d memberships ended")
        % {"positions": ended_positions, "memberships": ended_memberships},
        changes={"closed_on": [None, on.isoformat()]},
    )
    return organisation


@transaction.atomic
def body_rename(*, body: Body, name: str, by: User | None) -> Body:
    old = body.name
    body.name = name.strip()
    body.full_clean()
    if body.name != old:
        body.save(update_fields=["name"])
        audit(
            organisation=body.organisation,
            actor=by,
            action="body.rename",
            target=body,
            summary=body.name,
            changes={"name": [old, body.name]},
        )
    return body


@transaction.atomic
def body_dissolve(*, body: Body, on, by: User | None) -> Body:
    """Dissolve the body on a day: the terms of its people end that day."""
    if body.dissolved_on:
        raise ValidationError(_("%(name)s is already dissolved.") % {"name": body.name})
    ended = _positions_end(body.positions.all(), on)
    body.dissolved_on = on
    body.save(update_fields=["dissolved_on"])
    audit(
        organisation=body.organisation,
        actor=by,
        action="body.dissolve",
        target=body,
        summary=_("%(name)s: %(count)d positions ended") % {"name": body.name, "count": ended},
        changes={"dissolved_on": [None, on.isoformat()]},
    )
    return body


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _end_not_before(on: date, start: date) -> None:
    if on < start:
        raise ValidationError(
            {
                "on": _("The end cannot be before the start (%(start)s).")
                % {"start": date_format(start)}
            }
        )


def _open_organisation(organisation: Organisation) -> None:
    if organisation.closed_on:
        raise ValidationError(
            _("%(organisation)s is closed: it takes no new members or office holders.")
            % {"organisation": organisation.name}
        )


def _term_checked(*, body: Body, role: str, starts_on: date, ends_on: date | None) -> None:
    """Refuse a term no body could hold: backwards, in a dissolved body, or with an unknown role."""
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The term cannot end before it starts.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role: leader, secretary or member.")})
    if body.dissolved_on:
        raise ValidationError(
            _("%(body)s was dissolved on %(day)s: nobody can take a place in it.")
            % {"body": body.name, "day": date_format(body.dissolved_on)}
        )
    _open_organisation(body.organisation)


def _overlapping(positions, *, starts_on: date, ends_on: date | None):
    """The terms among ``positions`` that share at least one day with [starts_on, ends_on]."""
    overlap = positions.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    return overlap.filter(starts_on__lte=ends_on) if ends_on else overlap


@transaction.atomic
def membership_add(
    *,
    person: User,
    organisation: Organisation,
    since: date | None = None,
    member_number: str = "",
    source: str = MembershipSource.MANUAL,
    by=None,
) -> Membership:
    """Make the person a member; an ended membership is opened again, a current one kept."""
    _open_organisation(organisation)
    membership = (
        Membership.objects.select_for_update()
        .filter(person=person, organisation=organisation)
        .first()
    )
    if membership is not None and membership.ends_on is None:
        return membership
    if membership is None:
        membership = Membership(person=person, organisation=organisation)
        changes = None
    else:
        changes = {"ends_on": [_iso(membership.ends_on), None]}
    membership.since = since or timezone.localdate()
    membership.ends_on = None
    membership.member_number = member_number.strip() or membership.member_number
    membership.source = source
    membership.full_clean(validate_unique=False)
    membership.save()
    forget_access(person)
    audit(
        organisation=organisation,
        actor=by,
        action="membership.add",
        target=membership,
        summary=str(person),
        changes=changes,
    )
    return membership


@transaction.atomic
def membership_end(*, membership: Membership, on: date, by=None) -> Membership:
    """End the membership: ``on`` is its last day; the rights it gave end after it."""
    _end_not_before(on, membership.since)
    old = membership.ends_on
    if old != on:
        membership.ends_on = on
        membership.save(update_fields=["ends_on"])
        audit(
            organisation=membership.organisation,
            actor=by,
            action="membership.end",
            target=membership,
            summary=str(membership.person),
            changes={"ends_on": [_iso(old), _iso(on)]},
        )
    forget_access(membership.person)
    return membership


@transaction.atomic
def position_add(
    *,
    person: User,
    body: Body,
    role: str,
    starts_on: date | None = None,
    ends_on: date | None = None,
    by=None,
) -> Position:
    """Give the person a place in the body for a term: from today and open by default."""
    starts_on = starts_on or timezone.localdate()
    _term_checked(body=body, role=role, starts_on=starts_on, ends_on=ends_on)
    same_place = Position.objects.select_for_update().filter(person=person, body=body, role=role)
    clash = _overlapping(same_place, starts_on=starts_on, ends_on=ends_on).first()
    if clash is not None:
        raise ValidationError(
            _(
                "%(person)s already holds this place in %(body)s for part of that term "
                "(from %(start)s)."
            )
            % {
                "person": person.get_full_name(),
                "body": body.name,
                "start": date_format(clash.starts_on),
            }
        )
    position = Position(person=person, body=body, role=role, starts_on=starts_on, ends_on=ends_on)
    position.full_clean(validate_unique=False)
    position.save()
    forget_access(person)
    audit(
        organisation=body.organisation,
        actor=by,
        action="position.add",
        target=position,
        summary=str(position),
        changes={"term": [None, [_iso(starts_on), _iso(ends_on)]]},
    )
    return position


@transaction.atomic
def position_end(*, position: Position, on: date, by=None) -> Position:
    """End the term: ``on`` is its last day; the rights it gave end after it."""
    _end_not_before(on, position.starts_on)
    old = position.ends_on
    if old is not None and on > old:  # extending a term must not run into the next one
        later = Position.objects.filter(
            person=position.person_id, body=position.body_id, role=position.role
        ).exclude(pk=position.pk)
        if _overlapping(later, starts_on=old + timedelta(days=1), ends_on=on).exists():
            raise ValidationError({"on": _("The person holds this place again before that day.")})
    if old != on:
        position.ends_on = on
        position.save(update_fields=["ends_on"])
        audit(
            organisation=position.body.organisation,
            actor=by,
            action="position.end",
            target=position,
            summary=str(position),
            changes={"ends_on": [_iso(old), _iso(on)]},
        )
    forget_access(position.person)
    return position


@transaction.atomic
def board_hand_over(
    *,
    body: Body,
    holders: list[tuple[User, str]],
    starts_on: date,
    ends_on: date | None = None,
    by=None,
) -> list[Position]:
    """The body elected at an annual meeting takes over on ``starts_on``.

    Every term running on that day ends the day before (a term not yet begun is
    dropped), and the new holders' terms start that day.
    """
    if not holders:
        raise ValidationError(_("Name at least one person for the new board."))
    for _person, role in holders:
        _term_checked(body=body, role=role, starts_on=starts_on, ends_on=ends_on)
    holders = list(dict.fromkeys(holders))  # the same person twice in the same role is once
    day_before = starts_on - timedelta(days=1)
    running = list(
        body.positions.select_for_update()
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
        .select_related("person")
    )
    for position in running:
        if position.starts_on >= starts_on:
            position.delete()
        else:
            position.ends_on = day_before
            position.save(update_fields=["ends_on"])
    positions = []
    for person, role in holders:
        position = Position(
            person=person, body=body, role=role, starts_on=starts_on, ends_on=ends_on
        )
        position.full_clean(validate_unique=False)
        position.save()
        positions.append(position)
    for person in {p.person for p in running} | {person for person, _role in holders}:
        forget_access(person)
    audit(
        organisation=body.organisation,
        actor=by,
        action="position.hand_over",
        target=body,
        summary=_("%(body)s: %(count)d people from %(day)s")
        % {"body": body.name, "count": len(positions), "day": date_format(starts_on)},
        changes={
            "holders": [
                sorted(f"{p.person} ({p.get_role_display()})" for p in running),
                sorted(f"{p.person} ({p.get_role_display()})" for p in positions),
            ],
            "starts_on": [None, _iso(starts_on)],
        },
    )
    return positions


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
