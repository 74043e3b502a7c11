"""The daily scan: which reminders are due today, written as outbox rows (Delivery).

The scan only writes rows under a unique key (recipient, kind, object, date);
running it again for the same day adds nothing. Sending is the dispatcher's job.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from goals.models import Assignment, Measure, MeasureStatus
from organisations.models import BodyKind, Organisation, Role, User
from organisations.permissions import memberships_in_force, positions_in_force
from plans.selectors import in_force

from .models import Delivery, Event, EventStatus, NotificationSettings, ReminderKind
from .selectors import of_current_versions

DEFAULT_DAYS = (14, 2)
DELEGATED_DAYS = 14
REPORT_DAYS = 28
OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


# Recipients are whoever holds the place on the reminder's day: after a hand-over
# the new board gets the mail, and a term that has ended gets none.


def _officers(organisation_ids: Iterable[int], day: date) -> dict[int, set[int]]:
    """Secretaries and board leaders of each organisation (who get the organisational mail)."""
    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        positions_in_force(day)
        .filter(body__organisation__in=set(organisation_ids))
        .filter(Q(role=Role.SECRETARY) | Q(role=Role.LEADER, body__kind=BodyKind.BOARD))
        .values_list("body__organisation_id", "person_id")
    )
    for organisation_id, person_id in rows:
        found[organisation_id].add(person_id)
    return found


def _secretaries(organisation_ids: Iterable[int], day: date) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    rows = (
        positions_in_force(day)
        .filter(body__organisation__in=set(organisation_ids), role=Role.SECRETARY)
        .values_list("body__organisation_id", "person_id")
    )
    for organisation_id, person_id in rows:
        found[organisation_id].add(person_id)
    return found


def _next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def candidates(day: date, organisations: Iterable[Organisation] | None = None) -> list[Delivery]:
    """Every reminder due on ``day`` (not yet filtered by what people turned off)."""
    orgs = list(organisations) if organisations is not None else list(Organisation.objects.all())
    org_by_id = {org.pk: org for org in orgs}
    wanted: list[tuple[int, str, object, int]] = []  # (person, kind, model, object id)

    # Measures due soon: members of the responsible bodies, else the secretary.
    days_by_org = {org.pk: tuple(org.reminder_days or DEFAULT_DAYS) for org in orgs}
    all_days = {d for days in days_by_org.values() for d in days}
    due = list(
        Measure.objects.filter(
            in_force("goal__plan__"),
            goal__plan__organisation__in=org_by_id,
            status__in=OPEN,
            recurrence="",
            due_end__in=[day + timedelta(days=d) for d in all_days],
        ).values_list("pk", "goal__plan__organisation_id", "due_end")
    )
    due = [(pk, org) for pk, org, end in due if (end - day).days in days_by_org[org]]
    responsible: dict[int, set[int]] = defaultdict(set)
    for measure_id, person_id in (
        positions_in_force(day)
        .filter(body__measures__in=[pk for pk, _ in due])
        .values_list("body__measures", "person_id")
    ):
        responsible[measure_id].add(person_id)
    secretaries = _secretaries((org for _, org in due), day)
    for measure_id, org in due:
        for person in responsible[measure_id] or secretaries[org]:
            wanted.append((person, ReminderKind.MEASURE_DUE, Measure, measure_id))

    # Weekly, on Mondays: one digest of overdue measures per organisation.
    if day.weekday() == 0:
        overdue_orgs = set(
            Measure.objects.filter(
                in_force("goal__plan__"),
                goal__plan__organisation__in=org_by_id,
                status__in=OPEN,
                recurrence="",
                due_end__lt=day,
            ).values_list("goal__plan__organisation_id", flat=True)
        )
        for org, people in _officers(overdue_orgs, day).items():
            for person in people:
                wanted.append((person, ReminderKind.OVERDUE_DIGEST, Organisation, org))

    # A branch that has not done its share of a delegated measure, two weeks before due.
    pending = list(
        Assignment.objects.filter(
            in_force("measure__goal__plan__"),
            organisation__in=org_by_id,
            status__in=OPEN,
            measure__due_end=day + timedelta(days=DELEGATED_DAYS),
        ).values_list("pk", "organisation_id")
    )
    branch_secretaries = _secretaries((org for _, org in pending), day)
    for assignment_id, org in pending:
        for person in branch_secretaries[org]:
            wanted.append((person, ReminderKind.DELEGATED_PENDING, Assignment, assignment_id))

    # Events tomorrow (for those who opted in) and the report before the annual meeting.
    zone = timezone.get_default_timezone()

    def on(offset: int) -> Q:
        start = timezone.make_aware(datetime.combine(day + timedelta(days=offset), time()), zone)
        return Q(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))

    # A replaced version's leftover events (of measures it no longer has) remind nobody.
    events = of_current_versions(Event.objects.all()).filter(
        organisation__in=org_by_id, status=EventStatus.CONFIRMED
    )
    tomorrow = list(events.filter(on(1)).values_list("pk", "organisation_id", "visibility"))
    if tomorrow:
        opted_in = set(
            NotificationSettings.objects.filter(event_reminders=True).values_list(
                "person_id", flat=True
            )
        )
        members: dict[int, set[int]] = defaultdict(set)
        for org, person in (
            memberships_in_force(day)
            .filter(organisation__in={org for _, org, _ in tomorrow}, person__in=opted_in)
            .values_list("organisation_id", "person_id")
        ):
            members[org].add(person)
        for org, person in (
            positions_in_force(day)
            .filter(body__organisation__in={org for _, org, _ in tomorrow}, person__in=opted_in)
            .values_list("body__organisation_id", "person_id")
        ):
            members[org].add(person)
        board = _officers((org for _, org, _ in tomorrow), day)
        for event_id, org, visibility in tomorrow:
            people = board[org] & opted_in if visibility == "board" else members[org]
            for person in people:
                wanted.append((person, ReminderKind.EVENT_TOMORROW, Event, event_id))
    meetings = list(
        events.filter(on(REPORT_DAYS), is_annual_meeting=True).values_list("pk", "organisation_id")
    )
    meeting_officers = _officers((org for _, org in meetings), day)
    for event_id, org in meetings:
        for person in meeting_officers[org]:
            wanted.append((person, ReminderKind.REPORT_DUE, Event, event_id))

    settings = {
        row["person_id"]: row
        for row in NotificationSettings.objects.filter(
            person__in={person for person, *_ in wanted}
        ).values("person_id", "unsubscribed", "weekly_digest")
    }
    types = {
        model: ContentType.objects.get_for_model(model)
        for model in (Measure, Organisation, Assignment, Event)
    }
    inactive = set(  # a deactivated account gets nothing (DESIGN.md §5)
        User.objects.filter(pk__in={person for person, *_ in wanted}, is_active=False).values_list(
            "pk", flat=True
        )
    )
    deliveries = []
    seen = set()
    for person, kind, model, object_id in wanted:
        if person in inactive:
            continue
        choice = settings.get(person, {})
        if kind in choice.get("unsubscribed", ()):
            continue
        key = (person, kind, model, object_id)
        if key in seen:
            continue
        seen.add(key)
        deliveries.append(
            Delivery(
                recipient_id=person,
                kind=kind,
                object_type=types[model],
                object_id=object_id,
                date=day,
                send_after=_next_monday(day) if choice.get("weekly_digest") else day,
            )
        )
    return deliveries


def scan(day: date, organisations: Iterable[Organisation] | None = None) -> int:
    """Write today's reminders to the outbox; returns how many rows are new."""
    rows = candidates(day, organisations)
    before = Delivery.objects.filter(date=day).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return Delivery.objects.filter(date=day).count() - before
