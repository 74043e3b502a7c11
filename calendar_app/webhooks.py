"""Webhooks through the outbox: an event becomes one signed row per endpoint, sent after commit.

The rows are claimed like the emails' (outbox.claim_rows: SELECT … FOR UPDATE
SKIP LOCKED), retried with the same backoff, and marked failed after the last
attempt, where the webhook's page shows them. The body of each row is signed
with HMAC-SHA256 under the endpoint's secret; a receiver checks the signature
and recognises a repeat by the event id.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.audit import audit
from organisations.models import Organisation
from organisations.selectors import with_ancestor_ids

from .models_webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .outbox import CLAIM_TIMEOUT, MAX_ATTEMPTS, claim_rows, retry_delay

SIGNATURE_HEADER = "X-Handlingsplan-Signature"
TIMEOUT_SECONDS = 10
MAX_ENDPOINTS_PER_ORGANISATION = 10


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the body under the endpoint's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _check_url(url: str) -> None:
    """HTTPS only, and never an address inside our own network (unless configured for tests)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host in settings.WEBHOOK_INSECURE_HOSTS:
        return
    if parts.scheme != "https" or not host:
        raise ValidationError(_("The address must start with https://."))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith((".local", ".internal", ".localhost")):
            raise ValidationError(_("The address must be on the internet.")) from None
        return
    if not address.is_global:
        raise ValidationError(_("The address must be on the internet."))


def _check_events(events: list[str]) -> list[str]:
    if not events or any(event not in WebhookEvent.values for event in events):
        raise ValidationError(_("Choose at least one event."))
    return sorted(set(events))


@transaction.atomic
def webhook_create(
    *, organisation: Organisation, url: str, events: list[str], by
) -> WebhookEndpoint:
    _check_url(url)
    if organisation.webhooks.count() >= MAX_ENDPOINTS_PER_ORGANISATION:
        raise ValidationError(_("The organisation has as many webhooks as it may have."))
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        url=url,
        events=_check_events(events),
        secret=secrets.token_hex(32),
        created_by=by,
    )
    audit(
        organisation=organisation, actor=by, action="webhook.create", target=endpoint, summary=url
    )
    return endpoint


@transaction.atomic
def webhook_delete(*, endpoint: WebhookEndpoint, by) -> None:
    audit(
        organisation=endpoint.organisation,
        actor=by,
        action="webhook.delete",
        summary=endpoint.url,
    )
    endpoint.delete()


def webhook_emit(*, organisation: Organisation, event: str, data: dict) -> int:
    """Queue the event for every endpoint of the organisation and those above it.

    Called inside the service's transaction: the rows commit with the change or
    not at all, and the dispatch is asked for after the commit.
    """
    endpoints = WebhookEndpoint.objects.filter(
        organisation__in=with_ancestor_ids({organisation.pk}), active=True
    )
    rows = []
    for endpoint in endpoints:
        if event not in endpoint.events:
            continue
        event_id = uuid.uuid4()
        envelope = {
            "id": str(event_id),
            "event": event,
            "organisation": organisation.slug,
            "created_at": timezone.now(),
            "data": data,
        }
        body = json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False)
        rows.append(WebhookDelivery(endpoint=endpoint, event=event, event_id=event_id, body=body))
    if rows:
        from .tasks import dispatch_webhooks  # tasks imports this module

        WebhookDelivery.objects.bulk_create(rows)
        transaction.on_commit(dispatch_webhooks.delay, robust=True)
    return len(rows)


def event_happened_received(sender, *, organisation, event: str, data: dict, **kwargs) -> None:
    """A service announced an event (organisations.signals.event_happened)."""
    webhook_emit(organisation=organisation, event=event, data=data)


def ready(now):
    waiting = Q(status=DeliveryStatus.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return WebhookDelivery.objects.filter(waiting | abandoned)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not an order: it could point anywhere."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _check_resolved(url: str) -> None:
    """The name may have come to point inside the network since it was registered."""
    parts = urlsplit(url)
    if parts.hostname in settings.WEBHOOK_INSECURE_HOSTS:
        return
    for *_rest, address in socket.getaddrinfo(parts.hostname, parts.port or 443):
        if not ipaddress.ip_address(address[0]).is_global:
            raise ValueError(f"{parts.hostname} points inside the network")


def _post(row: WebhookDelivery) -> int:
    """Post the row's body; the receiver's status code. Raises OSError when unreachable."""
    _check_resolved(row.endpoint.url)
    body = row.body.encode()
    request = urllib.request.Request(
        row.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Handlingsplan-Webhooks/1",
            "X-Handlingsplan-Event": row.event,
            "X-Handlingsplan-Delivery": str(row.event_id),
            SIGNATURE_HEADER: signature(row.endpoint.secret, body),
        },
    )
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@dataclass
class WebhookResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0


def _send(row: WebhookDelivery, now, result: WebhookResult) -> None:
    row.attempts += 1
    try:
        status = _post(row)
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    except (OSError, ValueError) as problem:  # URLError is an OSError; a bad URL a ValueError
        status, error = None, f"{type(problem).__name__}: {problem}"[:2000]
    row.response_status, row.last_error, row.claim = status, error, None
    if not error:
        row.status, row.sent_at = DeliveryStatus.SENT, timezone.now()
        result.sent += 1
    elif row.attempts >= MAX_ATTEMPTS:
        row.status = DeliveryStatus.FAILED
        result.failed += 1
    else:
        row.status, row.next_attempt_at = DeliveryStatus.PENDING, now + retry_delay(row.attempts)
        result.retrying += 1
    row.save(
        update_fields=[
            "attempts",
            "response_status",
            "last_error",
            "claim",
            "status",
            "sent_at",
            "next_attempt_at",
        ]
    )


def webhooks_dispatch(batch: int = 100, now=None, max_batches: int = 100) -> WebhookResult:
    """Post everything that is due, batch by batch; each row once per claim."""
    now = now or timezone.now()
    result = WebhookResult()
    for _batch in range(max_batches):
        token = claim_rows(ready(now), batch, now)
        if token is None:
            break
        for row in WebhookDelivery.objects.filter(claim=token).select_related("endpoint"):
            _send(row, now, result)
    return result
