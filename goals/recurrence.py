"""Recurrence in plain words, stored as RFC 5545 RRULE values."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def parse_rrule(value: str) -> dict[str, str]:
    parts = (part.split("=", 1) for part in value.split(";") if "=" in part)
    return {key.strip().upper(): val.strip().upper() for key, val in parts}


def describe_recurrence(value: str) -> str:
    """ "FREQ=MONTHLY;INTERVAL=3" -> "every quarter"; empty for no recurrence."""
    if not value:
        return ""
    rule = parse_rrule(value)
    freq = rule.get("FREQ", "")
    interval = int(rule.get("INTERVAL", "1") or 1)
    if freq == "MONTHLY":
        if interval == 1:
            return _("every month")
        if interval == 3:
            return _("every quarter")
        if interval == 6:
            return _("every half year")
        if 12 % interval == 0:
            count = 12 // interval
            return ngettext("%(count)d time a year", "%(count)d times a year", count) % {
                "count": count
            }
        return ngettext("every %(n)d month", "every %(n)d months", interval) % {"n": interval}
    if freq == "YEARLY":
        if interval == 1:
            return _("every year")
        return ngettext("every %(n)d year", "every %(n)d years", interval) % {"n": interval}
    if freq == "WEEKLY":
        if interval == 1:
            return _("every week")
        return ngettext("every %(n)d week", "every %(n)d weeks", interval) % {"n": interval}
    return value
