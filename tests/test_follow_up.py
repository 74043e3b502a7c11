"""Secretaries follow the plan up: ticks, undo, occurrences, delegated shares, roll-up."""

from __future__ import annotations

import re
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


# Backdating: a completion takes a date, today by default, never future, never before the plan.


def local_day(moment) -> date:
    from django.utils import timezone

    return timezone.localdate(moment)


def test_secretary_backdates_a_completion_and_it_is_stored_on_that_day(client_for):
    measure = asker_measure()
    day = date(measure.goal.plan.first_year, 3, 10)
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]),
        {"status": "done", "done_on": day.isoformat(), "note": "Gjort i mars"},
        **HTMX,
    )
    assert response.status_code == 200
    measure.refresh_from_db()
    assert measure.status == "done" and local_day(measure.completed_at) == day


def test_a_completion_without_a_date_is_today(client_for):
    from django.utils import timezone

    measure = asker_measure()
    client_for("secretary").post(reverse("goals:tick", args=[measure.pk]), {"status": "done"})
    measure.refresh_from_db()
    assert local_day(measure.completed_at) == timezone.localdate()


def test_the_tick_form_offers_a_date_bounded_by_the_plan_and_today(client_for):
    from django.utils import timezone

    measure = asker_measure()
    html = client_for("secretary").get(measure.goal.plan.get_absolute_url()).content.decode()
    pattern = rf'<input type="date" name="done_on" id="done-on-{measure.pk}"[^>]*>'
    field = re.search(pattern, html)[0]
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in field and f'max="{today}"' in field
    assert f'min="{measure.goal.plan.first_year}-01-01"' in field


