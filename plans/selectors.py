"""Reads about plans that views, PDFs and tasks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from goals.models import Goal, Measure, Target
from goals.prefetch import attach_progress
from organisations.models import User

from .models import Plan, PlanStatus, Section


def replaced(prefix: str = "") -> Q:
    """Versions a newer adopted version has taken the place of."""
    return Q(**{f"{prefix}replaced_by__isnull": False})


def superseded(prefix: str = "") -> Q:
    """Plans no longer in force: archived, or replaced by a newer adopted version.

    ``prefix`` reaches the plan from another model, e.g. ``"goal__plan__"``.
    """
    return Q(**{f"{prefix}status": PlanStatus.ARCHIVED}) | replaced(prefix)


def in_force(prefix: str = "") -> Q:
    """The current version of a plan: adopted and not replaced.

    Dashboards, roll-ups, "my measures", feeds and reminders read only these, so
    a plan and the version that replaced it are never counted together.
    """
    return Q(**{f"{prefix}status": PlanStatus.ADOPTED}) & ~superseded(prefix)


@dataclass
class GoalNode:
    goal: Goal
    subgoals: list[GoalNode] = field(default_factory=list)


@dataclass
class SectionNode:
    section: Section | None
    goals: list[GoalNode] = field(default_factory=list)


def plan_document(plan: Plan, *, section: Section | None = None) -> list[SectionNode]:
    """The plan as it reads: sections in order, each with its goals and their sub-goals.

    A fixed number of queries, whatever the size of the plan. With ``section``,
    only that section (for the fragment that redraws it). Each goal's
    ``measures.all()`` and ``targets.all()`` are fetched, as prefetch_related would.
    """
    sections = list(plan.sections.order_by("order", "pk"))
    scope = {"plan": plan}
    if section is not None:
        sections = [s for s in sections if s.pk == section.pk]
        scope["section"] = section
    goals = list(
        Goal.objects.filter(**scope)
        .select_related("derived_from__plan__organisation")
        .order_by("order", "pk")
    )
    for goal in goals:
        goal.plan = plan  # measures reach their plan through the goal without a query
    of_goals = {f"goal__{name}": value for name, value in scope.items()}
    measures_of_goals = Measure.objects.filter(**of_goals)
    measures = list(measures_of_goals.order_by("order", "pk"))
    _attach_completers(measures)
    _attach_to_goals(goals, "measures", measures)
    _attach_to_goals(goals, "targets", Target.objects.filter(**of_goals).order_by("pk"))
    attach_progress(measures, among=measures_of_goals)
    nodes = {goal.pk: GoalNode(goal) for goal in goals}
    by_section: dict[int | None, list[GoalNode]] = defaultdict(list)
    for goal in goals:
        if goal.parent_id and goal.parent_id in nodes:
            nodes[goal.parent_id].subgoals.append(nodes[goal.pk])
        else:
            by_section[goal.section_id].append(nodes[goal.pk])
    document = [SectionNode(None, by_section[None])] if by_section[None] else []
    document += [SectionNode(section, by_section[section.pk]) for section in sections]
    return document


def _attach_to_goals(goals: list[Goal], relation: str, objects) -> None:
    """Put each goal's share of ``objects`` where ``goal.<relation>.all()`` reads it.

    What prefetch_related does, for less: the objects come by the plan (a join), not
    by a list of every goal as parameters, and go straight to their goal. Each goal's
    queryset is its related manager's own, so a further filter still stays within
    the goal.
    """
    by_pk = {goal.pk: goal for goal in goals}
    goal_field = getattr(Goal, relation).field  # the objects' foreign key to their goal
    grouped: dict[int, list] = defaultdict(list)
    for obj in objects:
        goal = by_pk[obj.goal_id]
        goal_field.set_cached_value(obj, goal)  # and through the goal, the plan
        grouped[goal.pk].append(obj)
    for goal in goals:
        fetched = getattr(goal, relation).all()
        fetched._result_cache = grouped[goal.pk]
        fetched._prefetch_done = True
        if not hasattr(goal, "_prefetched_objects_cache"):
            goal._prefetched_objects_cache = {}
        goal._prefetched_objects_cache[relation] = fetched


def _attach_completers(measures: list[Measure]) -> None:
    """Who completed each done measure: the few people once each, not a join per measure."""
    ids = {measure.completed_by_id for measure in measures} - {None}
    if not ids:
        return
    people = User.objects.in_bulk(ids)
    field = Measure.completed_by.field
    for measure in measures:
        if measure.completed_by_id is not None:
            field.set_cached_value(measure, people.get(measure.completed_by_id))


def document_measures(document: list[SectionNode]) -> list[Measure]:
    """Every measure of a plan_document(), in reading order."""
    measures: list[Measure] = []

    def walk(nodes: list[GoalNode]) -> None:
        for node in nodes:
            measures.extend(node.goal.measures.all())
            walk(node.subgoals)

    for section_node in document:
        walk(section_node.goals)
    return measures


def goal_node(goal: Goal) -> GoalNode:
    """The goal with its sub-goals and measures, as plan_document builds it."""
    document = (
        plan_document(goal.plan, section=goal.section) if goal.section else plan_document(goal.plan)
    )
    stack = [node for section_node in document for node in section_node.goals]
    while stack:
        node = stack.pop()
        if node.goal.pk == goal.pk:
            return node
        stack.extend(node.subgoals)
    raise Goal.DoesNotExist


def sibling_nodes(goal: Goal) -> list[GoalNode]:
    """The goal and its siblings (same section and parent), in order."""
    if goal.parent_id:
        return goal_node(goal.parent).subgoals
    document = (
        plan_document(goal.plan, section=goal.section) if goal.section else plan_document(goal.plan)
    )
    return next(
        (node.goals for node in document if (node.section and node.section.pk) == goal.section_id),
        [],
    )
