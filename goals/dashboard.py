"""The organisation dashboard: progress of its plans and of the plans below it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from organisations.models import Organisation
from organisations.permissions import can_see_people
from plans.models import Plan
from plans.selectors import in_force

from .models import Goal, Measure, MeasureStatus, ProgressNote
from .notes import label_occurrences, notes_by_measure
from .rollup import Progress, Rollup, rollup

OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


@dataclass
class Dashboard:
    plans: list[Plan]
    goals: list[Goal]
    progress: Rollup
    overdue: list[Measure]
    due_soon: list[Measure]
    activity: list[ProgressNote]
    below: list[tuple[Organisation, object]]  # (organisation, Progress) for the subtree
    below_total: Progress
    show_people: bool = False  # who wrote a note: members' content (DESIGN.md §5)


def build_dashboard(user, organisation: Organisation, today: date) -> Dashboard:
    """A fixed number of queries, whatever the number of branches and measures."""
    # Only the version in force: a plan and the version that replaced it never add up.
    visible = Plan.objects.visible_to(user).filter(in_force())
    subtree = list(
        Organisation.objects.descendants(organisation, include_self=True).order_by("name")
    )
    plans = list(visible.filter(organisation=organisation).order_by("-last_year", "title"))
    measures = Measure.objects.filter(goal__plan__in=visible, goal__plan__organisation__in=subtree)
    progress = rollup(measures)
    own = Measure.objects.filter(goal__plan__in=plans)
    open_own = own.filter(status__in=OPEN, recurrence="").select_related("goal__plan")
    below = [
        (org, progress.by_organisation[org.pk])
        for org in subtree
        if org.pk != organisation.pk and progress.by_organisation[org.pk].units
    ]
    below_total = sum((share for _, share in below), start=Progress())
    activity = list(
        ProgressNote.objects.filter(
            Q(measure__goal__plan__in=plans)
            | Q(in_force("measure__goal__plan__"), assignment__organisation=organisation)
        )
        .select_related("author", "measure__goal__plan", "assignment__organisation")
        .order_by("-created_at")[:15]
    )
    # Each update with its occurrence ("november 2026") and its measure's written notes.
    label_occurrences(activity)
    notes = notes_by_measure({note.measure_id for note in activity})
    for note in activity:
        note.measure_notes = notes.get(note.measure_id, [])
    return Dashboard(
        plans=plans,
        goals=list(
            Goal.objects.filter(plan__in=plans, parent=None).order_by(
                "plan", "section__order", "order", "pk"
            )
        ),
        progress=progress,
        overdue=list(open_own.filter(due_end__lt=today).order_by("due_end")[:25]),
        due_soon=list(
            open_own.filter(due_end__gte=today, due_end__lte=today + timedelta(days=30)).order_by(
                "due_end"
            )[:25]
        ),
        activity=activity,
        below=below,
        below_total=below_total,
        show_people=can_see_people(user, organisation.pk),
    )
