"""What a person may tick on a page, worked out from prefetched data (no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from organisations.permissions import access_for, can_see_people

from .models import Assignment, Measure, MeasureStatus


@dataclass
class OccurrenceState:
    day: date
    done: bool


@dataclass
class MeasureState:
    """A measure as the follow-up controls show it to one person."""

    measure: Measure
    can_tick: bool
    show_people: bool = False  # who ticked it: members' content (DESIGN.md §5)
    occurrences: list[OccurrenceState] = field(default_factory=list)
    my_assignments: list[Assignment] = field(default_factory=list)
    assignments_done: int = 0
    assignments_total: int = 0

    @property
    def done_count(self) -> int:
        return sum(o.done for o in self.occurrences)


def measure_state(user, measure: Measure, *, plan_adopted: bool) -> MeasureState:
    access = access_for(user)
    organisation_id = measure.goal.plan.organisation_id
    responsible = {body.pk for body in measure.responsible.all()}
    can_tick = plan_adopted and (
        organisation_id in access.tick or bool(access.bodies & responsible)
    )
    ticks = [tick for tick in measure.ticks.all() if tick.assignment_id is None]
    state = MeasureState(
        measure=measure, can_tick=can_tick, show_people=can_see_people(user, organisation_id)
    )
    if measure.recurrence:
        done = {tick.occurrence for tick in ticks}
        state.occurrences = [OccurrenceState(day, day in done) for day in measure.occurrences()]
    if measure.delegated:
        assignments = list(measure.assignments.all())
        state.assignments_total = len(assignments)
        state.assignments_done = sum(a.status == MeasureStatus.DONE for a in assignments)
        if plan_adopted:
            state.my_assignments = [a for a in assignments if a.organisation_id in access.tick]
    return state


def annotate_document(user, document, plan) -> None:
    """Attach a MeasureState to every measure of a plan_document()."""
    adopted = plan.status == "adopted"

    def walk(nodes):
        for node in nodes:
            for measure in node.goal.measures.all():
                measure.state = measure_state(user, measure, plan_adopted=adopted)
            walk(node.subgoals)

    for section_node in document:
        walk(section_node.goals)
