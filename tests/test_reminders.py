"""Reminders arrive once, in the right language, and never to someone who said no."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calendar_app.emails import unsubscribe_token
from calendar_app.models import Delivery, DeliveryStatus, NotificationSettings, ReminderKind
from calendar_app.outbox import CLAIM_TIMEOUT, MAX_ATTEMPTS, claim, dispatch
from calendar_app.reminders import scan
from goals.models import Measure
from organisations.models import Body, Position, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_measure():
    """An open measure of Rødt Asker's plan, with the board responsible, due in 14 days."""
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
    board = Body.objects.get(organisation__slug="rodt-asker", name="Styret")
    measure.responsible.set([board])
    day = date(2027, 3, 3)  # a Wednesday: no weekly digests in the way
    Measure.objects.filter(pk=measure.pk).update(due_end=day + timedelta(days=14))
    return (
        measure,
        day,
        set(  # the board in office that day: the one before the hand-over is not asked
            Position.objects.in_force(day)
            .filter(body=board)
            .values_list("person__email", flat=True)
        ),
    )


def test_scan_reminds_the_responsible_body_14_and_2_days_before_and_only_once(due_measure):
    measure, day, board = due_measure
    assert scan(day) >= len(board)
    rows = Delivery.objects.filter(kind=ReminderKind.MEASURE_DUE, object_id=measure.pk)
    assert set(rows.values_list("recipient__email", flat=True)) == board
    assert scan(day) == 0  # the same day again: nothing new
    assert (
        scan(day + timedelta(days=1)) == 0
        or not Delivery.objects.filter(
            date=day + timedelta(days=1), kind=ReminderKind.MEASURE_DUE, object_id=measure.pk
        ).exists()
    )
    scan(day + timedelta(days=12))
    assert Delivery.objects.filter(
        date=day + timedelta(days=12), object_id=measure.pk, kind=ReminderKind.MEASURE_DUE
    ).count() == len(board)


def test_emails_have_text_and_html_in_the_recipients_language_and_one_click_unsubscribe(
    due_measure, settings
):
    measure, day, board = due_measure
    swede = User.objects.get(email="sekretaer@example.org")
    swede.language = "sv"
    swede.save()
    scan(day)
    result = dispatch(now=timezone.now() + timedelta(days=400))
    assert result.sent >= len(board)
    by_address = {message.to[0]: message for message in mail.outbox}
    swedish, norwegian = (
        by_address["sekretaer@example.org"],
        by_address[next(iter(board - {"sekretaer@example.org"}))],
    )
    assert "Påminnelse" in swedish.subject and "Hei" in norwegian.body
    assert swedish.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert swedish.extra_headers["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/")
    assert measure.get_absolute_url() in swedish.body
    html, mimetype = swedish.alternatives[0]
    assert mimetype == "text/html" and measure.get_absolute_url() in html
    assert dispatch(now=timezone.now() + timedelta(days=400)).sent == 0


def test_a_person_who_unsubscribed_gets_none_of_that_kind(due_measure, client):
    measure, day, board = due_measure
    person = User.objects.get(email="sekretaer@example.org")
    token = unsubscribe_token(person.pk, [ReminderKind.MEASURE_DUE])
    url = reverse("calendar_app:unsubscribe", args=[token])
    assert client.get(url).status_code == 200  # confirm page, no login
    assert client.post(url).status_code == 200  # one click (RFC 8058), no login, no CSRF
    scan(day)
    recipients = set(
        Delivery.objects.filter(object_id=measure.pk, kind=ReminderKind.MEASURE_DUE).values_list(
            "recipient__email", flat=True
        )
    )
    assert "sekretaer@example.org" not in recipients and recipients == board - {person.email}
    assert NotificationSettings.objects.get(person=person).unsubscribed == ["measure_due"]


def test_an_unsubscribe_link_works_only_for_its_own_person_and_kind(client):
    person = User.objects.get(email="sekretaer@example.org")
    other = User.objects.get(email="medlem@example.org")
    token = unsubscribe_token(person.pk, [ReminderKind.EVENT_TOMORROW])
    client.post(reverse("calendar_app:unsubscribe", args=[token]))
    assert not NotificationSettings.objects.filter(person=other).exists()
    assert NotificationSettings.objects.get(person=person).unsubscribed == ["event_tomorrow"]
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    assert client.post(reverse("calendar_app:unsubscribe", args=[forged])).status_code == 404


