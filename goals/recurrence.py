"""Recurrence in plain words, stored as RFC 5545 RRULE values."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.rrule import rrulestr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# The plain-word choices a person picks from, and the RRULE each one stores.
CHOICES = [
    ("", gettext_lazy("Does not repeat")),
    ("monthly", gettext_lazy("Every month")),
    ("quarterly", gettext_lazy("Every quarter")),
    ("half_yearly", gettext_lazy("Every half year")),
    ("yearly", gettext_lazy("Every year")),
    ("times_a_year", gettext_lazy("A number of times a year")),
]
SIMPLE_RULES = {
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "half_yearly": "FREQ=MONTHLY;INTERVAL=6",
    "yearly": "FREQ=YEARLY",
}


def parse_rrule(value: str) -> dict[str, str]:
    parts = (part.split("=", 1) for part in value.split(";") if "=" in part)
    return {key.strip().upper(): val.strip().upper() for key, val in parts}


def months_for(times: int) -> list[int]:
    """Months for N meetings a year: the summer month (July) and then December go first."""
    skip_order = [7, 12, 8, 1, 6, 2, 11, 3, 10, 4, 9, 5]
    skipped = set(skip_order[: 12 - times])
    return [month for month in range(1, 13) if month not in skipped]


def rrule_for(choice: str, times_a_year: int | None = None) -> str:
    if not choice:
        return ""
    if choice in SIMPLE_RULES:
        return SIMPLE_RULES[choice]
    if choice == "times_a_year":
        if not times_a_year or not 1 <= times_a_year <= 12:
            raise ValueError("times_a_year must be 1–12")
        if times_a_year == 1:
            return "FREQ=YEARLY"
        if 12 % times_a_year == 0:
            return f"FREQ=MONTHLY;INTERVAL={12 // times_a_year}"
        months = ",".join(str(m) for m in months_for(times_a_year))
        return f"FREQ=MONTHLY;BYMONTH={months}"
    raise ValueError(choice)


def choice_for(rrule: str) -> tuple[str, int | None]:
    """The plain-word choice (and count) that stores this RRULE, for editing it again."""
    for choice, rule in SIMPLE_RULES.items():
        if rrule == rule:
            return choice, None
    if not rrule:
        return "", None
    rule = parse_rrule(rrule)
    if "BYMONTH" in rule:
        return "times_a_year", len(rule["BYMONTH"].split(","))
    interval = int(rule.get("INTERVAL", "1") or 1)
    if rule.get("FREQ") == "MONTHLY" and 12 % interval == 0:
        return "times_a_year", 12 // interval
    return "", None


def describe_recurrence(value: str) -> str:
    """ "FREQ=MONTHLY;INTERVAL=3" -> "every quarter"; empty for no recurrence."""
    if not value:
        return ""
    rule = parse_rrule(value)
    freq = rule.get("FREQ", "")
    interval = int(rule.get("INTERVAL", "1") or 1)
    if freq == "MONTHLY" and "BYMONTH" in rule:
        count = len(rule["BYMONTH"].split(","))
        return ngettext("%(count)d time a year", "%(count)d times a year", count) % {"count": count}
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


def occurrences(value: str, first_year: int, last_year: int) -> list[date]:
    """The dates a recurring measure falls on within a plan period (first to last year)."""
    if not value:
        return []
    start = datetime(first_year, 1, 1)
    end = datetime(last_year, 12, 31, 23, 59)
    rule = rrulestr(f"RRULE:{value}", dtstart=start)
    return [moment.date() for moment in rule.between(start, end, inc=True)] or [
        date(first_year, 1, 1)
    ]
