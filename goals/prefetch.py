"""Measures with what their follow-up shows, in a few queries and a few objects.

A plan page lists hundreds of measures, each with its responsible bodies, tags,
ticks, branch shares and named delegates. Django's prefetch_related builds a
related manager, a queryset and a fresh object per measure and row; here each
relation is one query over its through table, the bodies, tags and
organisations are fetched once and shared, and the lists are put where the
measures' ``bodies``, ``tag_list``, ``tick_list``, ``assignment_list`` and
``delegate_list`` read them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from organisations.models import Body, Organisation

from .models import Assignment, Measure, OccurrenceTick, Tag


def _by_measure(pairs: Iterable[tuple[int, int]], objects: dict) -> dict[int, list]:
    grouped = defaultdict(list)
    for measure_id, pk in pairs:
        grouped[measure_id].append(objects[pk])
    return grouped


def _related(ids, field: str, model) -> dict:
    """measure id → the objects of a many-to-many field, in the model's default order."""
    through = getattr(Measure, field).through
    target = f"{model._meta.model_name}_id"
    pairs = list(through.objects.filter(measure_id__in=ids).values_list("measure_id", target))
    if not pairs:
        return {}
    ordered = list(model.objects.filter(pk__in={pk for _, pk in pairs}))
    objects = {o.pk: o for o in ordered}
    rank = {o.pk: i for i, o in enumerate(ordered)}
    pairs.sort(key=lambda pair: (pair[0], rank[pair[1]]))
    return _by_measure(pairs, objects)


def attach_progress(measures: list[Measure], *, among: QuerySet | None = None) -> list[Measure]:
    """Fetch and attach what the follow-up reads, for all the measures at once.

    ``among``: a queryset of exactly these measures (a plan's), which the queries
    filter by in the database; a list of hundreds of ids costs more to pass than
    the rows it fetches.
    """
    if not measures:
        return measures
    ids = among.values("pk") if among is not None else [m.pk for m in measures]
    bodies = _related(ids, "responsible", Body)
    tags = _related(ids, "tags", Tag)
    delegates = _related(ids, "delegate_to", Organisation)
    ticks = defaultdict(list)
    for tick in OccurrenceTick.objects.filter(measure_id__in=ids).order_by("occurrence", "pk"):
        ticks[tick.measure_id].append(tick)
    assignments = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(measure_id__in=ids)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    ):
        assignments[assignment.measure_id].append(assignment)
    for measure in measures:
        measure._bodies = bodies.get(measure.pk, [])
        measure._tags = tags.get(measure.pk, [])
        measure._delegates = delegates.get(measure.pk, [])
        measure._ticks = ticks.get(measure.pk, [])
        measure._assignments = assignments.get(measure.pk, [])
    return measures


def progress_prefetch() -> tuple:
    """The same lists for a queryset that must stay lazy (an API page): prefetch_related."""
    return (
        "responsible",
        "tags",
        "ticks",
        "delegate_to",
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("organisation").order_by(
                "organisation__name", "pk"
            ),
        ),
    )
