"""Progress carried from a plan to the version that replaces it.

A measure the new version keeps (same lineage key, reworded or not) takes its
status, ticks, notes, branch shares and calendar events along; a new measure
starts planned; a removed one keeps its history on the archived version.
Rows are moved (their foreign keys updated), not copied, so a sent reminder
stays sent and an event keeps its UID in people's calendars.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Value, When

from plans.models import Plan

from .models import Assignment, Measure, Measurement, OccurrenceTick, ProgressNote, Target

BATCH = 500  # ids per UPDATE, so the CASE stays well inside every database's limits


@dataclass
class CarriedOver:
    measures: int = 0
    ticks: int = 0
    notes: int = 0
    assignments: int = 0
    events: int = 0


def _remap(queryset, field: str, mapping: dict[int, int]) -> int:
    """Point ``field`` of the rows at their new ids: one UPDATE per batch of ids."""
    moved = 0
    items = list(mapping.items())
    for start in range(0, len(items), BATCH):
        batch = dict(items[start : start + BATCH])
        moved += queryset.filter(**{f"{field}__in": list(batch)}).update(
            **{
                field: Case(
                    *[When(**{field: old}, then=Value(new)) for old, new in batch.items()],
                    output_field=IntegerField(),
                )
            }
        )
    return moved


def _kept_measures(old: Plan, new: Plan) -> dict[int, int]:
    """Old measure id → new measure id, for every measure the new version keeps."""
    new_by_key: dict = {}
    for pk, key in Measure.objects.filter(goal__plan=new).order_by("pk").values_list("pk", "key"):
        new_by_key.setdefault(key, pk)
    # Locking the old measures makes a tick running now wait, then find the plan archived.
    old_rows = (
        Measure.objects.select_for_update(of=("self",))
        .filter(goal__plan=old)
        .order_by("pk")
        .values_list("pk", "key")
    )
    return {pk: new_by_key[key] for pk, key in old_rows if key in new_by_key}


def _carry_status(kept: dict[int, int]) -> int:
    old = {m.pk: m for m in Measure.objects.filter(pk__in=kept)}
    new = list(Measure.objects.filter(pk__in=kept.values()))
    source = {kept[pk]: measure for pk, measure in old.items()}
    for measure in new:
        before = source[measure.pk]
        measure.status = before.status
        measure.completed_at = before.completed_at
        measure.completed_by_id = before.completed_by_id
    Measure.objects.bulk_update(new, ["status", "completed_at", "completed_by"], batch_size=BATCH)
    return len(new)


def _carry_assignments(kept: dict[int, int]) -> int:
    """Move the branch shares; a share the new measure already has is merged into the old one."""
    old_shares = {
        (kept[measure_id], organisation_id): pk
        for pk, measure_id, organisation_id in Assignment.objects.filter(
            measure_id__in=kept
        ).values_list("pk", "measure_id", "organisation_id")
    }
    # Copying a plan gives each delegated measure fresh, empty shares; the old share,
    # which holds the history, takes their place.
    merged = {
        pk: old_shares[(measure_id, organisation_id)]
        for pk, measure_id, organisation_id in Assignment.objects.filter(
            measure_id__in=kept.values()
        ).values_list("pk", "measure_id", "organisation_id")
        if (measure_id, organisation_id) in old_shares
    }
    if merged:
        kept_ticks = set(
            OccurrenceTick.objects.filter(assignment_id__in=merged.values()).values_list(
                "assignment_id", "occurrence"
            )
        )
        duplicate = [
            pk
            for pk, assignment_id, occurrence in OccurrenceTick.objects.filter(
                assignment_id__in=merged
            ).values_list("pk", "assignment_id", "occurrence")
            if (merged[assignment_id], occurrence) in kept_ticks
        ]
        OccurrenceTick.objects.filter(pk__in=duplicate).delete()
        _remap(OccurrenceTick.objects.all(), "assignment", merged)
        _remap(ProgressNote.objects.all(), "assignment", merged)
        Assignment.objects.filter(pk__in=merged).delete()
    return _remap(Assignment.objects.all(), "measure", kept)


def _carry_ticks(kept: dict[int, int]) -> int:
    # The measure's own ticks: one per occurrence, so the new measure's doubles go.
    old_own = set(
        OccurrenceTick.objects.filter(measure_id__in=kept, assignment=None).values_list(
            "measure_id", "occurrence"
        )
    )
    wanted = {(kept[measure_id], occurrence) for measure_id, occurrence in old_own}
    duplicate = [
        pk
        for pk, measure_id, occurrence in OccurrenceTick.objects.filter(
            measure_id__in=kept.values(), assignment=None
        ).values_list("pk", "measure_id", "occurrence")
        if (measure_id, occurrence) in wanted
    ]
    OccurrenceTick.objects.filter(pk__in=duplicate).delete()
    return _remap(OccurrenceTick.objects.all(), "measure", kept)


def _carry_events(old: Plan, kept: dict[int, int]) -> int:
    from calendar_app.models import CycleEntry, Event

    taken = set(
        Event.objects.filter(measure_id__in=kept.values()).values_list("measure_id", "occurrence")
    )
    movable = [
        pk
        for pk, measure_id, occurrence in Event.objects.filter(measure_id__in=kept).values_list(
            "pk", "measure_id", "occurrence"
        )
        if (kept[measure_id], occurrence) not in taken
    ]
    moved = _remap(Event.objects.filter(pk__in=movable), "measure", kept)
    # Wheel entries of other plans and organisations that point at the measure follow it;
    # the archived plan's own entries stay with it (the new version has its copies).
    _remap(CycleEntry.objects.exclude(plan=old), "measure", kept)
    return moved


def _carry_wheel_events(old: Plan, new: Plan) -> int:
    """Events made from the old version's annual wheel belong to the copied entries."""
    from calendar_app.models import CycleEntry, Event

    def signature(entry: CycleEntry) -> tuple:
        return (entry.title, entry.month, entry.end_month, entry.day, entry.when_text)

    new_entries: dict[tuple, int] = {}
    for entry in CycleEntry.objects.filter(plan=new).order_by("pk"):
        new_entries.setdefault(signature(entry), entry.pk)
    entries = {
        entry.pk: new_entries[signature(entry)]
        for entry in CycleEntry.objects.filter(plan=old)
        if signature(entry) in new_entries
    }
    taken = set(
        Event.objects.filter(cycle_entry_id__in=entries.values()).values_list(
            "cycle_entry_id", "cycle_year"
        )
    )
    movable = [
        pk
        for pk, entry_id, year in Event.objects.filter(cycle_entry_id__in=entries).values_list(
            "pk", "cycle_entry_id", "cycle_year"
        )
        if (entries[entry_id], year) not in taken
    ]
    return _remap(Event.objects.filter(pk__in=movable), "cycle_entry", entries)


