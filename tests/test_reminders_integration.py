"""Reminders end to end: a real Celery worker on the machine's Redis, PostgreSQL, SMTP.

In CI (HANDLINGSPLAN_REQUIRE_SERVICES=1) a missing Redis or PostgreSQL fails these tests.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections
from django.utils import timezone

from calendar_app.models import Delivery, DeliveryStatus, ReminderKind
from calendar_app.outbox import dispatch
from calendar_app.reminders import scan
from goals.models import Measure
from organisations.models import Body, Organisation, User
from tests.conftest import missing_service
from tests.smtp import smtp_server

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def services():
    if connection.vendor != "postgresql":
        missing_service("reminder integration needs PostgreSQL (DATABASE_URL)")
    url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    if not url:
        missing_service("reminder integration needs Redis (REDIS_URL)")
    from plans.demo import load_demo

    load_demo()
    return url


@pytest.fixture
def smtp(settings):
    with smtp_server() as (collector, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        yield collector


def test_a_real_worker_delivers_reminders_with_headers_language_and_links(services, smtp):
    from celery.contrib.testing.worker import start_worker

    from calendar_app.tasks import dispatch_deliveries
    from config.celery import app

    measure = (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )
    measure.responsible.set([Body.objects.get(organisation__slug="rodt-asker", name="Styret")])
    day = timezone.localdate()
    Measure.objects.filter(pk=measure.pk).update(due_end=day + timedelta(days=14))
    swede = User.objects.get(email="sekretaer@example.org")
    swede.language = "sv"
    swede.save()
    assert scan(day) > 0
    expected = Delivery.objects.filter(date=day).count()

    app.conf.update(broker_url=services, task_always_eager=False, result_backend=None)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            dispatch_deliveries.delay()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if Delivery.objects.filter(status=DeliveryStatus.SENT).count() == expected:
                    break
                time.sleep(0.2)
    finally:
        app.conf.update(task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER)
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == expected
    received = {m["To"]: m for m in smtp.messages}
    swedish = received["sekretaer@example.org"]
    assert swedish["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert swedish["List-Unsubscribe"].strip().startswith(f"<{settings.SITE_URL}/calendar/")
    assert swedish["Content-Language"] == "sv"
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in swedish.walk()
        if not part.is_multipart()
    }
    assert set(parts) == {"text/plain", "text/html"}
    assert measure.get_absolute_url() in parts["text/plain"]
    assert measure.get_absolute_url() in parts["text/html"]
    assert "Hej" in parts["text/plain"]
    norwegian = next(m for address, m in received.items() if address != "sekretaer@example.org")
    assert norwegian["Content-Language"] == "nb"


def _many_deliveries(count: int) -> list[Delivery]:
    root = Organisation.objects.get(slug="rodt")
    users = User.objects.bulk_create(
        [User(email=f"person{n}@example.org", name=f"Person {n}") for n in range(count)]
    )
    kind = ContentType.objects.get_for_model(Organisation)
    today = timezone.localdate()
    return [
        Delivery(
            recipient=user,
            kind=ReminderKind.OVERDUE_DIGEST,
            object_type=kind,
            object_id=root.pk,
            date=today,
            send_after=today,
        )
        for user in users
    ]


def test_four_dispatchers_over_1000_deliveries_send_exactly_1000_emails(services, smtp):
    rows = _many_deliveries(1000)
    Delivery.objects.bulk_create(rows)
    results, errors = [], []
    barrier = threading.Barrier(4)

    def run():
        try:
            barrier.wait()
            results.append(dispatch(batch=50).sent)
        except BaseException as error:  # noqa: BLE001 - collected and asserted
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert sum(results) == 1000
    assert len(smtp.messages) == 1000
    assert len({m["To"] for m in smtp.messages}) == 1000
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 1000
    # The scan writing the same reminders again adds no row, and dispatch sends nothing.
    for row in rows:
        row.pk = None
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    assert Delivery.objects.count() == 1000
    assert dispatch().sent == 0
    assert len(smtp.messages) == 1000
