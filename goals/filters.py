"""Filtering the measures list. Every choice list is scoped to what the person may see."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Body, Organisation
from plans.models import Plan

from .models import Goal, Measure, MeasureStatus, Tag


class MeasureFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="goal__plan__organisation",
        queryset=Organisation.objects.none(),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MeasureStatus.choices)
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible"), queryset=Body.objects.none()
    )
    goal = django_filters.ModelChoiceFilter(label=_("Goal"), queryset=Goal.objects.none())
    tags = django_filters.ModelChoiceFilter(label=_("Tag"), queryset=Tag.objects.none())
    due = django_filters.DateFromToRangeFilter(
        label=_("Due between"),
        field_name="due_end",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        # Choices come from the measures of plans the person may read, so no list
        # names another party's bodies or tags, or a draft's.
        plans = Plan.objects.visible_to(request.user)
        measures = Measure.objects.filter(goal__plan__in=plans)
        self.filters["organisation"].queryset = (
            Organisation.objects.filter(plans__in=plans).distinct().order_by("name")
        )
        self.filters["responsible"].queryset = (
            Body.objects.filter(measures__in=measures)
            .distinct()
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        self.filters["goal"].queryset = Goal.objects.filter(
            plan__in=plans.filter(status="adopted"), parent=None
        ).order_by("plan__organisation__name", "plan", "section__order", "order")
        self.filters["tags"].queryset = (
            Tag.objects.filter(measures__in=measures).distinct().order_by("name")
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_end__lt=timezone.localdate(), status__in=["planned", "in_progress"])
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
