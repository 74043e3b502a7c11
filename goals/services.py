"""Writes to goals, measures and targets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from organisations.models import Body
from plans.activity import activity_record
from plans.models import Plan, Section

from .due import parse_due
from .models import Goal, Measure, Tag, Target


@transaction.atomic
def goal_create(
    *,
    plan: Plan,
    title: str,
    order: int,
    section: Section | None = None,
    parent: Goal | None = None,
    code: str = "",
    description: str = "",
    lead_in: str = "",
    derived_from: Goal | None = None,
    by=None,
) -> Goal:
    goal = Goal.objects.create(
        plan=plan,
        section=section,
        parent=parent,
        code=code,
        title=title,
        description=description,
        lead_in=lead_in,
        order=order,
        derived_from=derived_from,
    )
    activity_record(
        organisation=plan.organisation,
        plan=plan,
        actor=by,
        action="goal.create",
        target=goal,
        summary=str(goal),
    )
    return goal


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag, _ = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag)
    return tags


@transaction.atomic
def measure_create(
    *,
    goal: Goal,
    text: str,
    order: int,
    responsible: Iterable[Body] = (),
    due: str = "",
    recurrence: str = "",
    delegated: bool = False,
    tags: Iterable[str] = (),
    by=None,
) -> Measure:
    """Create a measure; a due text that cannot be read raises DueParseError."""
    window = parse_due(due) if due.strip() else None
    measure = Measure.objects.create(
        goal=goal,
        text=text,
        order=order,
        recurrence=recurrence,
        delegated=delegated,
        due_text=window.text if window else "",
        due_start=window.start if window else None,
        due_end=window.end if window else None,
        due_precision=window.precision if window else "",
    )
    measure.responsible.set(responsible)
    measure.tags.set(tags_get_or_create(tags))
    activity_record(
        organisation=goal.plan.organisation,
        plan=goal.plan,
        actor=by,
        action="measure.create",
        target=measure,
        summary=str(measure),
    )
    return measure


@transaction.atomic
def target_create(
    *,
    goal: Goal,
    name: str,
    target_value: Decimal,
    kind: str = "count",
    unit: str = "",
    target_date: date | None = None,
    baseline_value: Decimal | None = None,
    baseline_date: date | None = None,
    direction: str = "increase",
    by=None,
) -> Target:
    target = Target(
        goal=goal,
        name=name,
        kind=kind,
        unit=unit,
        target_value=target_value,
        target_date=target_date,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        direction=direction,
    )
    target.full_clean()
    target.save()
    activity_record(
        organisation=goal.plan.organisation,
        plan=goal.plan,
        actor=by,
        action="target.create",
        target=target,
        summary=name,
    )
    return target
