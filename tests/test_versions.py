"""A new version replaces the one it revises: archived, linked both ways, progress carried over."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from calendar_app.models import Delivery, Event, EventVisibility, ReminderKind
from calendar_app.reminders import candidates, scan
from goals.models import Assignment, Measure, MeasureStatus, OccurrenceTick, ProgressNote
from goals.services import measure_create, measure_delete
from organisations.models import Body, User
from plans.compare import version_label
from plans.models import Activity, Amendment, Plan, PlanStatus, Proposal
from plans.services import plan_adopt, plan_copy, plan_propose

pytestmark = pytest.mark.django_db

ADOPTED_AGAIN = date(2026, 11, 20)


@pytest.fixture
def admin(db) -> User:
    return User.objects.get(email="admin@example.org")


@pytest.fixture
def version_1(db) -> Plan:
    return Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")


def annual_meeting(plan: Plan) -> Body:
    return Body.objects.get(organisation=plan.organisation, name="Fylkesårsmøtet")


def new_version(plan: Plan, admin: User) -> Plan:
    return plan_copy(plan=plan, by=admin, new_version=True)


def adopt(plan: Plan, admin: User) -> Plan:
    plan_propose(plan=plan, by=admin)
    return plan_adopt(plan=plan, meeting=annual_meeting(plan), on=ADOPTED_AGAIN, by=admin)


def akershus_on_national_dashboard(client_for) -> str:
    """The "done / units" the national dashboard shows for Rødt Akershus."""
    page = client_for("admin").get(reverse("organisation_dashboard", args=["rodt"]))
    rows = re.findall(
        r'<a href="/org/rodt-akershus/dashboard/">Rødt Akershus</a></td><td>([^<]+)</td>',
        page.content.decode(),
    )
    assert len(rows) == 1, rows
    return rows[0]


def progress_by_key(plan: Plan) -> dict:
    """Per lineage key: status, and the ticks, notes and shares that hang on the measure."""
    return {
        measure.key: (
            measure.status,
            measure.completed_at,
            sorted(OccurrenceTick.objects.filter(measure=measure).values_list("pk", flat=True)),
            sorted(ProgressNote.objects.filter(measure=measure).values_list("pk", flat=True)),
            sorted(Assignment.objects.filter(measure=measure).values_list("pk", "status")),
        )
        for measure in Measure.objects.filter(goal__plan=plan)
    }


MEASURE_LINK = re.compile(r'<a href="/plans/\d+/#measure-(\d+)">')


def listed_measure_keys(client) -> list:
    """The lineage key of every measure "my measures" lists: every page, and the shares."""
    ids: list[int] = []
    number = 1
    while True:
        page = client.get(reverse("goals:mine"), {"page": number}).content.decode()
        own, _heading, shares = page.partition('id="delegated-heading"')
        ids += [int(pk) for pk in MEASURE_LINK.findall(own)]
        if number == 1:
            ids += [int(pk) for pk in MEASURE_LINK.findall(shares)]
        if f"page={number + 1}" not in own:
            break
        number += 1
    keys = dict(Measure.objects.filter(pk__in=ids).values_list("pk", "key"))
    return [keys[pk] for pk in ids]


def test_adopting_version_2_archives_version_1_and_carries_all_progress_over(
    version_1, admin, client_for
):
    before_dashboard = akershus_on_national_dashboard(client_for)
    before = progress_by_key(version_1)
    assert any(ticks for _status, _at, ticks, _notes, _shares in before.values())
    assert any(notes for _status, _at, _ticks, notes, _shares in before.values())
    assert any(
        status != MeasureStatus.PLANNED
        for *_rest, shares in before.values()
        for _pk, status in shares
    )
    version_2 = new_version(version_1, admin)
    assert version_2.version == 2
    # A reworded measure is still the same measure (same lineage key).
    noted = (
        Measure.objects.filter(goal__plan=version_1, progress_notes__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    kept = Measure.objects.get(goal__plan=version_2, key=noted.key)
    Measure.objects.filter(pk=kept.pk).update(text=f"{kept.text} (omformulert)")

    adopt(version_2, admin)

    version_1.refresh_from_db()
    version_2.refresh_from_db()
    assert version_1.status == PlanStatus.ARCHIVED and version_1.archived_at is not None
    assert version_1.replaced_by == version_2 and version_2.previous_version == version_1
    assert version_2.status == PlanStatus.ADOPTED
    assert Activity.objects.filter(plan=version_1, action="plan.archive").exists()
    # Every status, tick, note and branch share is on version 2 now, none left on version 1.
    assert progress_by_key(version_2) == before
    assert not OccurrenceTick.objects.filter(measure__goal__plan=version_1).exists()
    assert not ProgressNote.objects.filter(measure__goal__plan=version_1).exists()
    assert not Assignment.objects.filter(measure__goal__plan=version_1).exists()
    # The national roll-up counts Akershus once, as before.
    assert akershus_on_national_dashboard(client_for) == before_dashboard
    # "My measures" lists each measure once.
    for persona in ("board", "secretary", "admin"):
        keys = listed_measure_keys(client_for(persona))
        assert keys, persona
        assert [key for key, n in Counter(keys).items() if n > 1] == [], persona
    # The delegation matrix of version 2 shows the shares as the branches left them.
    matrix = client_for("board").get(reverse("goals:delegation", args=[version_2.pk]))
    done_share = (
        Assignment.objects.filter(measure__goal__plan=version_2)
        .exclude(status=MeasureStatus.PLANNED)
        .select_related("organisation")
        .first()
    )
    html = matrix.content.decode()
    assert f"status-{done_share.status}" in html and done_share.organisation.name in html
    last_note = done_share.progress_notes.order_by("-created_at").first()
    assert last_note is not None and last_note.text in html


def test_a_removed_measure_keeps_its_history_and_a_new_one_starts_planned(version_1, admin):
    version_2 = new_version(version_1, admin)
    ticked = Measure.objects.filter(goal__plan=version_1, ticks__isnull=False).distinct().first()
    ticks = set(ticked.ticks.values_list("pk", flat=True))
    notes = set(ticked.progress_notes.values_list("pk", flat=True))
    measure_delete(measure=Measure.objects.get(goal__plan=version_2, key=ticked.key), by=admin)
    goal = version_2.goals.filter(parent=None).first()
    added = measure_create(goal=goal, text="Verveuke i september", delegated=True)
    plan_propose(plan=version_2, by=admin)
    untouched = progress_by_key(version_1)
    with pytest.raises(ValidationError):  # a day in the future: nothing is archived or moved
        plan_adopt(
            plan=version_2,
            meeting=annual_meeting(version_2),
            on=timezone.localdate() + timedelta(days=1),
            by=admin,
        )
    version_1.refresh_from_db()
    assert version_1.status == PlanStatus.ADOPTED and progress_by_key(version_1) == untouched
    plan_adopt(plan=version_2, meeting=annual_meeting(version_2), on=ADOPTED_AGAIN, by=admin)

    version_1.refresh_from_db()
    assert version_1.status == PlanStatus.ARCHIVED

    assert set(ticked.ticks.values_list("pk", flat=True)) == ticks
    assert set(ticked.progress_notes.values_list("pk", flat=True)) == notes
    added.refresh_from_db()
    assert added.status == MeasureStatus.PLANNED and not added.ticks.exists()
    assert added.assignments.exists()
    assert not added.assignments.exclude(status=MeasureStatus.PLANNED).exists()
    # The other ticked measures took their ticks along.
    assert (
        not OccurrenceTick.objects.filter(measure__goal__plan=version_1)
        .exclude(measure=ticked)
        .exists()
    )


def test_the_compare_page_names_both_versions_by_number_and_status_date(
    version_1, admin, client_for
):
    version_2 = adopt(new_version(version_1, admin), admin)
    page = client_for("board").get(reverse("plans:compare", args=[version_2.pk]))
    html = page.content.decode()
    with translation.override("nb"):
        old = gettext("Version %(number)s, %(status)s %(date)s") % {
            "number": 1,
            "status": translation.pgettext("version of a plan", "adopted"),
            "date": "14.02.2026",
        }
        new = gettext("Version %(number)s, %(status)s %(date)s") % {
            "number": 2,
            "status": translation.pgettext("version of a plan", "adopted"),
            "date": "20.11.2026",
        }
        assert version_label(version_1) == old
    assert old in html and new in html
    assert "Fra Handlingsplan 2026 til Handlingsplan 2026" not in html
    assert "25.11.2026" not in html


def test_a_draft_and_a_proposal_are_named_by_the_day_they_were_made_and_proposed(version_1, admin):
    version_2 = new_version(version_1, admin)
    today = timezone.localdate().strftime("%d.%m.%Y")
    with translation.override("nb"):
        assert today in version_label(version_2)
        assert translation.pgettext("version of a plan", "draft of") in version_label(version_2)
        plan_propose(plan=version_2, by=admin)
        version_2.refresh_from_db()
        assert translation.pgettext("version of a plan", "proposed") in version_label(version_2)


def test_the_compare_page_names_the_amendment_behind_each_change(version_1, admin, client_for):
    version_2 = new_version(version_1, admin)
    changed = Measure.objects.filter(goal__plan=version_2).order_by("pk").first()
    untouched = Measure.objects.filter(goal__plan=version_2).order_by("pk").last()
    Measure.objects.filter(pk=changed.pk).update(text="Omformulert av årsmøtet")
    goal = version_2.goals.filter(parent=None).first()
    added = measure_create(goal=goal, text="Nytt tiltak fra et lokallag")
    plan_propose(plan=version_2, by=admin)
    proposal = Proposal.objects.create(
        plan=version_2,
        meeting=annual_meeting(version_2),
        meeting_on=ADOPTED_AGAIN,
        deadline=ADOPTED_AGAIN - timedelta(days=7),
    )
    for number, key, applied in (
        (3, changed.key, True),
        (4, added.key, True),
        (5, untouched.key, False),  # fell: never merged
    ):
        Amendment.objects.create(
            proposal=proposal,
            number=number,
            action="replace",
            applied=applied,
            result_key=key,
        )
    plan_adopt(plan=version_2, meeting=annual_meeting(version_2), on=ADOPTED_AGAIN, by=admin)

    html = client_for("board").get(reverse("plans:compare", args=[version_2.pk])).content.decode()
    with translation.override("nb"):
        label = gettext("Amendment %(number)s")
    for number in (3, 4):
        assert label % {"number": number} in html
    assert label % {"number": 5} not in html
    changed_item = html[html.index("Omformulert av årsmøtet") :].split("</li>")[0]
    assert label % {"number": 3} in changed_item


def test_the_plan_page_links_the_versions_both_ways(version_1, admin, client_for):
    version_2 = adopt(new_version(version_1, admin), admin)
    board = client_for("board")
    old_page = board.get(version_1.get_absolute_url()).content.decode()
    new_page = board.get(version_2.get_absolute_url()).content.decode()
    assert f'href="{version_2.get_absolute_url()}"' in old_page
    assert f'href="{version_1.get_absolute_url()}"' in new_page
    with translation.override("nb"):
        replaced = gettext("Replaced by version %(number)s") % {"number": 2}
        replaces = gettext("Replaces version %(number)s (adopted %(date)s)") % {
            "number": 1,
            "date": "14.02.2026",
        }
    assert replaced in old_page and replaces in new_page


def public_feed_titles(client) -> set[str]:
    response = client.get(reverse("calendar_feed", args=["rodt-akershus"]))
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}


def measure_event(measure: Measure, title: str) -> Event:
    day = date(2026, 12, 10)
    return Event.objects.create(
        organisation=measure.goal.plan.organisation,
        title=title,
        starts_at=timezone.make_aware(datetime(2026, 12, 10, 18)),
        visibility=EventVisibility.PUBLIC,
        measure=measure,
        occurrence=day,
    )


def test_feeds_leave_out_the_replaced_versions_events_and_kept_measures_take_theirs_along(
    version_1, admin, client
):
    first, removed = Measure.objects.filter(goal__plan=version_1).order_by("pk")[:2]
    kept_event = measure_event(first, "Tiltak som blir med")
    measure_event(removed, "Tiltak som går ut")
    assert {"Tiltak som blir med", "Tiltak som går ut"} <= public_feed_titles(client)
    version_2 = new_version(version_1, admin)
    measure_delete(measure=Measure.objects.get(goal__plan=version_2, key=removed.key), by=admin)
    adopt(version_2, admin)

    titles = public_feed_titles(client)
    assert "Tiltak som blir med" in titles and "Tiltak som går ut" not in titles
    kept_event.refresh_from_db()
    assert kept_event.measure.goal.plan == version_2


def test_reminders_skip_the_archived_version_and_are_not_sent_again(version_1, admin):
    day = date(2027, 3, 3)  # a Wednesday: no weekly digests in the way
    due = day + timedelta(days=14)
    first, removed = Measure.objects.filter(
        goal__plan=version_1, recurrence="", delegated=False
    ).order_by("pk")[:2]
    Measure.objects.filter(pk__in=[first.pk, removed.pk]).update(
        due_end=due, status=MeasureStatus.PLANNED
    )
    measure_type = ContentType.objects.get_for_model(Measure)

    def reminded(pks) -> set[int]:
        return {
            row.object_id
            for row in candidates(day)
            if row.kind == ReminderKind.MEASURE_DUE and row.object_type == measure_type
        } & set(pks)

    assert reminded([first.pk, removed.pk]) == {first.pk, removed.pk}
    scan(day)  # the reminder for the kept measure is written (and counts as sent)
    written = Delivery.objects.filter(object_type=measure_type, object_id=first.pk).count()
    assert written

    version_2 = new_version(version_1, admin)
    measure_delete(measure=Measure.objects.get(goal__plan=version_2, key=removed.key), by=admin)
    adopt(version_2, admin)
    kept = Measure.objects.get(goal__plan=version_2, key=first.key)

    assert reminded([first.pk, removed.pk, kept.pk]) == {kept.pk}
    assert scan(day) == 0  # the same reminder, now of version 2: not written again
    assert Delivery.objects.filter(object_type=measure_type, object_id=kept.pk).count() == written
