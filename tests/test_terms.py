"""Offices with terms: rights come from positions in force on the day; a new board takes over."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import ReminderKind
from calendar_app.reminders import candidates
from goals.models import Measure
from organisations import services
from organisations.models import Body, Membership, Organisation, Position, User
from organisations.permissions import compute_access
from plans.models import Activity

pytestmark = pytest.mark.django_db

_serial = count(1)


def asker() -> Organisation:
    return Organisation.objects.get(slug="rodt-asker")


def fresh_person() -> User:
    n = next(_serial)
    return User.objects.create_user(f"termin{n}@example.org", name=f"Terje Termin {n}")


def fresh_body(kind: str = "board", organisation: Organisation | None = None) -> Body:
    return Body.objects.create(
        organisation=organisation or asker(), name=f"Testorgan {next(_serial)}", kind=kind
    )


def open_measure_of_asker() -> Measure:
    """An open, one-off measure of Rødt Asker's adopted plan."""
    return (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            status__in=["planned", "in_progress"],
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )


def reminded(measure: Measure, day: date) -> set[str]:
    people = {
        row.recipient_id
        for row in candidates(day, [asker()])
        if row.kind == ReminderKind.MEASURE_DUE and row.object_id == measure.pk
    }
    return set(User.objects.filter(pk__in=people).values_list("email", flat=True))


# Rights come from the positions in force on the day


def test_rights_hold_on_the_last_day_of_the_term_and_are_gone_the_next():
    person = fresh_person()
    board = fresh_body("board")
    position = services.position_add(
        person=person,
        body=board,
        role="member",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
    )
    first, last = position.starts_on, position.ends_on

    for day in (first, last):
        access = compute_access(person, on=day)
        assert asker().pk in access.tick and asker().pk in access.edit, day
        assert board.pk in access.bodies
    for day in (first - timedelta(days=1), last + timedelta(days=1)):
        access = compute_access(person, on=day)
        assert asker().pk not in access.tick | access.edit | access.member, day
        assert board.pk not in access.bodies


def test_a_committee_seat_that_ended_yesterday_ticks_nothing_today(client_for, persona):
    committee = Body.objects.get(organisation__slug="rodt-akershus", name="Skoleringsutvalget")
    measure = (
        Measure.objects.filter(responsible=committee, goal__plan__status="adopted")
        .exclude(status="done")
        .order_by("pk")
        .first()
    )
    position = committee.positions.get(person=persona("committee"))
    today = timezone.localdate()
    services.position_end(position=position, on=today - timedelta(days=1), by=persona("admin"))
    tick = reverse("goals:tick", args=[measure.pk])

    refused = client_for("committee").post(tick, {"status": "done"})

    assert refused.status_code in (403, 404)
    measure.refresh_from_db()
    assert measure.status != "done"

    # The same seat ending today still holds today: its last day.
    services.position_end(position=position, on=today, by=persona("admin"))
    assert client_for("committee").post(tick, {"status": "done"}).status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done"


def test_a_term_that_has_not_begun_gives_no_rights_yet():
    person = fresh_person()
    services.position_add(
        person=person, body=fresh_body(), role="secretary", starts_on=date(2027, 2, 14)
    )
    assert asker().pk not in compute_access(person, on=date(2027, 2, 13)).tick
    assert asker().pk in compute_access(person, on=date(2027, 2, 14)).tick


def test_a_dissolved_body_gives_no_rights_after_its_last_day():
    person = fresh_person()
    board = fresh_body("board")
    services.position_add(person=person, body=board, role="member", starts_on=date(2026, 1, 1))
    Body.objects.filter(pk=board.pk).update(dissolved_on=date(2026, 9, 30))  # its terms left open
    assert asker().pk in compute_access(person, on=date(2026, 9, 30)).edit
    access = compute_access(person, on=date(2026, 10, 1))
    assert asker().pk not in access.edit and board.pk not in access.bodies


def test_a_closed_organisation_gives_no_member_or_position_rights_after_it_closed():
    branch = Organisation.objects.create(
        name="Rødt Testlag", slug="rodt-testlag-terms", kind="branch", parent=asker()
    )
    member, officer = fresh_person(), fresh_person()
    Membership.objects.create(person=member, organisation=branch, since=date(2025, 1, 1))
    Position.objects.create(
        person=officer, body=fresh_body("board", branch), starts_on=date(2025, 1, 1)
    )
    Organisation.objects.filter(pk=branch.pk).update(closed_on=date(2026, 5, 31))
    assert branch.pk in compute_access(member, on=date(2026, 5, 31)).member
    assert branch.pk in compute_access(officer, on=date(2026, 5, 31)).tick
    assert branch.pk not in compute_access(member, on=date(2026, 6, 1)).member
    assert branch.pk not in compute_access(officer, on=date(2026, 6, 1)).member


