"""Reads about goals and measures that views and tasks share."""

from __future__ import annotations

from django.db.models import QuerySet

from organisations.permissions import access_for
from plans.selectors import in_force

from .models import Measure, MeasureStatus


def measures_responsible_for(user) -> QuerySet[Measure]:
    """Open measures of plans in force where one of the person's bodies is responsible."""
    bodies = access_for(user).bodies
    return (
        Measure.objects.visible_to(user)
        .filter(
            in_force("goal__plan__"),
            responsible__in=bodies,
            status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS],
        )
        .select_related("goal__plan__organisation")
        .distinct()
        .order_by("due_end", "goal__plan", "goal__order", "order", "pk")
    )
