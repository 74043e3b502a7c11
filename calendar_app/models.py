"""Dated events and the annual wheel (årshjul)."""

from __future__ import annotations

import calendar as month_calendar
import re
import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from goals.models import Measure
from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from organisations.models import Country, Organisation
from organisations.params import FIRST_YEAR, LAST_YEAR, in_sane_years
from plans.models import Plan

# Importing the outbox's statuses loads the webhooks' models too (apart for this file's length).
from .models_webhooks import DeliveryStatus


class EventVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    MEMBERS = "members", _("Members")
    BOARD = "board", _("Board")


class EventStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user) -> EventQuerySet:
        from organisations.permissions import access_for

        return access_for(user).filter_events(self)


class YearType(models.TextChoices):
    PARLIAMENTARY = "parliamentary", _("Parliamentary election year")
    LOCAL = "local", _("Local and county election year")
    GENERAL = "general", _("General election year")
    NONE = "none", _("Year without elections")


class ElectionKind(models.TextChoices):
    PARLIAMENTARY = "parliamentary", _("Parliamentary election")
    LOCAL = "local", _("Local and county election")
    GENERAL = "general", _("General election")


class Election(models.Model):
    """An election date of a country; the year types of the annual wheel come from here.

    New elections are added as rows (in the admin), not in code.
    """

    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=ElectionKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("election day"), null=True, blank=True)

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["country", "year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["country", "kind", "year"], name="election_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.country})"


def year_types(country: str, year: int, elections: dict | None = None) -> set[str]:
    """The election-cycle types of a year: its elections, or "none" for a year without."""
    if elections is None:
        kinds = set(
            Election.objects.filter(country=country, year=year).values_list("kind", flat=True)
        )
    else:
        kinds = set(elections.get((country, year), ()))
    return kinds or {YearType.NONE}


def elections_between(first_year: int, last_year: int) -> dict[tuple[str, int], set[str]]:
    """All elections in a span of years, in one query, for year_types(elections=...)."""
    found: dict[tuple[str, int], set[str]] = {}
    for country, year, kind in Election.objects.filter(
        year__gte=first_year, year__lte=last_year
    ).values_list("country", "year", "kind"):
        found.setdefault((country, year), set()).add(kind)
    return found


