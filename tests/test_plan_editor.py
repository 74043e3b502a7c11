"""Board members write plans in the browser: creation, inline edits, bad input, conflicts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Goal, Measure
from goals.services import goal_create, measure_create
from organisations.models import Body, Organisation
from plans.models import Activity, Plan
from plans.services import plan_create, plan_propose, section_create

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def akershus(db):
    return Organisation.objects.get(slug="rodt-akershus")


@pytest.fixture
def draft(akershus):
    plan = plan_create(
        organisation=akershus,
        title="Handlingsplan 2027",
        kind="handlingsplan",
        first_year=2027,
        last_year=2027,
        language="nb",
        visibility="members",
    )
    section = section_create(plan=plan, title="Egne mål", order=1)
    goal = goal_create(plan=plan, section=section, code="A", title="Flere aktive lag")
    measure_create(goal=goal, text="Lagsledermøte hvert kvartal")
    return plan


def goal_of(plan: Plan) -> Goal:
    return plan.goals.get(parent=None)


def test_board_member_creates_a_plan_implementing_two_national_goals(client_for, akershus):
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    chosen = list(national.goals.filter(section__title="Partibygging", code__in=["A", "B"]))
    response = client_for("board").post(
        reverse("plans:create", args=["rodt-akershus"]),
        {
            "title": "Handlingsplan 2028",
            "kind": "handlingsplan",
            "first_year": 2028,
            "last_year": 2028,
            "language": "nb",
            "visibility": "members",
            "preamble": "",
            "implements": national.pk,
            "derived_goals": [g.pk for g in chosen],
        },
    )
    plan = Plan.objects.get(organisation=akershus, title="Handlingsplan 2028")
    assert response.status_code == 302 and response.url == plan.get_edit_url()
    assert plan.status == "draft" and plan.implements == national
    derived = list(plan.goals.order_by("order"))
    assert [g.derived_from_id for g in derived] == [g.pk for g in chosen]
    assert [g.title for g in derived] == [g.title for g in chosen]


def test_adding_a_measure_is_one_request_answered_with_a_fragment(client_for, draft):
    goal = goal_of(draft)
    bodies = Body.objects.filter(
        organisation=draft.organisation, name__in=["Fylkesstyret", "Fylkesleder"]
    )
    prefix = f"goal-{goal.pk}-add-measure"
    response = client_for("board").post(
        reverse("goals:measure_add", args=[goal.pk]),
        {
            f"{prefix}-revision": 1,
            f"{prefix}-text": "Skoleringshelg for nye styremedlemmer",
            f"{prefix}-responsible": [b.pk for b in bodies],
            f"{prefix}-due": "høsten 2027",
            f"{prefix}-recurrence": "times_a_year",
            f"{prefix}-times_a_year": 10,
            f"{prefix}-tags": "skolering, rekruttering",
        },
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and f'id="goal-{goal.pk}-measures"' in html
    assert "Skoleringshelg for nye styremedlemmer" in html and "høsten 2027" in html
    measure = goal.measures.get(text__startswith="Skoleringshelg")
    assert (measure.due_start.isoformat(), measure.due_end.isoformat()) == (
        "2027-08-01",
        "2027-12-31",
    )
    assert measure.due_precision == "season"
    assert measure.recurrence == "FREQ=MONTHLY;BYMONTH=1,2,3,4,5,6,8,9,10,11"
    assert measure.recurrence_text == "10 ganger i året"
    assert set(measure.responsible.values_list("name", flat=True)) == {
        "Fylkesstyret",
        "Fylkesleder",
    }


def test_editing_a_measure_records_old_and_new_values(client_for, draft):
    measure = Measure.objects.get(goal__plan=draft)
    prefix = f"measure-{measure.pk}"
    response = client_for("board").post(
        reverse("goals:measure_edit", args=[measure.pk]),
        {
            f"{prefix}-revision": measure.revision,
            f"{prefix}-text": "Lagsledermøte hver måned",
            f"{prefix}-due": "juni 2027",
            f"{prefix}-recurrence": "monthly",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert f'id="measure-{measure.pk}"' in response.content.decode()
    entry = Activity.objects.filter(plan=draft, action="measure.update").get()
    assert entry.changes["text"] == ["Lagsledermøte hvert kvartal", "Lagsledermøte hver måned"]
    assert entry.changes["due_text"] == ["", "juni 2027"]
    assert entry.actor.email == "styre@example.org"
    history = client_for("board").get(reverse("plans:history", args=[draft.pk]))
    assert "Lagsledermøte hver måned" in history.content.decode()


def _measure_post(measure: Measure, **fields) -> dict:
    prefix = f"measure-{measure.pk}"
    data = {"revision": measure.revision, "text": measure.text, "due": "", "recurrence": ""}
    data.update(fields)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_second_save_of_the_same_measure_gets_a_conflict_and_loses_no_text(client_for, draft):
    measure = Measure.objects.get(goal__plan=draft)
    board, admin = client_for("board"), client_for("admin")
    url = reverse("goals:measure_edit", args=[measure.pk])
    # Both open the form at the same revision.
    assert board.get(url, **HTMX).status_code == 200
    assert admin.get(url, **HTMX).status_code == 200
    first = board.post(url, _measure_post(measure, text="Styrets tekst"), **HTMX)
    assert first.status_code == 200
    second = admin.post(url, _measure_post(measure, text="Adminens tekst"), **HTMX)
    html = second.content.decode()
    assert second.status_code == 200
    assert "Styrets tekst" in html  # the other person's version is shown
    assert "Adminens tekst" in html  # and their own text is kept in the form
    assert "Siri Styre" in html
    measure.refresh_from_db()
    assert measure.text == "Styrets tekst"  # nothing was overwritten
    # Saving again, now knowingly, replaces the other version.
    again = admin.post(url, _measure_post(measure, text="Adminens tekst"), **HTMX)
    assert again.status_code == 200
    measure.refresh_from_db()
    assert measure.text == "Adminens tekst"


def test_goal_conflict_keeps_both_texts(client_for, draft):
    goal = goal_of(draft)
    url = reverse("goals:goal_edit", args=[goal.pk])
    prefix = f"goal-{goal.pk}"
    data = {
        f"{prefix}-revision": goal.revision,
        f"{prefix}-code": "A",
        f"{prefix}-lead_in": "",
        f"{prefix}-description": "",
    }
    client_for("board").post(url, {**data, f"{prefix}-title": "Tittel fra styret"}, **HTMX)
    response = client_for("admin").post(
        url, {**data, f"{prefix}-title": "Tittel fra admin"}, **HTMX
    )
    html = response.content.decode()
    assert "Tittel fra styret" in html and "Tittel fra admin" in html
    goal.refresh_from_db()
    assert goal.title == "Tittel fra styret"


BAD_MEASURE_INPUT = [
    ({"due": "snart"}, "Godtatte former"),
    ({"due": "31.02.2027"}, "Godtatte former"),
    ({"due": "uke 54 2027"}, "Godtatte former"),
    ({"text": "   "}, "Skriv hva som skal gjøres"),
    ({"recurrence": "times_a_year"}, "Hvor mange ganger i året"),
    ({"recurrence": "times_a_year", "times_a_year": 40}, "12"),
    ({"recurrence": "hver fullmåne"}, "gyldig"),
    ({"responsible": 999999}, "gyldig"),
    ({"revision": "abc"}, "heltall"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_MEASURE_INPUT)
def test_bad_measure_input_re_renders_the_form_with_a_message(client_for, draft, fields, message):
    measure = Measure.objects.get(goal__plan=draft)
    url = reverse("goals:measure_edit", args=[measure.pk])
    for headers in (HTMX, {}):
        response = client_for("board").post(url, _measure_post(measure, **fields), **headers)
        assert response.status_code == 200
        assert message in response.content.decode()
    measure.refresh_from_db()
    assert measure.text == "Lagsledermøte hvert kvartal"


def test_a_body_of_another_organisation_cannot_be_made_responsible(client_for, draft):
    measure = Measure.objects.get(goal__plan=draft)
    foreign = Body.objects.get(organisation__slug="arbeiderpartiet", name="Sentralstyret")
    response = client_for("board").post(
        reverse("goals:measure_edit", args=[measure.pk]),
        _measure_post(measure, responsible=foreign.pk),
        **HTMX,
    )
    assert response.status_code == 200
    assert "gyldig" in response.content.decode()
    assert not measure.responsible.exists()


BAD_PLAN_INPUT = [
    ({"title": ""}, "Feltet er påkrevet"),
    ({"first_year": 2030, "last_year": 2029}, "kan ikke være før"),
    ({"first_year": 1900}, "2000"),
    ({"last_year": "neste år"}, "heltall"),
    ({"kind": "roman"}, "gyldig"),
    ({"derived_goals": [1]}, "Velg planen målene kommer fra"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_PLAN_INPUT)
def test_bad_plan_input_re_renders_with_a_message(client_for, akershus, fields, message):
    data = {
        "title": "Ny plan",
        "kind": "handlingsplan",
        "first_year": 2027,
        "last_year": 2027,
        "language": "nb",
        "visibility": "members",
        **fields,
    }
    if "derived_goals" in fields:
        national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
        data["derived_goals"] = [national.goals.first().pk]
    before = Plan.objects.count()
    response = client_for("board").post(reverse("plans:create", args=["rodt-akershus"]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Plan.objects.count() == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plans:section_edit", {"revision": 1, "title": ""}, "påkrevet"),
        ("goals:goal_edit", {"revision": 1, "title": "", "code": "A"}, "påkrevet"),
        ("goals:goal_add", {"title": ""}, "påkrevet"),
        ("goals:subgoal_add", {"title": ""}, "påkrevet"),
    ],
)
def test_bad_goal_and_section_input_re_renders_with_a_message(
    client_for, draft, name, data, message
):
    goal = goal_of(draft)
    target = {
        "plans:section_edit": goal.section,
        "goals:goal_edit": goal,
        "goals:goal_add": goal.section,
        "goals:subgoal_add": goal,
    }[name]
    prefix = {
        "plans:section_edit": f"section-{target.pk}",
        "goals:goal_edit": f"goal-{target.pk}",
        "goals:goal_add": f"section-{target.pk}-add-goal",
        "goals:subgoal_add": f"goal-{target.pk}-add-subgoal",
    }[name]
    response = client_for("board").post(
        reverse(name, args=[target.pk]), {f"{prefix}-{k}": v for k, v in data.items()}, **HTMX
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_adopt_form_refuses_a_future_date_and_a_foreign_body(client_for, draft):
    """A plan proposed without a meeting (as before meetings were recorded) is adopted here."""
    admin = client_for("admin")
    plan_propose(plan=draft, by=None)
    url = reverse("plans:adopt", args=[draft.pk])
    foreign = Body.objects.get(organisation__slug="rodt", name="Landsmøtet")
    meeting = Body.objects.get(organisation=draft.organisation, name="Fylkesårsmøtet")
    for data, message in [
        ({"meeting": meeting.pk, "on": "2099-01-01"}, "fremtiden"),
        ({"meeting": foreign.pk, "on": "2026-11-01"}, "gyldig"),
        ({"meeting": meeting.pk, "on": "i går"}, "gyldig dato"),
    ]:
        response = admin.post(url, data)
        assert response.status_code == 200 and message in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "proposed"


def test_due_preview_shows_how_the_text_was_understood(client_for, draft):
    url = reverse("plans:due_preview", args=[draft.pk])
    board = client_for("board")
    assert (
        "1. august 2027 – 31. desember 2027"
        in board.get(url, {"due": "høsten 2027"}).content.decode()
    )
    assert "Godtatte former" in board.get(url, {"due": "en gang"}).content.decode()


def test_markdown_preview_is_sanitised(client_for, draft):
    response = client_for("board").post(
        reverse("plans:preview", args=[draft.pk]), {"text": "**fet** <script>x()</script>"}
    )
    html = response.content.decode()
    assert "<strong>fet</strong>" in html and "<script>" not in html


def test_keyboard_move_and_drag_reorder_change_the_order(client_for, draft):
    goal = goal_of(draft)
    second = measure_create(goal=goal, text="Andre tiltak")
    third = measure_create(goal=goal, text="Tredje tiltak")
    first = goal.measures.get(text="Lagsledermøte hvert kvartal")
    board = client_for("board")
    response = board.post(
        reverse("goals:measure_move", args=[third.pk]), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 200
    assert list(goal.measures.order_by("order").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    board.post(
        reverse("goals:measures_reorder", args=[goal.pk]),
        {"ids": [second.pk, first.pk, third.pk]},
        **HTMX,
    )
    assert list(goal.measures.order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
        third.pk,
    ]


def _big_plan(organisation: Organisation, goals: int, measures: int) -> Plan:
    plan = plan_create(
        organisation=organisation,
        title=f"Plan {goals}x{measures}",
        kind="handlingsplan",
        first_year=2027,
        last_year=2027,
        language="nb",
        visibility="members",
    )
    bodies = list(organisation.bodies.all()[:2])
    section = section_create(plan=plan, title="Del", order=1)
    for g in range(goals):
        goal = goal_create(plan=plan, section=section, code=str(g), title=f"Mål {g}")
        sub = goal_create(plan=plan, section=section, parent=goal, title=f"Delmål {g}")
        for m in range(measures):
            measure_create(
                goal=goal if m % 3 else sub,
                text=f"Tiltak {g}.{m}",
                responsible=bodies,
                due="2027",
                tags=["skolering"],
            )
    return plan


def test_editor_page_uses_a_fixed_number_of_queries(client_for, akershus):
    small = _big_plan(akershus, 1, 1)
    large = _big_plan(akershus, 20, 10)  # 200 measures
    board = client_for("board")
    counts = []
    for plan in (small, large):
        board.get(plan.get_edit_url())
        with CaptureQueriesContext(connection) as queries:
            response = board.get(plan.get_edit_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert Measure.objects.filter(goal__plan=large).count() == 200
    assert "Tiltak 19.9" in response.content.decode()
    assert counts[0] == counts[1], counts
