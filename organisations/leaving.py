"""A person leaves a body or an organisation of their own accord.

Leaving takes effect at once (DESIGN.md §5): yesterday becomes the last day of
the term, so the rights it gave are gone today. A term that only began today
never ran a whole day; it is dropped, as a hand-over drops a term not yet begun.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .audit import audit
from .models import Membership, Organisation, Position, User
from .permissions import forget_access
from .services import membership_end, position_end


def positions_held(person: User, on: date) -> QuerySet[Position]:
    """The person's terms that still hold on the day or begin later."""
    return Position.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), person=person)


def positions_below(membership: Membership, on: date) -> QuerySet[Position]:
    """The person's terms in force on the day in the organisation and the ones below it."""
    subtree = Organisation.objects.descendants(membership.organisation, include_self=True)
    return (
        positions_held(membership.person, on)
        .filter(starts_on__lte=on, body__organisation__in=subtree.values("pk"))
        .select_related("body__organisation", "person")
        .order_by("body__organisation__name", "body__name")
    )


@transaction.atomic
def position_leave(*, position: Position, by: User, today: date | None = None) -> None:
    """The person gives up their place in the body now."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    if position.starts_on <= yesterday:
        position_end(position=position, on=yesterday, by=by)
        return
    audit(
        organisation=position.body.organisation,
        actor=by,
        action="position.end",
        target=position,
        summary=str(position),
        changes={
            "term": [[position.starts_on.isoformat(), _iso(position.ends_on)], None],
        },
    )
    position.delete()
    forget_access(position.person)


@transaction.atomic
def membership_leave(*, membership: Membership, by: User, today: date | None = None) -> int:
    """The person leaves the organisation and their places in it and below it.

    Returns how many places ended. A membership that began today ends today: its
    row keeps the member number the register knows it by.
    """
    today = today or timezone.localdate()
    positions = list(positions_below(membership, today))
    for position in positions:
        position_leave(position=position, by=by, today=today)
    last_day = max(today - timedelta(days=1), membership.since)
    membership_end(membership=membership, on=last_day, by=by)
    return len(positions)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
