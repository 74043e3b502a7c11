"""Celery tasks: they take ids (or nothing), re-read the database, and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from organisations.models import Organisation

from .outbox import dispatch
from .personal_data import deliveries_prune
from .reminders import scan
from .webhooks import webhooks_dispatch

SCAN_HOUR = 7


@shared_task
def reminders_hourly() -> int:
    """At 07:00 in each organisation's time zone, scan its reminders for the day."""
    created = 0
    for zone in Organisation.objects.values_list("time_zone", flat=True).distinct():
        organisations = Organisation.objects.filter(time_zone=zone)
        local = timezone.now().astimezone(organisations.first().zoneinfo)
        if local.hour == SCAN_HOUR:
            created += scan(local.date(), organisations)
    if created:
        transaction.on_commit(dispatch_deliveries.delay)
    return created


@shared_task
def dispatch_deliveries() -> int:
    """Send what is due; a second worker running it at once takes other rows."""
    return dispatch().sent


@shared_task
def dispatch_webhooks() -> int:
    """Post the webhooks that are due; a second worker running it at once takes other rows."""
    return webhooks_dispatch().sent


@shared_task
def prune_deliveries() -> int:
    """Daily: forget sent and failed reminders older than the stated retention."""
    return deliveries_prune()
