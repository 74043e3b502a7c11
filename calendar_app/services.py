"""Writes to the calendar: events, the annual wheel, and private feed tokens."""

from __future__ import annotations

import calendar as month_calendar
import secrets
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from goals.models import Measure
from organisations.models import Organisation
from plans.activity import activity_record
from plans.models import PlanStatus

from .models import (
    CycleEntry,
    Event,
    EventStatus,
    EventVisibility,
    FeedToken,
    NotificationSettings,
    ReminderKind,
    elections_between,
    year_types,
)

EVENT_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "all_day",
    "location",
    "description",
    "visibility",
    "for_descendants",
)


@transaction.atomic
def event_create(*, organisation: Organisation, by, **values) -> Event:
    event = Event(organisation=organisation, **values)
    event.full_clean()
    event.save()
    activity_record(
        organisation=organisation,
        actor=by,
        action="event.create",
        target=event,
        summary=event.title,
    )
    return event


@transaction.atomic
def event_update(*, event: Event, by, **values) -> Event:
    """Change an event; SEQUENCE goes up so subscribed calendars take the change."""
    changes = {
        name: [str(getattr(event, name)), str(value)]
        for name, value in values.items()
        if getattr(event, name) != value
    }
    for name, value in values.items():
        setattr(event, name, value)
    event.full_clean()
    if changes:
        event.sequence = F("sequence") + 1
    event.save()
    event.refresh_from_db()
    if changes:
        activity_record(
            organisation=event.organisation,
            actor=by,
            action="event.update",
            target=event,
            summary=event.title,
            changes=changes,
        )
    return event


@transaction.atomic
def event_cancel(*, event: Event, by) -> Event:
    """Cancelled, not deleted: subscribed calendars see it as cancelled."""
    if event.status == EventStatus.CANCELLED:
        return event
    Event.objects.filter(pk=event.pk).update(
        status=EventStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now()
    )
    event.refresh_from_db()
    activity_record(
        organisation=event.organisation,
        actor=by,
        action="event.cancel",
        target=event,
        summary=event.title,
    )
    return event


@transaction.atomic
def cycle_entry_create(*, organisation: Organisation, by, **values) -> CycleEntry:
    entry = CycleEntry(organisation=organisation, **values)
    entry.full_clean()
    entry.save()
    activity_record(
        organisation=organisation,
        plan=entry.plan,  # the plan's printed wheel changes with it
        actor=by,
        action="cycle.create",
        target=entry,
        summary=entry.title,
    )
    return entry


@transaction.atomic
def cycle_entry_delete(*, entry: CycleEntry, by) -> None:
    activity_record(
        organisation=entry.organisation,
        plan=entry.plan,
        actor=by,
        action="cycle.delete",
        summary=entry.title,
    )
    entry.delete()


def _all_day(day: date, organisation: Organisation) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), organisation.zoneinfo)


def _entry_span(entry: CycleEntry, year: int) -> tuple[date, date | None]:
    """The first and last day of an entry in ``year``: a day, or whole months without one."""
    last_day = month_calendar.monthrange(year, entry.month)[1]
    if entry.day:
        return date(year, entry.month, min(entry.day, last_day)), None
    end_month = entry.end_month or entry.month
    end_year = year if end_month >= entry.month else year + 1  # "November–February"
    return (
        date(year, entry.month, 1),
        date(end_year, end_month, month_calendar.monthrange(end_year, end_month)[1]),
    )


@transaction.atomic
def wheel_to_events(
    *,
    organisation: Organisation,
    first_year: int,
    last_year: int,
    by,
    visibility: str = EventVisibility.MEMBERS,
) -> int:
    """Turn the annual wheel (and recurring measures) into dated events, once.

    An entry without a day becomes an all-day event over its whole month (or months).
    Running it again creates nothing new and leaves events people edited alone.
    """
    elections = elections_between(first_year, last_year)
    created = 0
    for entry in organisation.cycle_entries.all():
        for year in range(first_year, last_year + 1):
            if not entry.applies_to(year, year_types(organisation.country, year, elections)):
                continue
            start, end = _entry_span(entry, year)
            _event, new = Event.objects.get_or_create(
                cycle_entry=entry,
                cycle_year=year,
                defaults={
                    "organisation": organisation,
                    "title": entry.title,
                    "starts_at": _all_day(start, organisation),
                    "ends_at": _all_day(end, organisation) if end else None,
                    "all_day": True,
                    "visibility": visibility,
                    "for_descendants": entry.for_descendants,
                },
            )
            created += new
    measures = (
        Measure.objects.filter(
            goal__plan__organisation=organisation,
            goal__plan__status=PlanStatus.ADOPTED,
            goal__plan__last_year__gte=first_year,
            goal__plan__first_year__lte=last_year,
        )
        .exclude(recurrence="")
        .select_related("goal__plan")
    )
    for measure in measures:
        # A measure of a members-only plan never becomes a public event.
        shown = visibility
        if visibility == EventVisibility.PUBLIC and measure.goal.plan.visibility != "public":
            shown = EventVisibility.MEMBERS
        for day in measure.occurrences():
            if first_year <= day.year <= last_year:
                _event, new = Event.objects.get_or_create(
                    measure=measure,
                    occurrence=day,
                    defaults={
                        "organisation": organisation,
                        "title": measure.text[:200],
                        "starts_at": _all_day(day, organisation),
                        "all_day": True,
                        "visibility": shown,
                    },
                )
                created += new
    if created:
        activity_record(
            organisation=organisation,
            actor=by,
            action="cycle.generate",
            summary=f"{first_year}–{last_year}: {created}",
        )
    return created


@transaction.atomic
def feed_token_regenerate(*, person) -> FeedToken:
    """A new secret for the private feed; the old URL stops working at once."""
    token, _created = FeedToken.objects.update_or_create(
        person=person, defaults={"token": secrets.token_urlsafe(32)}
    )
    return token


def feed_token_for(person) -> FeedToken:
    existing = FeedToken.objects.filter(person=person).first()
    return existing or feed_token_regenerate(person=person)


def notification_settings_of(person) -> NotificationSettings:
    """The person's settings, or the defaults (not saved) if they never chose."""
    return NotificationSettings.objects.filter(person=person).first() or NotificationSettings(
        person=person
    )


@transaction.atomic
def notifications_set(*, person, kinds, event_reminders: bool, weekly_digest: bool) -> None:
    """Which reminders the person wants (``kinds``), and how."""
    NotificationSettings.objects.update_or_create(
        person=person,
        defaults={
            "unsubscribed": [kind for kind in ReminderKind.values if kind not in kinds],
            "event_reminders": event_reminders,
            "weekly_digest": weekly_digest,
        },
    )


@transaction.atomic
def notifications_unsubscribe(*, person, kinds) -> None:
    """Stop these kinds of reminder (the one-click link in every email)."""
    current, _created = NotificationSettings.objects.select_for_update().get_or_create(
        person=person
    )
    current.unsubscribed = sorted(set(current.unsubscribed) | set(kinds))
    current.save(update_fields=["unsubscribed"])
