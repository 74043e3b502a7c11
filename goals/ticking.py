"""What a person may tick on a page, worked out from prefetched data (no queries)."""

from __future__ import annotations

from collections.abc import Callable
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
    # show_notes: there are some, and the person may read them (the page leaves out the
    # notes' partial on every row without).
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


@dataclass(frozen=True)
class _Reader:
    """What one person may see and do on one plan's page, the same for all its measures."""

    tick_bodies: frozenset[int]  # ticks the measures these bodies are responsible for
    tick_organisation: bool  # ticks every measure of the plan
    tick_shares: frozenset[int]  # ticks the branch shares of these organisations
    plan_adopted: bool
    show_people: bool
    show_notes: bool
    earliest: date
    today: date


def _reader(user, plan, *, plan_adopted: bool) -> _Reader:
    access = access_for(user)
    return _Reader(
        tick_bodies=access.bodies,
        tick_organisation=plan.organisation_id in access.tick,
        tick_shares=access.tick,
        plan_adopted=plan_adopted,
        show_people=can_see_people(user, plan.organisation_id),
        show_notes=can_read_members_content(user, plan.organisation),
        earliest=date(plan.first_year, 1, 1),
        today=timezone.localdate(),
    )


def measure_state(
    user, measure: Measure, *, plan_adopted: bool, notes: list[ProgressNote] | None = None
) -> MeasureState:
    """``notes``: the measure's written notes (notes_by_measure); None fetches them."""
    reader = _reader(user, measure.goal.plan, plan_adopted=plan_adopted)
    return _state(reader, measure, notes, Measure.occurrences)


def _state(
    reader: _Reader,
    measure: Measure,
    notes: list[ProgressNote] | None,
    occurrences: Callable[[Measure], list[date]],
) -> MeasureState:
    can_tick = reader.plan_adopted and (
        reader.tick_organisation
        or bool(reader.tick_bodies and any(b.pk in reader.tick_bodies for b in measure.bodies))
    )
    today = reader.today
    state = MeasureState(
        measure=measure,
        can_tick=can_tick,
        show_people=reader.show_people,
        earliest=reader.earliest,
        today=today,
        overdue=(
            not measure.recurrence
            and measure.status in OPEN
            and measure.due_end is not None
            and measure.due_end < today
        ),
    )
    if reader.show_notes:
        state.notes = notes if notes is not None else notes_by_measure([measure.pk])[measure.pk]
        state.show_notes = bool(state.notes)
    if measure.recurrence:
        done = {tick.occurrence for tick in measure.tick_list if tick.assignment_id is None}
        state.occurrences = [OccurrenceState(day, day in done) for day in occurrences(measure)]
    if measure.delegated:
        assignments = measure.assignment_list
        state.assignments_total = len(assignments)
        state.assignments_done = sum(a.status == MeasureStatus.DONE for a in assignments)
        if reader.plan_adopted:
            state.my_assignments = [
                a for a in assignments if a.organisation_id in reader.tick_shares
            ]
            if measure.due_end is not None and measure.due_end < today:
                # A branch's open share of a delegated measure is overdue for that branch.
                state.overdue = state.overdue or any(a.status in OPEN for a in state.my_assignments)
    return state


def annotate_document(user, document, plan) -> None:
    """Attach a MeasureState to every measure of a plan_document()."""
    from plans.selectors import document_measures

    reader = _reader(user, plan, plan_adopted=plan.status == "adopted")
    measures = document_measures(document)
    # One query for the notes of the whole plan, and none for those who may not read them.
    notes = notes_by_measure(m.pk for m in measures) if measures and reader.show_notes else {}
    days: dict[str, list[date]] = {}  # measures that recur alike fall on the same days

    def occurrences(measure: Measure) -> list[date]:
        if measure.recurrence not in days:
            days[measure.recurrence] = measure.occurrences()
        return days[measure.recurrence]

    for measure in measures:
        measure.state = _state(reader, measure, notes.get(measure.pk, []), occurrences)