def _carry_reminders(kept: dict[int, int]) -> None:
    """A reminder already written for the old measure counts as written for the new one."""
    from calendar_app.models import Delivery

    measure_type = ContentType.objects.get_for_model(Measure)
    deliveries = Delivery.objects.filter(object_type=measure_type)
    taken = set(
        deliveries.filter(object_id__in=kept.values()).values_list(
            "recipient_id", "kind", "object_id", "date"
        )
    )
    movable = [
        pk
        for pk, recipient, kind, object_id, day in deliveries.filter(
            object_id__in=kept
        ).values_list("pk", "recipient_id", "kind", "object_id", "date")
        if (recipient, kind, kept[object_id], day) not in taken
    ]
    _remap(Delivery.objects.filter(pk__in=movable), "object_id", kept)


def _carry_measurements(old: Plan, new: Plan) -> None:
    """Measurements follow the target of the same name under the kept goal."""
    new_targets: dict[tuple, int] = {}
    for pk, goal_key, name in Target.objects.filter(goal__plan=new).values_list(
        "pk", "goal__key", "name"
    ):
        new_targets.setdefault((goal_key, name), pk)
    targets = {
        pk: new_targets[(goal_key, name)]
        for pk, goal_key, name in Target.objects.filter(goal__plan=old).values_list(
            "pk", "goal__key", "name"
        )
        if (goal_key, name) in new_targets
    }
    _remap(Measurement.objects.all(), "target", targets)


def progress_carry_over(*, old: Plan, new: Plan) -> CarriedOver:
    """Move the progress of ``old`` onto the measures ``new`` keeps. Call inside the adoption."""
    kept = _kept_measures(old, new)
    result = CarriedOver()
    if kept:
        result.measures = _carry_status(kept)
        result.assignments = _carry_assignments(kept)
        result.ticks = _carry_ticks(kept)
        result.notes = _remap(ProgressNote.objects.all(), "measure", kept)
        result.events = _carry_events(old, kept)
        _carry_reminders(kept)
    result.events += _carry_wheel_events(old, new)
    _carry_measurements(old, new)
    return result