def test_smtp_errors_are_retried_with_backoff_then_recorded_as_failed(due_measure, monkeypatch):
    measure, day, board = due_measure
    scan(day)

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    now = timezone.now() + timedelta(days=400)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        dispatch(now=now)
        row = Delivery.objects.filter(object_id=measure.pk).first()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == DeliveryStatus.PENDING and row.next_attempt_at > now
            now += timedelta(hours=2)  # past the longest backoff (one hour and jitter)
    assert set(Delivery.objects.filter(object_id=measure.pk).values_list("status", flat=True)) == {
        DeliveryStatus.FAILED
    }
    assert "connection lost" in row.last_error
    assert mail.outbox == []


def test_a_claim_left_by_a_killed_worker_is_taken_again(due_measure):
    measure, day, board = due_measure
    scan(day)
    now = timezone.now() + timedelta(days=400)
    total = Delivery.objects.count()
    claimed = claim(batch=1, now=now)  # a worker claims a row … and dies
    assert claimed is not None
    assert dispatch(now=now).sent == total - 1  # the others go at once
    assert dispatch(now=now).sent == 0  # the claim is still fresh
    assert dispatch(now=now + CLAIM_TIMEOUT + timedelta(minutes=1)).sent == 1
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == total


def test_remind_command_dry_run_changes_nothing(due_measure, capsys):
    from django.core.management import call_command

    measure, day, board = due_measure
    call_command("remind", "--date", day.isoformat(), "--dry-run")
    assert "would remind" in capsys.readouterr().out
    assert Delivery.objects.count() == 0
    call_command("remind", "--date", day.isoformat())
    out = capsys.readouterr().out
    assert "sent to" in out and Delivery.objects.filter(status="sent").exists()


def test_ticking_works_while_the_broker_is_down(client_for, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
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
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]), {"status": "done"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done"


def test_report_reminder_four_weeks_before_the_annual_meeting_and_events_for_those_opted_in():
    from datetime import datetime, time

    from calendar_app.models import Event
    from organisations.models import Organisation

    asker = Organisation.objects.get(slug="rodt-asker")
    day = date(2027, 1, 6)
    meeting = Event.objects.create(
        organisation=asker,
        title="Årsmøte",
        is_annual_meeting=True,
        visibility="members",
        starts_at=timezone.make_aware(datetime.combine(day + timedelta(days=28), time(19))),
    )
    party = Event.objects.create(
        organisation=asker,
        title="Medlemsfest",
        visibility="members",
        starts_at=timezone.make_aware(datetime.combine(day + timedelta(days=1), time(19))),
    )
    member = User.objects.get(email="medlem@example.org")
    NotificationSettings.objects.create(person=member, event_reminders=True)
    scan(day)
    report = set(
        Delivery.objects.filter(kind=ReminderKind.REPORT_DUE, object_id=meeting.pk).values_list(
            "recipient__email", flat=True
        )
    )
    assert "sekretaer@example.org" in report and "medlem@example.org" not in report
    tomorrow = set(
        Delivery.objects.filter(kind=ReminderKind.EVENT_TOMORROW, object_id=party.pk).values_list(
            "recipient__email", flat=True
        )
    )
    assert tomorrow == {"medlem@example.org"}  # only those who asked for it


def test_reminder_settings_are_saved_and_looking_at_them_changes_nothing(client_for):
    member = User.objects.get(email="medlem@example.org")
    client = client_for("member")
    assert client.get(reverse("calendar_app:notifications")).status_code == 200
    assert not NotificationSettings.objects.filter(person=member).exists()
    response = client.post(
        reverse("calendar_app:notifications"),
        {
            "kinds": [ReminderKind.MEASURE_DUE],
            "event_reminders": "on",
        },
    )
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(person=member)
    assert saved.event_reminders and not saved.weekly_digest
    assert ReminderKind.MEASURE_DUE not in saved.unsubscribed
    assert ReminderKind.EVENT_TOMORROW in saved.unsubscribed
    bad = client.post(reverse("calendar_app:notifications"), {"kinds": ["everything"]})
    assert bad.status_code == 200 and "gyldig" in bad.content.decode()
