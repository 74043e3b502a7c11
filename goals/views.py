"""Editing goals and measures inline (htmx), with full-page fallbacks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from organisations.params import choice_param, id_list_param
from organisations.permissions import can_edit_plan, get_visible_or_404, require
from plans.inline import inline_edit
from plans.models import Plan, Section
from plans.selectors import goal_node, sibling_nodes
from plans.views import editable_section

from .forms import GoalForm, MeasureForm, NewGoalForm
from .models import Goal, Measure
from .services import (
    goal_create,
    goal_delete,
    goal_move,
    goal_update,
    goals_reorder,
    measure_create,
    measure_delete,
    measure_move,
    measure_update,
    measures_reorder,
)


def editable_goal(request: HttpRequest, pk: int) -> Goal:
    goal = get_visible_or_404(
        request,
        Goal.objects.visible_to(request.user).select_related("plan__organisation", "section"),
        pk=pk,
    )
    require(can_edit_plan(request.user, goal.plan))
    return goal


def editable_measure(request: HttpRequest, pk: int) -> Measure:
    measure = get_visible_or_404(
        request,
        Measure.objects.visible_to(request.user).select_related(
            "goal__plan__organisation", "goal__section"
        ),
        pk=pk,
    )
    require(can_edit_plan(request.user, measure.goal.plan))
    return measure


def bodies_of(plan: Plan):
    return plan.organisation.bodies.order_by("kind", "name")


def _goal_measures(goal: Goal) -> Goal:
    return (
        Goal.objects.select_related("plan__organisation")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by("order", "pk").prefetch_related(
                    "responsible", "tags"
                ),
            )
        )
        .get(pk=goal.pk)
    )


# Fragments -----------------------------------------------------------------


def measures_fragment(request: HttpRequest, goal: Goal) -> HttpResponse:
    return render(request, "goals/_measures.html", {"goal": _goal_measures(goal)})


def measure_fragment(request: HttpRequest, measure: Measure) -> HttpResponse:
    measure = (
        Measure.objects.prefetch_related("responsible", "tags")
        .select_related("goal__plan")
        .get(pk=measure.pk)
    )
    return render(request, "goals/_measure_edit.html", {"measure": measure})


def goal_fragment(request: HttpRequest, goal: Goal) -> HttpResponse:
    return render(request, "goals/_goal_edit.html", {"node": goal_node(goal)})


def goal_list_fragment(request: HttpRequest, goal: Goal) -> HttpResponse:
    return render(
        request,
        "goals/_goal_list.html",
        {"nodes": sibling_nodes(goal), "section": goal.section, "parent": goal.parent},
    )


def _done(request: HttpRequest, plan: Plan, fragment) -> HttpResponse:
    if request.htmx:
        return fragment()
    return redirect(plan.get_edit_url())


# Goals -----------------------------------------------------------------------


@login_required
def goal_item(request: HttpRequest, pk: int) -> HttpResponse:
    return goal_fragment(request, editable_goal(request, pk))


@login_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = editable_goal(request, pk)
    return inline_edit(
        request,
        make_form=lambda data: GoalForm.for_goal(goal, data),
        save=lambda form: goal_update(
            goal=goal,
            expected_revision=form.cleaned_data["revision"],
            values=form.values(),
            by=request.user,
        ),
        item_response=lambda saved: goal_fragment(request, saved),
        form_template="goals/_goal_form.html",
        context={"goal": goal, "plan": goal.plan},
        editor_url=goal.plan.get_edit_url(),
    )


def _goal_add(
    request: HttpRequest, *, plan: Plan, section: Section | None, parent: Goal | None, form_id: str
) -> HttpResponse:
    form = NewGoalForm(request.POST or None, prefix=form_id)
    if request.method == "POST" and form.is_valid():
        try:
            goal = goal_create(
                plan=plan,
                section=section,
                parent=parent,
                code=form.cleaned_data["code"].strip(),
                title=form.cleaned_data["title"].strip(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, plan, lambda: goal_list_fragment(request, goal))
    context = {
        "form": form,
        "plan": plan,
        "section": section,
        "parent": parent,
        "form_id": form_id,
        "form_template": "goals/_goal_add_form.html",
        "editor_url": plan.get_edit_url(),
    }
    if request.htmx:
        response = render(request, "goals/_goal_add_form.html", context)
        return retarget(response, f"#{form_id}") if request.method == "POST" else response
    return render(request, "plans/edit_item_page.html", context)


@login_required
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_section(request, pk)
    return _goal_add(
        request,
        plan=section.plan,
        section=section,
        parent=None,
        form_id=f"section-{section.pk}-add-goal",
    )


@login_required
def subgoal_add(request: HttpRequest, pk: int) -> HttpResponse:
    parent = editable_goal(request, pk)
    return _goal_add(
        request,
        plan=parent.plan,
        section=parent.section,
        parent=parent,
        form_id=f"goal-{parent.pk}-add-subgoal",
    )


def _delete(request: HttpRequest, obj, plan: Plan, delete, *, what: str, done: str):
    """GET: a confirmation page. POST: delete; htmx removes the item, a page goes back."""
    if request.method == "POST":
        delete()
        if request.htmx:
            return HttpResponse("")
        messages.success(request, done)
        return redirect(plan.get_edit_url())
    return render(request, "plans/confirm_delete.html", {"plan": plan, "object": obj, "what": what})


@login_required
def goal_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = editable_goal(request, pk)
    return _delete(
        request,
        goal,
        goal.plan,
        lambda: goal_delete(goal=goal, by=request.user),
        what=_("the goal and all its measures"),
        done=_("The goal was deleted."),
    )


@login_required
@require_POST
def goal_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = editable_goal(request, pk)
    # Only a known direction reaches the service and the response header.
    direction = choice_param(request.POST.get("direction"), ("up", "down"), None)
    if direction:
        goal_move(goal=goal, direction=direction, by=request.user)
    response = _done(request, goal.plan, lambda: goal_list_fragment(request, goal))
    if direction:
        response["HX-Trigger-After-Settle"] = f'{{"focusMoved": "goal-{goal.pk}-{direction}"}}'
    return response


def _ids(request: HttpRequest) -> list[int]:
    # A forged id list reads as empty, which the reorder services refuse with a message.
    return id_list_param(request.POST, "ids") or []


@login_required
@require_POST
def goals_reorder_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Drag and drop: the new order of the top-level goals of a section."""
    section = editable_section(request, pk)
    ids = _ids(request)
    try:
        goals_reorder(plan=section.plan, section=section, parent=None, ids=ids, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    first = section.goals.filter(parent=None).first()
    if first is None:
        return redirect(section.plan.get_edit_url())
    return _done(request, section.plan, lambda: goal_list_fragment(request, first))


@login_required
@require_POST
def subgoals_reorder_view(request: HttpRequest, pk: int) -> HttpResponse:
    parent = editable_goal(request, pk)
    try:
        goals_reorder(
            plan=parent.plan,
            section=parent.section,
            parent=parent,
            ids=_ids(request),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    first = parent.subgoals.first()
    if first is None:
        return redirect(parent.plan.get_edit_url())
    return _done(request, parent.plan, lambda: goal_list_fragment(request, first))


# Measures --------------------------------------------------------------------


@login_required
def measure_item(request: HttpRequest, pk: int) -> HttpResponse:
    return measure_fragment(request, editable_measure(request, pk))


@login_required
def measures_list(request: HttpRequest, pk: int) -> HttpResponse:
    return measures_fragment(request, editable_goal(request, pk))


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = editable_measure(request, pk)
    bodies = bodies_of(measure.goal.plan)
    return inline_edit(
        request,
        make_form=lambda data: MeasureForm.for_measure(measure, bodies, data),
        save=lambda form: measure_update(
            measure=measure,
            expected_revision=form.cleaned_data["revision"],
            **form.service_arguments(),
            by=request.user,
        ),
        item_response=lambda saved: measure_fragment(request, saved),
        form_template="goals/_measure_form.html",
        context={"measure": measure, "plan": measure.goal.plan},
        editor_url=measure.goal.plan.get_edit_url(),
    )


@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = editable_goal(request, pk)
    form_id = f"goal-{goal.pk}-add-measure"
    form = MeasureForm.for_goal(goal, bodies_of(goal.plan), request.POST or None, prefix=form_id)
    if request.method == "POST" and form.is_valid():
        try:
            measure_create(goal=goal, **form.service_arguments(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, goal.plan, lambda: measures_fragment(request, goal))
    context = {
        "form": form,
        "goal": goal,
        "plan": goal.plan,
        "form_id": form_id,
        "form_template": "goals/_measure_add_form.html",
        "editor_url": goal.plan.get_edit_url(),
    }
    if request.htmx:
        response = render(request, "goals/_measure_add_form.html", context)
        return retarget(response, f"#{form_id}") if request.method == "POST" else response
    return render(request, "plans/edit_item_page.html", context)


@login_required
def measure_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = editable_measure(request, pk)
    return _delete(
        request,
        measure,
        measure.goal.plan,
        lambda: measure_delete(measure=measure, by=request.user),
        what=_("the measure"),
        done=_("The measure was deleted."),
    )


@login_required
@require_POST
def measure_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    measure = editable_measure(request, pk)
    direction = choice_param(request.POST.get("direction"), ("up", "down"), None)
    if direction:
        measure_move(measure=measure, direction=direction, by=request.user)
    response = _done(request, measure.goal.plan, lambda: measures_fragment(request, measure.goal))
    if direction:
        response["HX-Trigger-After-Settle"] = (
            f'{{"focusMoved": "measure-{measure.pk}-{direction}"}}'
        )
    return response


@login_required
@require_POST
def measures_reorder_view(request: HttpRequest, pk: int) -> HttpResponse:
    goal = editable_goal(request, pk)
    try:
        measures_reorder(goal=goal, ids=_ids(request), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _done(request, goal.plan, lambda: measures_fragment(request, goal))
