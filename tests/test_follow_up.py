"""Secretaries follow the plan up: ticks, undo, occurrences, delegated shares, roll-up."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from goals.models import Assignment, Measure, OccurrenceTick, ProgressNote
from goals.progress import measure_tick
from goals.rollup import rollup
from goals.services import measure_create
from organisations.models import Organisation, User
from organisations.services import organisation_create
from plans.models import Plan
from tests.factories import adopt, county_plan

HTMX = {"HTTP_HX_REQUEST": "true"}


def asker_measure() -> Measure:
    return (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )


def test_secretary_ticks_a_measure_with_a_note_and_undoes_it(client_for):
    measure = asker_measure()
    secretary = client_for("secretary")
    url = reverse("goals:tick", args=[measure.pk])
    response = secretary.post(url, {"status": "done", "note": "Gjort på styremøtet"}, **HTMX)
    assert response.status_code == 200
    assert f'id="progress-{measure.pk}"' in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == "done" and measure.completed_by.email == "sekretaer@example.org"
    secretary.post(url, {"status": "planned"}, **HTMX)
    measure.refresh_from_db()
    assert measure.status == "planned" and measure.completed_at is None
    notes = list(ProgressNote.objects.filter(measure=measure).order_by("created_at", "pk"))
    assert [(n.status_before, n.status_after, n.text) for n in notes] == [
        ("planned", "done", "Gjort på styremøtet"),
        ("done", "planned", ""),
    ]


def test_cancelling_needs_a_reason(client_for):
    measure = asker_measure()
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]), {"status": "cancelled", "note": " "}, **HTMX
    )
    assert response.status_code == 200
    assert "Skriv hvorfor tiltaket avlyses" in response.content.decode()
    measure.refresh_from_db()
    assert measure.status == "planned"


@pytest.mark.parametrize(
    "data",
    [
        {"status": "finished"},
        {"status": "done", "occurrence": "not-a-date"},
        {"status": "done", "occurrence": "2026-01-15"},
        {"status": "done", "assignment": "999999"},
    ],
)
def test_bad_tick_input_is_refused_without_a_500(client_for, data):
    measure = asker_measure()
    response = client_for("secretary").post(reverse("goals:tick", args=[measure.pk]), data, **HTMX)
    assert response.status_code in (200, 403)
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_member_sees_the_status_but_cannot_tick(client_for):
    measure = asker_measure()
    page = client_for("member").get(measure.goal.plan.get_absolute_url()).content.decode()
    assert f'id="progress-{measure.pk}"' in page and "tick-form" not in page
    forged = client_for("member").post(reverse("goals:tick", args=[measure.pk]), {"status": "done"})
    assert forged.status_code == 403
    assert (
        client_for("outsider")
        .post(reverse("goals:tick", args=[measure.pk]), {"status": "done"})
        .status_code
        == 404
    )
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_recurring_measure_is_ticked_per_occurrence(client_for):
    measure = Measure.objects.get(
        goal__plan__organisation__slug="rodt-akershus",
        goal__plan__status="adopted",
        recurrence="FREQ=MONTHLY",
        delegated=False,
    )
    assert len(measure.occurrences()) == 12
    board = client_for("board")
    url = reverse("goals:tick", args=[measure.pk])
    before = OccurrenceTick.objects.filter(measure=measure).count()  # the demo's ticks
    board.post(url, {"status": "done", "occurrence": "2026-11-01", "note": "BPA"}, **HTMX)
    response = board.post(url, {"status": "done", "occurrence": "2026-12-01"}, **HTMX)
    assert f"{before + 2} av 12 gjennomført" in response.content.decode()
    assert OccurrenceTick.objects.filter(measure=measure).count() == before + 2
    board.post(url, {"status": "planned", "occurrence": "2026-12-01"}, **HTMX)
    days = set(OccurrenceTick.objects.filter(measure=measure).values_list("occurrence", flat=True))
    assert date(2026, 11, 1) in days and date(2026, 12, 1) not in days


def test_delegated_measure_has_one_assignment_per_branch_and_new_branches_get_theirs(db):
    measure = Measure.objects.filter(
        goal__plan__organisation__slug="rodt-akershus", goal__plan__status="adopted", delegated=True
    ).first()
    assert set(measure.assignments.values_list("organisation__slug", flat=True)) == {
        "rodt-asker",
        "rodt-baerum",
    }
    akershus = Organisation.objects.get(slug="rodt-akershus")
    organisation_create(
        name="Rødt Lillestrøm", slug="rodt-lillestrom", kind="branch", parent=akershus
    )
    assert measure.assignments.filter(organisation__slug="rodt-lillestrom").exists()


def test_branch_secretary_ticks_its_share_and_the_county_board_sees_it(client_for):
    assignment = Assignment.objects.filter(
        organisation__slug="rodt-asker",
        measure__goal__plan__organisation__slug="rodt-akershus",
        measure__goal__plan__status="adopted",
        measure__recurrence="",
    ).first()
    measure = assignment.measure
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]),
        {"status": "done", "assignment": assignment.pk, "note": "Holdt 12. mars"},
        **HTMX,
    )
    assert response.status_code == 200
    assignment.refresh_from_db()
    assert assignment.status == "done"
    measure.refresh_from_db()
    assert measure.status == "planned"  # the county's own status is its own
    # Bærum's share cannot be ticked by Asker's secretary.
    baerum = measure.assignments.get(organisation__slug="rodt-baerum")
    forged = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]), {"status": "done", "assignment": baerum.pk}
    )
    assert forged.status_code == 403
    matrix = client_for("board").get(reverse("goals:delegation", args=[measure.goal.plan_id]))
    html = matrix.content.decode()
    assert "Holdt 12. mars" in html and "Rødt Asker" in html and "Rødt Bærum" in html


def test_roll_up_counts_occurrences_and_branches_and_leaves_out_cancelled(db):
    admin = User.objects.get(email="admin@example.org")
    plan, goal = county_plan("Regneplan")
    plain = measure_create(goal=goal, text="Vanlig")
    cancelled = measure_create(goal=goal, text="Avlyst")
    quarterly = measure_create(goal=goal, text="Kvartalsvis", recurrence="FREQ=MONTHLY;INTERVAL=3")
    delegated = measure_create(goal=goal, text="Alle lag", delegated=True)
    adopt(plan)
    measure_tick(measure=plain, by=admin)
    measure_tick(measure=cancelled, by=admin, status="cancelled", note="Ikke aktuelt")
    for day in (date(2026, 1, 1), date(2026, 4, 1)):
        measure_tick(measure=quarterly, by=admin, occurrence=day)
    measure_tick(
        measure=delegated,
        by=admin,
        assignment=delegated.assignments.get(organisation__slug="rodt-asker"),
    )
    result = rollup(Measure.objects.filter(goal__plan=plan))
    # plain 1/1 + quarterly 2/4 + delegated 1/2 (Asker of Asker and Bærum); cancelled left out
    assert (result.total.done, result.total.units) == (4, 7)
    assert result.total.percent == 57
    assert result.by_goal[goal.pk].units == 7


def test_dashboard_shows_the_rule_and_the_branches(client_for):
    response = client_for("board").get(reverse("organisation_dashboard", args=["rodt-akershus"]))
    html = response.content.decode()
    assert "gjennomført ÷ (alle − avlyste)" in html
    assert "Rødt Asker" in html
    assert (
        Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026").title
        in html
    )
