"""Reminders and feeds, as they concern one person; and how long deliveries are kept.

Notification settings, the feed token and reminder deliveries belong to the
person alone (deleted with the account by the mechanism in organisations);
emails sent to their address without an account (invitations) are erased here.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import User
from organisations.personal_data import records, register

from .models import Delivery, DeliveryStatus, FeedToken, NotificationSettings, ReminderKind
from .models_webhooks import WebhookDelivery

DEFAULT_DELIVERY_RETENTION_DAYS = 90


def delivery_retention_days() -> int:
    """How long a sent or failed reminder is kept: the number the privacy page states."""
    return int(
        getattr(settings, "REMINDER_DELIVERY_RETENTION_DAYS", DEFAULT_DELIVERY_RETENTION_DAYS)
    )


def deliveries_prune(*, now=None) -> int:
    """Delete sent and failed deliveries older than the retention; pending ones stay."""
    cutoff = (now or timezone.now()) - timedelta(days=delivery_retention_days())
    finished = Q(status__in=[DeliveryStatus.SENT, DeliveryStatus.FAILED])
    old = Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, created_at__lt=cutoff)
    deleted, _by_model = Delivery.objects.filter(finished & old).delete()
    # A webhook's posts go the same way, so its page shows the recent ones.
    posted, _by_model = WebhookDelivery.objects.filter(finished & old).delete()
    return deleted + posted


def _kinds_off(settings_row: NotificationSettings) -> str:
    labels = dict(ReminderKind.choices)
    return ", ".join(str(labels.get(kind, kind)) for kind in settings_row.unsubscribed)


def collect(person: User):
    return [
        records(
            "notification_settings",
            _("Reminder settings"),
            NotificationSettings.objects.filter(person=person),
            [
                ("unsubscribed", _("kinds turned off"), _kinds_off),
                "event_reminders",
                "weekly_digest",
            ],
        ),
        # That a private feed exists and since when; never the secret itself.
        records(
            "feed_token",
            _("Private calendar feed"),
            FeedToken.objects.filter(person=person),
            ["created_at"],
        ),
        records(
            "reminder_deliveries",
            _("Reminders sent to you"),
            Delivery.objects.filter(recipient=person).order_by("date", "pk"),
            ["date", "kind", "status", "sent_at", "attempts"],
        ),
        records(
            "address_deliveries",
            _("Invitations emailed to your address"),
            _to_address(person).order_by("date", "pk"),
            ["date", "kind", "status", "sent_at"],
        ),
    ]


def _to_address(person: User):
    """Emails sent to the person's address before it had an account (invitations)."""
    return Delivery.objects.filter(recipient__isnull=True, email__iexact=person.email)


def erase(person: User) -> None:
    # Rows with a recipient go with the account; these name only the address.
    _to_address(person).delete()


register(key="calendar", label=_("Calendar and reminders"), collect=collect, erase=erase)