class CycleEntry(models.Model):
    """A recurring item of the annual wheel: month (and day), and which years it applies to."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="cycle_entries",
    )
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cycle_entries",
    )
    title = models.CharField(_("title"), max_length=200)
    month = models.PositiveSmallIntegerField(_("month"))
    end_month = models.PositiveSmallIntegerField(_("until month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    when_text = models.CharField(
        _("when, as written"), max_length=60, blank=True, help_text=_('E.g. "Vår" or "8. mars".')
    )
    year_types = models.JSONField(
        _("year types"),
        default=list,
        blank=True,
        help_text=_("Empty: every year. Otherwise only years of these election-cycle types."),
    )
    years = models.JSONField(
        _("years"),
        default=list,
        blank=True,
        help_text=_("Empty: not restricted by year. Otherwise only these years."),
    )
    for_descendants = models.BooleanField(
        _("for the branches"),
        default=False,
        help_text=_("Shown in the annual wheel and calendar of every organisation below."),
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycle_entries",
    )

    class Meta:
        verbose_name = _("annual wheel entry")
        verbose_name_plural = _("annual wheel entries")
        ordering = ["organisation", "month", "day", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calendar_app:wheel", kwargs={"slug": self.organisation.slug})

    def applies_to(self, year: int, types: set[str]) -> bool:
        """Whether the entry belongs to ``year``, whose election-cycle types are ``types``."""
        if self.years and year not in self.years:
            return False
        return not self.year_types or bool(types & set(self.year_types))

    # How the entry reads: "8. mars", "mars", "mars–juni" ------------------------

    @property
    def day_label(self) -> str:
        """The day the Nordic way ("8. mars", "8 mars" in Swedish), or "" without a day."""
        if not self.day:
            return ""
        return _day_text(self.month, self.day, translation.get_language() or "nb")

    @property
    def when_label(self) -> str:
        """The day, or the month (or months) in words; never numbers."""
        if self.day:
            return self.day_label
        label = str(MONTHS[self.month])
        if self.end_month and self.end_month != self.month:
            label = f"{label}–{MONTHS[self.end_month]}"
        return label

    @property
    def short_title(self) -> str:
        """The title without the day it already names, so "8. mars" is shown once."""
        if not self.day:
            return self.title
        stripped = _day_pattern(self.month, self.day).sub(" ", self.title)
        return re.sub(r"\s{2,}", " ", stripped).strip(" ,:;–-")

    @property
    def label(self) -> str:
        """ "8. mars: Kvinnedagen", or just the title for an entry without a day."""
        if not self.day:
            return self.title
        return f"{self.day_label}: {self.short_title}" if self.short_title else self.day_label

    @property
    def years_label(self) -> str:
        """Which years, in words: "2028", "Year without elections"; "" for every year."""
        parts = [str(year) for year in sorted(self.years or [])]
        parts += [str(YearType(kind).label) for kind in self.year_types or [] if kind in YearType]
        return ", ".join(parts)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.month and not 1 <= self.month <= 12:
            errors["month"] = _("Choose a month from 1 to 12.")
        if self.end_month is not None and not 1 <= self.end_month <= 12:
            errors["end_month"] = _("Choose a month from 1 to 12.")
        if self.day is not None and not 1 <= self.day <= 31:
            errors["day"] = _("Choose a day from 1 to 31.")
        unknown = set(self.year_types or []) - set(YearType.values)
        if unknown:
            errors["year_types"] = _("Unknown year types: %(types)s") % {
                "types": ", ".join(sorted(unknown))
            }
        years = self.years or []
        if not isinstance(years, list) or not all(
            isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= LAST_YEAR
            for year in years
        ):
            errors["years"] = _("Give years between %(first)d and %(last)d.") % {
                "first": FIRST_YEAR,
                "last": LAST_YEAR,
            }
        if errors:
            raise ValidationError(errors)


# Day first, as the Nordic countries write it ("8. mars", "8 mars"); English "8 March".
DAY_FORMATS = {"nb": "j. F", "nn": "j. F", "sv": "j F", "en": "j F"}


def _day_text(month: int, day: int, language: str) -> str:
    # 2000 is a leap year, so 29 February is a day; 31 in a short month is its last day.
    day = min(day, month_calendar.monthrange(2000, month)[1])
    with translation.override(language):
        return dateformat.format(date(2000, month, day), DAY_FORMATS.get(language[:2], "j. F"))


def _day_pattern(month: int, day: int) -> re.Pattern:
    """The day as people write it in a title, in any of the UI languages: "8. mars", "8 March"."""
    names = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names.add(re.escape(str(MONTHS[month]).lower()))
    alternatives = "|".join(sorted(names))
    return re.compile(
        rf"(?<!\d){day}\.?\s*(?:{alternatives})\b|\b(?:{alternatives})\s+{day}(?!\d)",
        re.IGNORECASE,
    )


class Event(models.Model):
    """A dated happening of an organisation."""

    uid = models.UUIDField(_("UID"), default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(
        _("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, help_text=_("Markdown.")
    )
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=EventVisibility.choices,
        default=EventVisibility.MEMBERS,
    )
    for_descendants = models.BooleanField(
        _("for all organisations below"),
        default=False,
        help_text=_("Shown in the calendars of every organisation below, e.g. action days."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.CONFIRMED
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    occurrence = models.DateField(_("measure occurrence"), null=True, blank=True)
    cycle_entry = models.ForeignKey(
        CycleEntry,
        verbose_name=_("annual wheel entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    cycle_year = models.PositiveSmallIntegerField(_("wheel year"), null=True, blank=True)
    is_annual_meeting = models.BooleanField(
        _("annual meeting"),
        default=False,
        help_text=_("The status report is due four weeks before."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]
        constraints = [
            # The wheel and the measures become events once: running it again adds nothing.
            models.UniqueConstraint(
                fields=["cycle_entry", "cycle_year"], name="event_unique_wheel_year"
            ),
            models.UniqueConstraint(
                fields=["measure", "occurrence"], name="event_unique_measure_occurrence"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calendar_app:event", kwargs={"pk": self.pk})

    @property
    def whole_months(self) -> bool:
        """An all-day event from the first of a month to the last of one (a wheel entry's month)."""
        if not (self.all_day and self.ends_at):
            return False
        zone = self.organisation.zoneinfo
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        return start.day == 1 and end.day == month_calendar.monthrange(end.year, end.month)[1]

    def clean(self) -> None:
        super().clean()
        # Year 1 or 9999 overflows when converted between time zones (also in the admin).
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment and not in_sane_years(moment):
                raise ValidationError(
                    {
                        name: _("Choose a date between the years %(first)d and %(last)d.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR}
                    }
                )
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end cannot be before the start.")})


class FeedToken(models.Model):
    """The secret in a person's private calendar feed URL; regenerating it revokes the old."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="feed_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.person)

    def get_absolute_url(self) -> str:
        return reverse("calendar_app:private_feed", kwargs={"token": self.token})


class ReminderKind(models.TextChoices):
    MEASURE_DUE = "measure_due", _("A measure I am responsible for is due soon")
    OVERDUE_DIGEST = "overdue_digest", _("Weekly list of overdue measures (secretary, leader)")
    DELEGATED_PENDING = "delegated_pending", _("My branch has not done a delegated measure")
    EVENT_TOMORROW = "event_tomorrow", _("An event tomorrow")
    REPORT_DUE = "report_due", _("The status report is due before the annual meeting")


class MailKind(models.TextChoices):
    """Outbox emails that are not reminders: no settings, no unsubscribe."""

    INVITATION = "invitation", _("Invitation")


class NotificationSettings(models.Model):
    """Which reminders a person wants, and whether at once or as a weekly digest."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    unsubscribed = models.JSONField(_("kinds turned off"), default=list, blank=True)
    event_reminders = models.BooleanField(_("remind me of events the day before"), default=False)
    weekly_digest = models.BooleanField(
        _("collect my reminders in one weekly email"), default=False
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return str(self.person)


class Delivery(models.Model):
    """One email about one thing on one day: the outbox row.

    Reminders go to a person (``recipient``); an invitation goes to an address
    that may have no account yet (``email``, no recipient). The unique keys make
    the scan safe to run again; the status and claim make the dispatch safe to
    run in parallel and after a crash.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        null=True,
        blank=True,
    )
    email = models.EmailField(
        _("email address"),
        blank=True,
        help_text=_("Where an email without a recipient account goes (an invitation)."),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=[*ReminderKind.choices, *MailKind.choices]
    )
    object_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    date = models.DateField(_("reminder date"))
    send_after = models.DateField(_("send from"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    claim = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-date", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_type", "object_id", "date"],
                name="delivery_unique_key",
            ),
            models.UniqueConstraint(
                fields=["email", "kind", "object_type", "object_id", "date"],
                condition=models.Q(recipient__isnull=True),
                name="delivery_unique_address_key",
            ),
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False) | ~models.Q(email=""),
                name="delivery_has_recipient_or_address",
            ),
        ]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or self.email} ({self.date})"
