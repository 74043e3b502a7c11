"""Compare two versions of a plan, goal by goal and measure by measure.

Goals and measures keep a lineage key when a plan is copied into a new
version, so a reworded measure is recognised as the same measure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from goals.models import Goal, Measure

from .models import Amendment, Plan, PlanStatus

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"

# "Versjon 2, vedtatt 14.02.2026": the word before the date a version's status gives.
VERSION_STATUS_WORDS = {
    PlanStatus.ADOPTED: pgettext_lazy("version of a plan", "adopted"),
    PlanStatus.ARCHIVED: pgettext_lazy("version of a plan", "adopted"),
    PlanStatus.PROPOSED: pgettext_lazy("version of a plan", "proposed"),
    PlanStatus.DRAFT: pgettext_lazy("version of a plan", "draft of"),
}


def status_date(plan: Plan) -> date | None:
    """The day a version's status dates from: adopted, proposed, or (a draft) created."""
    if plan.status in (PlanStatus.ADOPTED, PlanStatus.ARCHIVED):
        return plan.adopted_on
    moment = plan.proposed_at if plan.status == PlanStatus.PROPOSED else plan.created_at
    return timezone.localdate(moment) if moment else None


def version_label(plan: Plan) -> str:
    """ "Version 2, adopted 14.02.2026": two versions of a plan usually share a title."""
    day = status_date(plan)
    if day is None:
        return gettext("Version %(number)s") % {"number": plan.version}
    return gettext("Version %(number)s, %(status)s %(date)s") % {
        "number": plan.version,
        "status": VERSION_STATUS_WORDS[plan.status],
        "date": date_format(day, "SHORT_DATE_FORMAT"),
    }


@dataclass
class MeasureChange:
    kind: str
    old: Measure | None
    new: Measure | None
    details: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)
    amendments: list[int] = field(default_factory=list)  # numbers of the amendments behind it


@dataclass
class GoalChange:
    kind: str
    old: Goal | None
    new: Goal | None
    details: list[tuple[str, str, str]] = field(default_factory=list)
    measures: list[MeasureChange] = field(default_factory=list)
    amendments: list[int] = field(default_factory=list)

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


def amendments_by_key(plan: Plan) -> dict:
    """Lineage key → numbers of the applied amendments that changed or made that item."""
    found: dict = defaultdict(list)
    for key, number in (
        Amendment.objects.filter(proposal__plan=plan, applied=True, result_key__isnull=False)
        .order_by("number")
        .values_list("result_key", "number")
    ):
        found[key].append(number)
    return found


def _attribute(changes: list[GoalChange], amendments: dict) -> None:
    for change in changes:
        if change.new is not None and change.kind != SAME:
            change.amendments = amendments.get(change.new.key, [])
        for measure in change.measures:
            if measure.new is not None and measure.kind != SAME:
                measure.amendments = amendments.get(measure.new.key, [])


def compare_plans(old_plan: Plan, new_plan: Plan) -> list[GoalChange]:
    """What changed from ``old_plan`` to ``new_plan``, with the amendments behind each change.

    A fixed number of queries, whatever the size of the plans.
    """
    result = _compare(old_plan, new_plan)
    _attribute(result, amendments_by_key(new_plan))
    return result


def _compare(old_plan: Plan, new_plan: Plan) -> list[GoalChange]:
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
