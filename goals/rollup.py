"""Progress as a number, computed one way everywhere.

The rule, also written on the dashboards: progress = done ÷ (all − cancelled).
A plain measure counts once; a recurring measure counts each of its
occurrences in the plan period; a delegated measure counts each branch's
assignment (and, if it also recurs, each branch's occurrences).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from .models import Assignment, Measure, MeasureStatus, OccurrenceTick
from .recurrence import occurrences


@dataclass
class Progress:
    done: int = 0
    units: int = 0

    def __iadd__(self, other: Progress) -> Progress:
        self.done += other.done
        self.units += other.units
        return self

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.done + other.done, self.units + other.units)

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.units) if self.units else None


def _measure_progress(row: dict, assignments: list[str], ticks: Counter, periods: int) -> Progress:
    if row["status"] == MeasureStatus.CANCELLED:
        return Progress()
    if row["delegated"] and assignments:
        active = [status for status in assignments if status != MeasureStatus.CANCELLED]
        if row["recurrence"]:
            return Progress(ticks[("branches", row["id"])], periods * len(active))
        return Progress(sum(status == MeasureStatus.DONE for status in active), len(active))
    if row["recurrence"]:
        return Progress(min(ticks[("own", row["id"])], periods), periods)
    return Progress(int(row["status"] == MeasureStatus.DONE), 1)


@dataclass
class Rollup:
    by_goal: dict[int, Progress]
    by_plan: dict[int, Progress]
    by_organisation: dict[int, Progress]
    total: Progress


def rollup(measures) -> Rollup:
    """Progress of the given measures, per goal, plan and organisation, in three queries."""
    rows = list(
        measures.values(
            "id",
            "status",
            "delegated",
            "recurrence",
            "goal_id",
            "goal__plan_id",
            "goal__plan__organisation_id",
            "goal__plan__first_year",
            "goal__plan__last_year",
        )
    )
    ids = [row["id"] for row in rows]
    assignments: dict[int, list[str]] = defaultdict(list)
    for measure_id, status in Assignment.objects.filter(measure_id__in=ids).values_list(
        "measure_id", "status"
    ):
        assignments[measure_id].append(status)
    ticks: Counter = Counter()
    for tick in (
        OccurrenceTick.objects.filter(measure_id__in=ids)
        .values("measure_id", "assignment_id")
        .annotate(n=Count("id"))
    ):
        kind = "own" if tick["assignment_id"] is None else "branches"
        ticks[(kind, tick["measure_id"])] += tick["n"]
    period_cache: dict[tuple, int] = {}
    result = Rollup(defaultdict(Progress), defaultdict(Progress), defaultdict(Progress), Progress())
    for row in rows:
        periods = 0
        if row["recurrence"]:
            key = (row["recurrence"], row["goal__plan__first_year"], row["goal__plan__last_year"])
            if key not in period_cache:
                period_cache[key] = len(occurrences(*key))
            periods = period_cache[key]
        progress = _measure_progress(row, assignments[row["id"]], ticks, periods)
        result.by_goal[row["goal_id"]] += progress
        result.by_plan[row["goal__plan_id"]] += progress
        result.by_organisation[row["goal__plan__organisation_id"]] += progress
        result.total += progress
    return result


def measure_units(measure: Measure) -> Progress:
    """One measure's progress (for its own line on a page)."""
    return rollup(Measure.objects.filter(pk=measure.pk)).total
