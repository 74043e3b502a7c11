"""draft → proposed → adopted → archived; new versions, comparison, copies and deletion."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals.models import Measure
from goals.services import goal_create, measure_create, measure_delete, measure_update
from organisations.models import Body, Organisation, User
from plans.compare import ADDED, CHANGED, REMOVED, SAME, compare_plans
from plans.editing import PlanNotEditable
from plans.models import Plan
from plans.services import (
    plan_adopt,
    plan_archive,
    plan_copy,
    plan_create,
    plan_delete,
    plan_propose,
    section_create,
)


@pytest.fixture
def admin(db):
    return User.objects.get(email="admin@example.org")


@pytest.fixture
def adopted(admin):
    organisation = Organisation.objects.get(slug="rodt-akershus")
    plan = plan_create(
        organisation=organisation,
        title="Handlingsplan 2027",
        kind="handlingsplan",
        first_year=2027,
        last_year=2027,
        language="nb",
        visibility="members",
        by=admin,
    )
    section = section_create(plan=plan, title="Egne mål", order=1)
    board = Body.objects.get(organisation=organisation, name="Fylkesstyret")
    leader = Body.objects.get(organisation=organisation, name="Fylkesleder")
    goal = goal_create(plan=plan, section=section, code="A", title="Sterke lag")
    measure_create(goal=goal, text="Kurs for kasserere", due="våren 2027", responsible=[board])
    measure_create(goal=goal, text="Lagsledermøte", responsible=[board])
    measure_create(goal=goal, text="Skolering i listestilling", due="2027")
    goal_create(plan=plan, section=section, code="B", title="Samarbeid med fagbevegelsen")
    plan_propose(plan=plan, by=admin)
    plan_adopt(
        plan=plan,
        meeting=Body.objects.get(organisation=organisation, name="Fylkesårsmøtet"),
        on=date(2026, 11, 1),
        by=admin,
    )
    plan.refresh_from_db()
    plan.leader = leader
    return plan


def test_an_adopted_plan_is_immutable(adopted, admin):
    measure = Measure.objects.filter(goal__plan=adopted).first()
    with pytest.raises(PlanNotEditable):
        measure_update(
            measure=measure,
            expected_revision=measure.revision,
            text="Nytt",
            responsible=[],
            due="",
            recurrence="",
            delegated=False,
            tags=[],
            by=admin,
        )
    with pytest.raises(PlanNotEditable):
        measure_delete(measure=measure, by=admin)
    with pytest.raises(ValidationError):
        plan_delete(plan=adopted, by=admin)
    assert Measure.objects.filter(goal__plan=adopted).count() == 3


def test_life_cycle_moves_forward_only(adopted, admin):
    with pytest.raises(ValidationError):
        plan_propose(plan=adopted, by=admin)
    archived = plan_archive(plan=adopted, by=admin)
    assert archived.status == "archived" and archived.archived_at is not None
    actions = list(adopted.activities.values_list("action", flat=True))
    assert {"plan.create", "plan.propose", "plan.adopt", "plan.archive"} <= set(actions)


def test_new_version_is_an_editable_copy_linked_to_the_adopted_plan(adopted, admin):
    version = plan_copy(plan=adopted, by=admin, new_version=True)
    assert version.status == "draft" and version.previous_version == adopted
    assert version.title == adopted.title
    assert Measure.objects.filter(goal__plan=version).count() == 3
    assert list(
        Measure.objects.filter(goal__plan=version)
        .order_by("goal__order", "order")
        .values_list("text", flat=True)
    ) == list(
        Measure.objects.filter(goal__plan=adopted)
        .order_by("goal__order", "order")
        .values_list("text", flat=True)
    )
    adopted.refresh_from_db()
    assert adopted.status == "adopted"


def test_comparison_shows_added_removed_reworded_and_responsible_changes(adopted, admin):
    version = plan_copy(plan=adopted, by=admin, new_version=True)
    goal_a = version.goals.get(code="A")
    kurs = goal_a.measures.get(text="Kurs for kasserere")
    lagsleder = goal_a.measures.get(text="Lagsledermøte")
    measure_update(
        measure=kurs,
        expected_revision=kurs.revision,
        text="Kurs for nye kasserere",
        responsible=list(kurs.responsible.all()),
        due="våren 2027",
        recurrence="",
        delegated=False,
        tags=[],
        by=admin,
    )
    measure_update(
        measure=lagsleder,
        expected_revision=lagsleder.revision,
        text="Lagsledermøte",
        responsible=[adopted.leader],
        due="",
        recurrence="FREQ=MONTHLY;INTERVAL=3",
        delegated=False,
        tags=[],
        by=admin,
    )
    measure_delete(measure=goal_a.measures.get(text="Skolering i listestilling"), by=admin)
    measure_create(goal=goal_a, text="Verveuke i september", due="september 2027")
    goal_create(plan=version, section=version.sections.get(), code="C", title="Valgkamp")

    changes = {change.goal.code: change for change in compare_plans(adopted, version)}
    assert changes["C"].kind == ADDED
    assert changes["B"].kind == SAME and not changes["B"].has_changes
    by_text = {(m.new or m.old).text: m for m in changes["A"].measures}
    assert by_text["Verveuke i september"].kind == ADDED
    assert by_text["Skolering i listestilling"].kind == REMOVED
    reworded = by_text["Kurs for nye kasserere"]
    assert reworded.kind == CHANGED
    assert ("Omformulert", "Kurs for kasserere", "Kurs for nye kasserere") in reworded.details
    responsible = by_text["Lagsledermøte"]
    assert responsible.kind == CHANGED
    assert ("Ansvar endret", "Fylkesstyret", "Fylkesleder") in responsible.details


def test_comparison_page_lists_the_changes(adopted, admin, client_for):
    version = plan_copy(plan=adopted, by=admin, new_version=True)
    measure_delete(measure=Measure.objects.get(goal__plan=version, text="Lagsledermøte"), by=admin)
    goal_create(plan=version, section=version.sections.get(), code="C", title="Valgkamp")
    response = client_for("board").get(reverse("plans:compare", args=[version.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "C. Valgkamp" in html and "Lagsledermøte" in html
    assert "Samarbeid med fagbevegelsen" not in html  # unchanged goals are not listed


def test_duplicate_and_delete_a_draft_with_confirmation(adopted, client_for):
    board = client_for("board")
    response = board.post(reverse("plans:duplicate", args=[adopted.pk]))
    copy = Plan.objects.get(title=f"Kopi av {adopted.title}")
    assert response.status_code == 302 and copy.status == "draft"
    assert copy.previous_version is None
    confirm = board.get(reverse("plans:delete", args=[copy.pk]))
    assert confirm.status_code == 200 and "Ja, slett" in confirm.content.decode()
    assert Plan.objects.filter(pk=copy.pk).exists()  # nothing is deleted by looking
    board.post(reverse("plans:delete", args=[copy.pk]))
    assert not Plan.objects.filter(pk=copy.pk).exists()
    assert adopted.organisation.activities.filter(action="plan.delete").exists()


def test_an_adopted_plan_cannot_be_deleted_through_the_page(adopted, client_for):
    response = client_for("admin").post(reverse("plans:delete", args=[adopted.pk]))
    assert response.status_code == 302
    assert Plan.objects.filter(pk=adopted.pk).exists()
