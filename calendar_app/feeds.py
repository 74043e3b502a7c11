"""iCalendar feeds (RFC 5545), made with the icalendar library.

Stable UIDs, VTIMEZONE from the time zone database, SEQUENCE for changes,
STATUS:CANCELLED for cancelled events. No person's name is ever written.
"""

from __future__ import annotations

from datetime import timedelta

import icalendar
from django.utils import timezone

from organisations.params import in_sane_years

from .models import Event, EventStatus

PRODID = "-//Handlingsplan//Kalender//NO"


def _vevent(event: Event, base_url: str) -> icalendar.Event:
    zone = event.organisation.zoneinfo
    vevent = icalendar.Event()
    vevent.add("uid", f"{event.uid}@handlingsplan")
    vevent.add("dtstamp", event.updated_at or timezone.now())
    vevent.add("last-modified", event.updated_at or timezone.now())
    vevent.add("created", event.created_at or timezone.now())
    vevent.add("sequence", event.sequence)
    vevent.add("summary", event.title)
    start = event.starts_at.astimezone(zone)
    if event.all_day:
        end = (event.ends_at or event.starts_at).astimezone(zone).date() + timedelta(days=1)
        vevent.add("dtstart", start.date())
        vevent.add("dtend", end)
    else:
        vevent.add("dtstart", start)
        vevent.add(
            "dtend", (event.ends_at or event.starts_at + timedelta(hours=2)).astimezone(zone)
        )
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("url", f"{base_url}{event.get_absolute_url()}")
    vevent.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    vevent.add("class", "PUBLIC" if event.visibility == "public" else "PRIVATE")
    return vevent


def _writable(event: Event) -> bool:
    # An event left in year 1 or 9999 (old data, the admin) overflows when it is
    # converted to local time or given its default end; no calendar needs it.
    return in_sane_years(event.starts_at) and (
        event.ends_at is None or in_sane_years(event.ends_at)
    )


def feed_ics(events, *, name: str, base_url: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events:
        if _writable(event):
            calendar.add_component(_vevent(event, base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()
