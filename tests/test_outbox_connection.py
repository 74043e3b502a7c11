"""The dispatcher sends a batch over one SMTP connection, to a real local SMTP server."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone

from calendar_app.models import Delivery, DeliveryStatus, ReminderKind
from calendar_app.outbox import dispatch, dispatch_once
from organisations.models import Organisation, User
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db


def _digests(count: int) -> list[User]:
    """An overdue digest waiting for each of ``count`` new members."""
    people = User.objects.bulk_create(
        [User(email=f"medlem{n}@outbox.example.org", name=f"Medlem {n}") for n in range(count)]
    )
    today = timezone.localdate()
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=person,
                kind=ReminderKind.OVERDUE_DIGEST,
                object_type=ContentType.objects.get_for_model(Organisation),
                object_id=Organisation.objects.get(slug="rodt").pk,
                date=today,
                send_after=today,
            )
            for person in people
        ]
    )
    return people


@pytest.fixture
def smtp():
    with (
        smtp_server() as (collector, port),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ),
    ):
        yield collector


def test_a_batch_goes_out_over_one_smtp_connection(smtp):
    _digests(30)
    result = dispatch_once(batch=50)
    assert result.sent == 30
    assert len(smtp.messages) == 30
    assert smtp.connections == 1
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 30


def test_each_batch_opens_its_own_connection(smtp):
    _digests(30)
    assert dispatch(batch=12).sent == 30
    assert smtp.connections == 3  # batches of 12, 12 and 6
    assert len({m["To"] for m in smtp.messages}) == 30


def test_a_refused_recipient_is_retried_later_and_the_rest_of_the_batch_still_goes(smtp):
    people = _digests(5)
    smtp.refuse = {people[2].email}
    result = dispatch_once(batch=50)
    assert (result.sent, result.retrying) == (4, 1)
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        p.email for n, p in enumerate(people) if n != 2
    )
    # The error closed the connection; the next person's email opened a new one.
    assert smtp.connections == 2
    refused = Delivery.objects.get(recipient=people[2])
    assert refused.status == DeliveryStatus.PENDING and refused.attempts == 1
    assert "Try again later" in refused.last_error and refused.next_attempt_at is not None
