"""Dispatching the outbox: claim due rows, send after commit, mark them sent.

Parallel dispatchers never take the same row (SELECT … FOR UPDATE SKIP LOCKED);
a claim older than the timeout is taken again, so a killed worker loses nothing.
SMTP and connection errors are retried with backoff and jitter, then recorded
as failed, where admins see them.
"""

from __future__ import annotations

import contextlib
import random
import smtplib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from organisations.models import Invitation

from .emails import invitation_email, reminder_email, reminder_targets
from .models import Delivery, DeliveryStatus, MailKind

CLAIM_TIMEOUT = timedelta(minutes=15)
MAX_ATTEMPTS = 5
TRANSIENT = (smtplib.SMTPException, OSError)


@dataclass
class DispatchResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    emails: list = field(default_factory=list)


def ready(now=None):
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = Q(status=DeliveryStatus.PENDING, send_after__lte=today) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return Delivery.objects.filter(waiting | abandoned)


def claim_rows(waiting: QuerySet, batch: int, now) -> uuid.UUID | None:
    """Claim up to ``batch`` rows of an outbox (emails or webhooks) for this run.

    Returns the claim's token, or None when nothing is waiting.
    """
    token = uuid.uuid4()
    with transaction.atomic():
        ids = list(
            waiting.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return None
        waiting.model.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, claim=token, claimed_at=now
        )
    return token


def claim(batch: int, now=None) -> uuid.UUID | None:
    now = now or timezone.now()
    return claim_rows(ready(now), batch, now)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failure: doubling from two minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2**attempts, 3600) + random.uniform(0, 30))


def _retry_later(rows: list[Delivery], error: Exception, now) -> tuple[int, int]:
    failed = retrying = 0
    for row in rows:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.FAILED
            failed += 1
        else:
            row.status = DeliveryStatus.PENDING
            row.next_attempt_at = now + retry_delay(row.attempts)
            retrying += 1
        row.claim = None
    Delivery.objects.bulk_update(
        rows, ["attempts", "last_error", "status", "next_attempt_at", "claim"]
    )
    return failed, retrying


def _message(rows: list[Delivery], now, targets: dict) -> EmailMultiAlternatives | None:
    """The email of a group of rows; None when there is nothing left to send."""
    first = rows[0]
    if first.kind == MailKind.INVITATION:
        invitation = (
            Invitation.objects.select_related("organisation", "body", "invited_by")
            .filter(pk=first.object_id)
            .first()
        )
        pending = (
            invitation is not None
            and invitation.accepted_at is None
            and invitation.withdrawn_at is None
            and invitation.expires_at > now
        )
        return invitation_email(invitation, to=first.email) if pending else None
    return reminder_email(first.recipient, rows, targets)


def _group(rows: list[Delivery]) -> list[list[Delivery]]:
    """One email per person for all their reminders; an email to a bare address goes alone."""
    groups: dict[object, list[Delivery]] = defaultdict(list)
    for row in rows:
        groups[row.recipient_id or ("address", row.pk)].append(row)
    return list(groups.values())


def dispatch_once(batch: int = 200, now=None) -> DispatchResult:
    """Claim one batch and send it: one email per recipient, whatever the kinds."""
    now = now or timezone.now()
    result = DispatchResult()
    token = claim(batch, now)
    if token is None:
        return result
    rows = list(Delivery.objects.filter(claim=token).select_related("recipient", "object_type"))
    targets = reminder_targets([r for r in rows if r.kind != MailKind.INVITATION])
    # One SMTP connection for the whole batch, opened by us: a backend's send_messages
    # opens and closes its own connection per call when none is open. Opened on the
    # first send, so a refusal is retried like any transient error, and opened again
    # after an error closed it.
    connection = get_connection()
    opened = False
    try:
        for person_rows in _group(rows):
            message = _message(person_rows, now, targets)
            if message is None:
                # Recorded, not silently dropped: the admin sees why it never went out.
                Delivery.objects.filter(pk__in=[r.pk for r in person_rows], claim=token).update(
                    status=DeliveryStatus.FAILED,
                    last_error="Not sent: the invitation was accepted, withdrawn or expired first.",
                    claim=None,
                )
                result.failed += len(person_rows)
                continue
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([message])
            except TRANSIENT as error:
                opened = False
                with contextlib.suppress(*TRANSIENT):
                    connection.close()
                failed, retrying = _retry_later(person_rows, error, now)
                result.failed += failed
                result.retrying += retrying
                continue
            # Marked at once, one person at a time: a crash between the send and this
            # UPDATE sends that one email again, never the batch. With a commit per person
            # the rate is still above 200 emails/s on PostgreSQL (README "Performance").
            Delivery.objects.filter(pk__in=[r.pk for r in person_rows], claim=token).update(
                status=DeliveryStatus.SENT, sent_at=timezone.now(), claim=None
            )
            result.sent += len(person_rows)
            result.emails.append(message)
    finally:
        with contextlib.suppress(*TRANSIENT):  # a failed QUIT must not undo the marks
            connection.close()
    return result


def dispatch(batch: int = 200, now=None, max_batches: int = 1000) -> DispatchResult:
    """Send everything that is due, batch by batch."""
    total = DispatchResult()
    for _ in range(max_batches):
        result = dispatch_once(batch, now)
        total.sent += result.sent
        total.failed += result.failed
        total.retrying += result.retrying
        total.emails += result.emails
        if not (result.sent or result.failed or result.retrying):
            break
    return total


def invitation_queue(*, invitation: Invitation) -> Delivery:
    """Put the invitation's email in the outbox, in the caller's transaction.

    The row commits with the invitation, or neither does; the dispatch is asked
    for after the commit, and the beat's dispatch run sends it if the broker is
    down. Sending again on the same day arms the same row again.
    """
    from .tasks import dispatch_deliveries  # tasks imports this module

    today = timezone.localdate()
    delivery, _created = Delivery.objects.update_or_create(
        recipient=None,
        email=invitation.email,
        kind=MailKind.INVITATION,
        object_type=ContentType.objects.get_for_model(Invitation),
        object_id=invitation.pk,
        date=today,
        defaults={
            "send_after": today,
            "status": DeliveryStatus.PENDING,
            "claim": None,
            "claimed_at": None,
            "attempts": 0,
            "next_attempt_at": None,
            "last_error": "",
            "sent_at": None,
        },
    )
    transaction.on_commit(dispatch_deliveries.delay, robust=True)
    return delivery


def invitation_issued_received(sender, *, invitation: Invitation, **kwargs) -> None:
    """organisations announced an invitation to send (signals.invitation_issued)."""
    invitation_queue(invitation=invitation)
