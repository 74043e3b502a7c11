"""Benchmark, run on demand: uv run pytest tests/benchmarks -s -k reminders

Prints the scan time for a party with 400 branches, 60,000 members and 20,000
measures; and the send rate of the dispatcher to a local SMTP server (aiosmtpd in
a thread of this process, tests/smtp.py), with the number of SMTP connections it
opened. The URL map is loaded before the clock starts, as in a running worker.
"""

import time
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import override_settings
from django.urls import get_resolver
from django.utils import timezone

from calendar_app.models import Delivery, ReminderKind
from calendar_app.outbox import dispatch
from calendar_app.reminders import scan
from goals.models import Goal, Measure
from organisations.models import Body, Membership, Organisation, Position, User
from plans.models import Plan, Section
from tests.smtp import smtp_server

DAY = date(2027, 3, 3)
BATCH = 100
SENDS = 500


def build_party() -> list[Organisation]:
    root = Organisation.objects.create(name="Benkepartiet", slug="benk", kind="national")
    counties = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Fylke {n}", slug=f"benk-f{n}", kind="county", parent=root)
            for n in range(10)
        ]
    )
    branches = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Lag {n}", slug=f"benk-l{n}", kind="branch", parent=counties[n % 10])
            for n in range(400)
        ]
    )
    people = User.objects.bulk_create(
        [User(email=f"m{n}@benk.example.org", name=f"Medlem {n}") for n in range(60_000)]
    )
    Membership.objects.bulk_create(
        [
            Membership(person=person, organisation=branches[n % 400])
            for n, person in enumerate(people)
        ]
    )
    boards = Body.objects.bulk_create(
        [Body(organisation=b, name="Styret", kind="board") for b in branches]
    )
    Position.objects.bulk_create(
        [
            Position(
                person=people[n * 150 + k], body=board, role="secretary" if k == 0 else "member"
            )
            for n, board in enumerate(boards)
            for k in range(5)
        ]
    )
    plans = Plan.objects.bulk_create(
        [
            Plan(
                organisation=b,
                title="Arbeidsplan",
                first_year=2027,
                last_year=2027,
                status="adopted",
                visibility="members",
            )
            for b in branches
        ]
    )
    sections = Section.objects.bulk_create([Section(plan=p, title="Del") for p in plans])
    goals = Goal.objects.bulk_create(
        [Goal(plan=p, section=s, title="Mål") for p, s in zip(plans, sections, strict=True)]
    )
    measures = Measure.objects.bulk_create(
        [
            Measure(
                goal=goal, text=f"Tiltak {k}", order=k, due_end=DAY + timedelta(days=k % 60 - 20)
            )
            for goal in goals
            for k in range(50)
        ]
    )
    through = Measure.responsible.through
    through.objects.bulk_create(
        [through(measure_id=m.pk, body_id=boards[i // 50].pk) for i, m in enumerate(measures)]
    )
    return [root, *counties, *branches]


def test_reminder_scan(db):
    started = time.perf_counter()
    organisations = build_party()
    built = time.perf_counter() - started
    started = time.perf_counter()
    created = scan(DAY, organisations)
    scanned = time.perf_counter() - started
    print(f"\nbuilt 400 branches, 60,000 members, 20,000 measures in {built:.1f} s")
    print(f"scan of {DAY}: {created} reminders written in {scanned * 1000:.0f} ms")


def test_send_rate_to_a_local_smtp_server(committed_world):
    """Each row's UPDATE commits here, as in a worker (the db fixture would roll back)."""
    organisation = Organisation.objects.get(slug="rodt")
    recipients = User.objects.bulk_create(
        [User(email=f"m{n}@send.example.org", name=f"Medlem {n}") for n in range(SENDS)]
    )
    kind = ContentType.objects.get_for_model(Organisation)
    today = timezone.localdate()
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=r,
                kind=ReminderKind.OVERDUE_DIGEST,
                object_type=kind,
                object_id=organisation.pk,
                date=today,
                send_after=today,
            )
            for r in recipients
        ]
    )
    with (
        smtp_server() as (collector, port),
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ),
    ):
        get_resolver().url_patterns  # noqa: B018 - imported once per worker, not per batch
        started = time.perf_counter()
        sent = dispatch(batch=BATCH).sent
        elapsed = time.perf_counter() - started
    assert sent == SENDS and len(collector.messages) == SENDS
    assert Delivery.objects.filter(status="sent").count() == SENDS
    engine = connection.vendor
    print(
        f"\nsent {sent} emails to a local SMTP server in {elapsed:.2f} s: "
        f"{sent / elapsed:.0f} emails/s ({collector.connections} SMTP connections, batches of "
        f"{BATCH}, {engine}, each mark committed; target ≥ 200/s)"
    )