def test_ending_a_membership_ends_its_rights_after_the_last_day_and_adding_it_again_reopens_it(
    persona,
):
    person = fresh_person()
    membership = services.membership_add(
        person=person, organisation=asker(), since=date(2025, 1, 1), by=persona("admin")
    )
    services.membership_end(membership=membership, on=date(2026, 4, 30), by=persona("admin"))
    assert asker().pk in compute_access(person, on=date(2026, 4, 30)).member
    assert asker().pk not in compute_access(person, on=date(2026, 5, 1)).member

    again = services.membership_add(
        person=person, organisation=asker(), member_number="R-42", by=persona("admin")
    )
    assert again.pk == membership.pk and again.ends_on is None and again.member_number == "R-42"
    assert asker().pk in compute_access(person).member
    assert Membership.objects.filter(person=person).count() == 1


def test_the_number_of_queries_for_rights_does_not_grow_with_the_positions():
    def queries(person: User) -> int:
        with CaptureQueriesContext(connection) as captured:
            compute_access(person, on=date(2026, 6, 1))
        return len(captured)

    few, many = fresh_person(), fresh_person()
    services.position_add(person=few, body=fresh_body(), role="member", starts_on=date(2026, 1, 1))
    for _ in range(5):
        services.position_add(
            person=many, body=fresh_body(), role="member", starts_on=date(2026, 1, 1)
        )
    assert queries(few) == queries(many)


# The hand-over after an annual meeting


def test_hand_over_ends_the_old_board_the_day_before_and_the_new_one_takes_over(persona):
    board = fresh_body("board")
    leaving, staying, newcomer = fresh_person(), fresh_person(), fresh_person()
    old_leader = services.position_add(
        person=leaving, body=board, role="leader", starts_on=date(2025, 2, 11)
    )
    old_member = services.position_add(
        person=staying, body=board, role="member", starts_on=date(2025, 2, 11)
    )
    not_begun = services.position_add(
        person=fresh_person(), body=board, role="member", starts_on=date(2027, 3, 1)
    )
    starts_on = date(2027, 2, 14)

    new = services.board_hand_over(
        body=board,
        holders=[(newcomer, "leader"), (staying, "member")],
        starts_on=starts_on,
        ends_on=date(2028, 2, 12),
        by=persona("admin"),
    )

    old_leader.refresh_from_db()
    old_member.refresh_from_db()
    assert old_leader.ends_on == old_member.ends_on == date(2027, 2, 13)
    assert not Position.objects.filter(pk=not_begun.pk).exists()
    assert {(p.person_id, p.role, p.starts_on, p.ends_on) for p in new} == {
        (newcomer.pk, "leader", starts_on, date(2028, 2, 12)),
        (staying.pk, "member", starts_on, date(2028, 2, 12)),
    }
    assert set(board.positions.in_force(starts_on)) == set(new)
    # The old leader's rights hold on the last day and go with the hand-over.
    assert asker().pk in compute_access(leaving, on=date(2027, 2, 13)).edit
    assert asker().pk not in compute_access(leaving, on=starts_on).edit
    assert asker().pk not in compute_access(newcomer, on=date(2027, 2, 13)).edit
    assert asker().pk in compute_access(newcomer, on=starts_on).edit
    assert asker().pk in compute_access(staying, on=starts_on).edit
    entry = Activity.objects.filter(action="position.hand_over").order_by("-pk").first()
    assert entry.actor == persona("admin") and board.name in entry.summary


def test_a_reminder_for_a_measure_of_an_office_goes_to_the_new_holder_after_a_hand_over(persona):
    office = fresh_body("office")
    before, after = fresh_person(), fresh_person()
    services.position_add(person=before, body=office, role="leader", starts_on=date(2026, 2, 10))
    measure = open_measure_of_asker()
    measure.responsible.set([office])
    due = date(2027, 3, 10)
    Measure.objects.filter(pk=measure.pk).update(due_end=due)
    services.board_hand_over(
        body=office, holders=[(after, "leader")], starts_on=date(2027, 3, 1), by=persona("admin")
    )

    assert reminded(measure, due - timedelta(days=14)) == {before.email}  # 24 February
    assert reminded(measure, due - timedelta(days=2)) == {after.email}  # 8 March


