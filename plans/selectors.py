"""Reads about plans that views, PDFs and tasks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from goals.models import Goal, Measure
from goals.prefetch import attach_progress

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
    only that section (for the fragment that redraws it).
    """
    sections = list(plan.sections.order_by("order", "pk"))
    goals_of_plan = Goal.objects.filter(plan=plan)
    if section is not None:
        sections = [s for s in sections if s.pk == section.pk]
        goals_of_plan = goals_of_plan.filter(section=section)
    goals = list(
        goals_of_plan.select_related("derived_from__plan__organisation")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by("order", "pk").select_related("completed_by"),
            ),
            "targets",
        )
        .order_by("order", "pk")
    )
    for goal in goals:
        goal.plan = plan  # measures reach their plan through the goal without a query
    attach_progress([measure for goal in goals for measure in goal.measures.all()])
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