@pytest.mark.parametrize(
    ("done_on", "message"),
    [
        ("2999-01-01", "kan ikke være i fremtiden"),
        ("1999-12-31", "kan ikke være før planperioden"),
        ("10.03.2026", "er ikke en gyldig dato"),
        ("2026-02-30", "er ikke en gyldig dato"),
        ("99999-01-01", "er ikke en gyldig dato"),
    ],
)
def test_bad_completion_dates_re_render_with_a_message_and_change_nothing(
    client_for, done_on, message
):
    from django.utils import timezone

    measure = asker_measure()
    url = reverse("goals:tick", args=[measure.pk])
    if done_on == "2999-01-01":  # the future, whatever day the test runs
        done_on = date(timezone.localdate().year + 1, 1, 1).isoformat()
    secretary = client_for("secretary")
    response = secretary.post(url, {"status": "done", "done_on": done_on}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and message in html
    page = secretary.post(url, {"status": "done", "done_on": done_on}, follow=True)
    assert page.status_code == 200 and message in page.content.decode()
    measure.refresh_from_db()
    assert measure.status == "planned" and measure.completed_at is None


def test_the_service_refuses_a_future_or_too_early_date(persona):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    measure = asker_measure()
    for day in (timezone.localdate().replace(year=timezone.localdate().year + 1), date(2000, 1, 1)):
        with pytest.raises(ValidationError):
            measure_tick(measure=measure, by=persona("secretary"), done_on=day)
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_an_occurrence_tick_and_a_branch_share_take_a_date(client_for):
    measure = Measure.objects.get(
        goal__plan__organisation__slug="rodt-akershus",
        goal__plan__status="adopted",
        recurrence="FREQ=MONTHLY",
        delegated=False,
    )
    board = client_for("board")
    url = reverse("goals:tick", args=[measure.pk])
    board.post(url, {"status": "planned", "occurrence": "2026-10-01"}, **HTMX)
    response = board.post(
        url,
        {"status": "done", "occurrence": "2026-10-01", "done_on": "2026-10-03", "note": "Holdt"},
        **HTMX,
    )
    assert response.status_code == 200
    tick = OccurrenceTick.objects.get(
        measure=measure, assignment=None, occurrence=date(2026, 10, 1)
    )
    assert local_day(tick.done_at) == date(2026, 10, 3)
    assignment = Assignment.objects.filter(
        organisation__slug="rodt-asker",
        measure__goal__plan__organisation__slug="rodt-akershus",
        measure__goal__plan__status="adopted",
        measure__recurrence="",
        status="planned",
    ).first()
    client_for("secretary").post(
        reverse("goals:tick", args=[assignment.measure_id]),
        {"status": "done", "assignment": assignment.pk, "done_on": "2026-06-20"},
        **HTMX,
    )
    assignment.refresh_from_db()
    assert assignment.status == "done" and local_day(assignment.completed_at) == date(2026, 6, 20)


# Mine tiltak: overdue first and labelled, by due date; filters by organisation and status.


def my_plan():
    """An adopted plan of Rødt Akershus with measures due before and after today."""
    from django.utils import timezone

    today = timezone.localdate()
    plan, goal = county_plan("Oppfølgingsplan", year=today.year)
    due = {
        "Forfalt tidlig": today.replace(month=1, day=2),
        "Forfalt sent": today.replace(day=1) if today.day > 1 else today.replace(month=1, day=3),
        "Gjort før fristen": today.replace(month=1, day=1),
        "Frist neste år": today.replace(year=today.year + 1, month=6, day=1),
        "Uten frist": None,
    }
    measures = {}
    for order, (text, day) in enumerate(due.items(), start=1):
        measure = measure_create(goal=goal, text=text, order=order)
        Measure.objects.filter(pk=measure.pk).update(
            due_start=day, due_end=day, due_text=str(day or ""), due_precision="day" if day else ""
        )
        measures[text] = measure
    adopt(plan, on=today.replace(month=1, day=1))
    measure_tick(
        measure=measures["Gjort før fristen"], by=User.objects.get(email="admin@example.org")
    )
    return plan, measures


def test_my_measures_lists_overdue_first_by_due_date_and_labels_them(client_for):
    plan, measures = my_plan()
    board = client_for("board")
    listed, number = [], 1
    while True:  # every page, in order
        page = board.get(
            reverse("goals:mine"), {"organisation": "rodt-akershus", "page": str(number)}
        ).context["page"]
        listed += page.object_list
        if not page.has_next():
            break
        number += 1
    response = board.get(reverse("goals:mine"), {"organisation": "rodt-akershus"})
    flags = [m.overdue for m in listed]
    assert flags == sorted(flags, reverse=True)  # every overdue one before the rest
    ours = [m.text for m in listed if m.goal.plan_id == plan.pk]
    assert ours[:2] == ["Forfalt tidlig", "Forfalt sent"]
    assert ours.index("Gjort før fristen") < ours.index("Frist neste år") < ours.index("Uten frist")
    html = response.content.decode()
    for text, overdue in (("Forfalt tidlig", True), ("Gjort før fristen", False)):
        item = html[html.index(f">{text}</a>") :]
        item = item[: item.index("</li>")]
        assert ('class="badge status-overdue"' in item) is overdue


def test_my_measures_filters_by_status_and_organisation(client_for):
    plan, measures = my_plan()
    board = client_for("board")

    def texts(**params):
        response = board.get(reverse("goals:mine"), params)
        assert response.status_code == 200
        return {m.text for m in response.context["page"].object_list}

    assert "Gjort før fristen" in texts(status="done", organisation="rodt-akershus")
    assert "Forfalt tidlig" not in texts(status="done", organisation="rodt-akershus")
    overdue = texts(status="overdue")
    assert {"Forfalt tidlig", "Forfalt sent"} <= overdue and "Frist neste år" not in overdue
    # Bad values are ignored (all measures), never a 500.
    everything = texts()
    assert texts(status="<script>", organisation="no-such-org", page="x") == everything
    assert texts(organisation="rodt-asker") == everything  # not one of the board's

    admin = client_for("admin")
    asker = admin.get(reverse("goals:mine"), {"organisation": "rodt-asker", "status": "planned"})
    shown = list(asker.context["page"].object_list)
    assert shown and {m.goal.plan.organisation.slug for m in shown} == {"rodt-asker"}
    assert {m.status for m in shown} == {"planned"}
    html = asker.content.decode()
    assert '<option value="rodt-asker" selected>' in html
    assert '<option value="planned" selected>' in html
