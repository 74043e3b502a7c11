"""Webhooks: an organisation's HTTPS endpoints, and the outbox rows that deliver to them.

Apart from models.py only for its length; Django finds these through models.py,
which also takes the outbox's statuses from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from organisations.models import Organisation


class DeliveryStatus(models.TextChoices):
    """Where an outbox row (an email or a webhook's post) stands."""

    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class WebhookEvent(models.TextChoices):
    PLAN_ADOPTED = "plan.adopted", _("A plan is adopted")
    MEASURE_DONE = "measure.done", _("A measure is done")
    MEASUREMENT_ADDED = "measurement.added", _("A measurement is added to a target")


class WebhookEndpoint(models.Model):
    """Where an organisation's events are posted, signed with the endpoint's own secret."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    url = models.URLField(_("address (HTTPS)"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Kept as written: signing needs the secret itself, and the admin may show it again.
    secret = models.CharField(_("secret"), max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["organisation", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.url}"

    @property
    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row, claimed, retried, sent or failed.

    The body is kept as signed, so a retry sends the very same bytes and the
    receiver recognises a repeat by its ``event_id``.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=30, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event id"), unique=True)
    body = models.TextField(_("body"), max_length=LONG_TEXT_MAX_LENGTH)
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
    response_status = models.PositiveSmallIntegerField(_("answer"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.status})"
