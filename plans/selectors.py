"""Reads about plans that views, PDFs and tasks share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from goals.models import Goal, Measure

from .models import Plan, Section


@dataclass
class GoalNode:
    goal: Goal
    subgoals: list[GoalNode] = field(default_factory=list)


@dataclass
class SectionNode:
    section: Section | None
    goals: list[GoalNode] = field(default_factory=list)


def plan_document(plan: Plan) -> list[SectionNode]:
    """The plan as it reads: sections in order, each with its goals and their sub-goals.

    A fixed number of queries, whatever the size of the plan.
    """
    sections = list(plan.sections.order_by("order", "pk"))
    goals = list(
        Goal.objects.filter(plan=plan)
        .select_related("derived_from__plan__organisation")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.order_by("order", "pk").prefetch_related(
                    "responsible", "tags"
                ),
            ),
            "targets",
        )
        .order_by("order", "pk")
    )
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
