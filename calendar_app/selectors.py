"""Reads about events that views and tasks share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from organisations.models import Organisation
from organisations.selectors import with_ancestor_ids
from plans.selectors import replaced

from .models import CycleEntry, Event, EventStatus


def of_current_versions(events: QuerySet[Event]) -> QuerySet[Event]:
    """Leave out the events of a replaced plan version's measures and annual wheel.

    The measures the new version kept took their events along (goals.carry); what
    is left on the old version belongs to measures and entries it no longer has.
    """
    return events.exclude(replaced("measure__goal__plan__")).exclude(
        replaced("cycle_entry__plan__")
    )


def calendar_events(user, organisations: Iterable[Organisation]) -> QuerySet[Event]:
    """Events of the organisations, and those of their ancestors meant for the branches."""
    own_ids = {organisation.pk for organisation in organisations}
    ancestor_ids = with_ancestor_ids(own_ids) - own_ids
    return (
        of_current_versions(Event.objects.visible_to(user))
        .filter(
            Q(organisation__in=own_ids) | Q(organisation__in=ancestor_ids, for_descendants=True)
        )
        .select_related("organisation")
    )


def upcoming_events(user, organisations: Iterable[Organisation]) -> QuerySet[Event]:
    """Events from today on, cancelled ones left out."""
    return (
        calendar_events(user, organisations)
        .filter(starts_at__gte=timezone.now() - timedelta(hours=12))
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )


def wheel_entries(organisation: Organisation) -> QuerySet[CycleEntry]:
    """The organisation's annual wheel: its own entries and those from above for the branches."""
    above = with_ancestor_ids([organisation.pk]) - {organisation.pk}
    return (
        CycleEntry.objects.filter(
            Q(organisation=organisation) | Q(organisation__in=above, for_descendants=True)
        )
        .select_related("organisation")
        .order_by("month", "day", "pk")
    )
