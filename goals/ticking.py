"""What a person may tick on a page, worked out from prefetched data (no queries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from organisations.permissions import access_for, can_read_members_content, can_see_people

from .models import Assignment, Measure, MeasureStatus, ProgressNote
from .notes import notes_by_measure

OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


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
    # Written notes, newest first; only for those who read the organisation's members' content.
    show_notes: bool = False
    notes: list[ProgressNote] = field(default_factory=list)
    # The bounds of a completion date: the plan's first day and today.
    earliest: date | None = None
    today: date | None = None
    overdue: bool = False

    @property
    def done_count(self) -> int:
        return sum(o.done for o in self.occurrences)

    @property
    def latest_note(self) -> ProgressNote | None:
        return self.notes[0] if self.notes else None

    @property
    def open_occurrences(self) -> list[OccurrenceState]:
        return [o for o in self.occurrences if not o.done]


def may_read_notes(user, measure: Measure) -> bool:
    """Notes are the organisation's members' content, like the dashboard that lists them."""
    return can_read_members_content(user, measure.goal.plan.organisation)


def measure_state(
    user, measure: Measure, *, plan_adopted: bool, notes: list[ProgressNote] | None = None
) -> MeasureState:
    """``notes``: the measure's written notes (notes_by_measure); None fetches them."""
    access = access_for(user)
    plan = measure.goal.plan
    organisation_id = plan.organisation_id
    responsible = {body.pk for body in measure.bodies}
    can_tick = plan_adopted and (
        organisation_id in access.tick or bool(access.bodies & responsible)
    )
    ticks = [tick for tick in measure.tick_list if tick.assignment_id is None]
    today = timezone.localdate()
    state = MeasureState(
        measure=measure,
        can_tick=can_tick,
        show_people=can_see_people(user, organisation_id),
        show_notes=may_read_notes(user, measure),
        earliest=date(plan.first_year, 1, 1),
        today=today,
        overdue=(
            not measure.recurrence
            and measure.status in OPEN
            and measure.due_end is not None
            and measure.due_end < today
        ),
    )
    if state.show_notes:
        state.notes = notes if notes is not None else notes_by_measure([measure.pk])[measure.pk]
    if measure.recurrence:
        done = {tick.occurrence for tick in ticks}
        state.occurrences = [OccurrenceState(day, day in done) for day in measure.occurrences()]
    if measure.delegated:
        assignments = measure.assignment_list
        state.assignments_total = len(assignments)
        state.assignments_done = sum(a.status == MeasureStatus.DONE for a in assignments)
        if plan_adopted:
            state.my_assignments = [a for a in assignments if a.organisation_id in access.tick]
            if measure.due_end is not None and measure.due_end < today:
                # A branch's open share of a delegated measure is overdue for that branch.
                state.overdue = state.overdue or any(a.status in OPEN for a in state.my_assignments)
    return state


def annotate_document(user, document, plan) -> None:
    """Attach a MeasureState to every measure of a plan_document()."""
    from plans.selectors import document_measures

    adopted = plan.status == "adopted"
    measures = document_measures(document)
    # One query for the notes of the whole plan, and none for those who may not read them.
    readable = can_read_members_content(user, plan.organisation)
    notes = notes_by_measure(m.pk for m in measures) if measures and readable else {}
    for measure in measures:
        measure.state = measure_state(
            user, measure, plan_adopted=adopted, notes=notes.get(measure.pk, [])
        )
