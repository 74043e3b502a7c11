"""Dated events and the annual wheel (årshjul)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from goals.models import Measure
from organisations.models import Organisation
from plans.models import Plan


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
        return self.organisation.get_absolute_url()

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
        if errors:
            raise ValidationError(errors)


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
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calendar_app:event", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The end cannot be before the start.")})
