"""Compare two versions of a plan, goal by goal and measure by measure.

Goals and measures keep a lineage key when a plan is copied into a new
version, so a reworded measure is recognised as the same measure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from goals.models import Goal, Measure

from .models import Plan

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"


@dataclass
class MeasureChange:
    kind: str
    old: Measure | None
    new: Measure | None
    details: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)


@dataclass
class GoalChange:
    kind: str
    old: Goal | None
    new: Goal | None
    details: list[tuple[str, str, str]] = field(default_factory=list)
    measures: list[MeasureChange] = field(default_factory=list)

    @property
    def goal(self) -> Goal:
        return self.new or self.old

    @property
    def has_changes(self) -> bool:
        return self.kind != SAME or any(m.kind != SAME for m in self.measures)


def _goals(plan: Plan) -> list[Goal]:
    measures = Measure.objects.order_by("order", "pk").prefetch_related("responsible")
    return list(
        Goal.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related(Prefetch("measures", queryset=measures))
        .order_by("section__order", "parent_id", "order", "pk")
    )


def _bodies(measure: Measure) -> str:
    return ", ".join(sorted(body.name for body in measure.responsible.all()))


def _measure_details(old: Measure, new: Measure) -> list[tuple[str, str, str]]:
    details = []
    if old.text != new.text:
        details.append((str(_("Reworded")), old.text, new.text))
    if _bodies(old) != _bodies(new):
        details.append((str(_("Responsible changed")), _bodies(old) or "–", _bodies(new) or "–"))
    if old.due_text != new.due_text:
        details.append((str(_("Due changed")), old.due_text or "–", new.due_text or "–"))
    if old.recurrence != new.recurrence:
        details.append(
            (str(_("Recurrence changed")), old.recurrence_text or "–", new.recurrence_text or "–")
        )
    if old.delegated != new.delegated:
        details.append((str(_("Delegation changed")), str(old.delegated), str(new.delegated)))
    return details


def _compare_measures(old: Goal | None, new: Goal | None) -> list[MeasureChange]:
    old_measures = list(old.measures.all()) if old else []
    new_measures = list(new.measures.all()) if new else []
    old_by_key = {m.key: m for m in old_measures}
    new_keys = {m.key for m in new_measures}
    changes = []
    for measure in new_measures:
        before = old_by_key.get(measure.key)
        if before is None:
            changes.append(MeasureChange(ADDED, None, measure))
        else:
            details = _measure_details(before, measure)
            changes.append(MeasureChange(CHANGED if details else SAME, before, measure, details))
    changes += [MeasureChange(REMOVED, m, None) for m in old_measures if m.key not in new_keys]
    return changes


def compare_plans(old_plan: Plan, new_plan: Plan) -> list[GoalChange]:
    old_goals = _goals(old_plan)
    new_goals = _goals(new_plan)
    old_by_key = {g.key: g for g in old_goals}
    new_keys = {g.key for g in new_goals}
    result = []
    for goal in new_goals:
        before = old_by_key.get(goal.key)
        if before is None:
            result.append(GoalChange(ADDED, None, goal, measures=_compare_measures(None, goal)))
            continue
        details = []
        if (before.code, before.title) != (goal.code, goal.title):
            details.append((str(_("Goal reworded")), str(before), str(goal)))
        if before.description != goal.description:
            details.append((str(_("Description changed")), before.description, goal.description))
        result.append(
            GoalChange(
                CHANGED if details else SAME, before, goal, details, _compare_measures(before, goal)
            )
        )
    for goal in old_goals:
        if goal.key not in new_keys:
            result.append(GoalChange(REMOVED, goal, None, measures=_compare_measures(goal, None)))
    return result