def test_the_demo_office_reminds_whoever_holds_it_on_the_day():
    """Rødt Asker's leader office passed from Tone Tidemann to Ingrid Haugen on 10 February 2026."""
    leader = Body.objects.get(organisation__slug="rodt-asker", name="Leder")
    measure = open_measure_of_asker()
    measure.responsible.set([leader])
    Measure.objects.filter(pk=measure.pk).update(due_end=date(2026, 2, 20))
    assert reminded(measure, date(2026, 2, 6)) == {"tone.tidemann@example.org"}
    assert reminded(measure, date(2026, 2, 18)) == {"ingrid.haugen@example.org"}


def test_the_demo_asker_board_shows_who_holds_it_today(client_for):
    former = User.objects.get(email="tone.tidemann@example.org")
    assert asker().pk not in compute_access(former).edit  # her term ended 9 February 2026
    page = client_for("member").get(reverse("organisations:detail", args=["rodt-asker"]))
    html = page.content.decode()
    assert "Ingrid Haugen" in html and "Tone Tidemann" not in html


# Bad input is refused with a message, and nothing changes


def test_a_term_that_ends_before_it_starts_is_refused_and_nothing_is_stored(persona):
    board = fresh_body()
    person = fresh_person()
    logged = Activity.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.position_add(
            person=person,
            body=board,
            role="member",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 30),
            by=persona("admin"),
        )
    assert "Valgperioden kan ikke slutte før den starter." in refused.value.messages
    assert not board.positions.exists()
    assert Activity.objects.count() == logged


def test_a_hand_over_that_ends_before_it_starts_changes_nothing(persona):
    board = fresh_body()
    sitting = services.position_add(
        person=fresh_person(), body=board, role="leader", starts_on=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        services.board_hand_over(
            body=board,
            holders=[(fresh_person(), "leader")],
            starts_on=date(2027, 2, 14),
            ends_on=date(2027, 2, 1),
            by=persona("admin"),
        )
    assert "Valgperioden kan ikke slutte før den starter." in refused.value.messages
    sitting.refresh_from_db()
    assert sitting.ends_on is None and board.positions.count() == 1
    with pytest.raises(ValidationError, match="minst én person"):
        services.board_hand_over(body=board, holders=[], starts_on=date(2027, 2, 14))


def test_an_overlapping_term_of_the_same_place_is_refused_and_the_next_day_is_not(persona):
    board = fresh_body()
    person = fresh_person()
    services.position_add(
        person=person,
        body=board,
        role="member",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    with pytest.raises(ValidationError, match="har allerede dette vervet"):
        services.position_add(
            person=person, body=board, role="member", starts_on=date(2026, 12, 31)
        )
    assert board.positions.count() == 1
    # Another role in the same body, or the term after this one, is fine.
    services.position_add(person=person, body=board, role="secretary", starts_on=date(2026, 6, 1))
    services.position_add(person=person, body=board, role="member", starts_on=date(2027, 1, 1))
    assert board.positions.count() == 3


def test_ending_before_the_start_is_refused(persona):
    position = services.position_add(
        person=fresh_person(), body=fresh_body(), role="member", starts_on=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="kan ikke være før starten"):
        services.position_end(position=position, on=date(2026, 2, 28), by=persona("admin"))
    position.refresh_from_db()
    assert position.ends_on is None
    membership = services.membership_add(
        person=fresh_person(), organisation=asker(), since=date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="kan ikke være før starten"):
        services.membership_end(membership=membership, on=date(2026, 2, 28))


def test_a_dissolved_body_takes_no_new_holders(persona):
    board = fresh_body()
    Body.objects.filter(pk=board.pk).update(dissolved_on=date(2026, 1, 31))
    board.refresh_from_db()
    with pytest.raises(ValidationError, match="oppløst"):
        services.position_add(person=fresh_person(), body=board, role="member")
    with pytest.raises(ValidationError, match="oppløst"):
        services.board_hand_over(
            body=board, holders=[(fresh_person(), "member")], starts_on=date(2026, 3, 1)
        )
    assert not board.positions.exists()
