"""Filtering the measures list. Every choice list is scoped to what the person may see."""

from __future__ import annotations

from itertools import groupby

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from organisations.models import Body, Organisation
from organisations.permissions import access_for
from organisations.selectors import organisations_of
from plans.models import Plan
from plans.selectors import in_force

from .models import Assignment, Goal, Measure, MeasureStatus, Tag

ALL = _("All")
MINE, EVERYWHERE = "mine", "all"
OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class GroupedChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """Goals under one <optgroup> per plan, so two plans' "A." goals can be told apart."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset.select_related("plan__organisation")
        for plan, goals in groupby(queryset, key=lambda goal: goal.plan):
            label = f"{plan.organisation.name}: {plan.title}"
            yield (label, [self.choice(goal) for goal in goals])


class GroupedModelChoiceField(ModelChoiceField):
    iterator = GroupedChoiceIterator


class GroupedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = GroupedModelChoiceField


def my_organisation_ids(user) -> set[int]:
    """The person's own organisations: memberships, positions, and admin subtrees."""
    return {org.pk for org in organisations_of(user)} | set(access_for(user).admin)


class MeasureFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[(MINE, _("My organisations")), (EVERYWHERE, _("All I can see"))],
        empty_label=None,
        method="filter_scope",
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        field_name="goal__plan__organisation",
        queryset=Organisation.objects.none(),
        empty_label=ALL,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeasureStatus.choices, empty_label=ALL
    )
    responsible = django_filters.ModelChoiceFilter(
        label=_("Responsible"), queryset=Body.objects.none(), empty_label=ALL
    )
    goal = GroupedModelChoiceFilter(label=_("Goal"), queryset=Goal.objects.none(), empty_label=ALL)
    tags = django_filters.ModelChoiceFilter(
        label=_("Tag"), queryset=Tag.objects.none(), empty_label=ALL
    )
    due = django_filters.DateFromToRangeFilter(
        label=_("Due between"),
        field_name="due_end",
        widget=django_filters.widgets.DateRangeWidget(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", ALL), ("true", _("Yes")), ("false", _("No"))]),
    )

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        user = request.user
        if user.is_authenticated and (data is None or not data.get("scope")):
            # A signed-in person starts on their own organisations, not on every party;
            # one who belongs nowhere yet starts on everything they may see.
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["scope"] = MINE if my_organisation_ids(user) else EVERYWHERE
        super().__init__(data, queryset, request=request, **kwargs)
        if not user.is_authenticated:
            del self.filters["scope"]  # a visitor has no organisations: the public view
        # Choices come from the measures of plans the person may read, so no list
        # names another party's bodies or tags, or a draft's.
        plans = Plan.objects.visible_to(user)
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
            plan__in=plans.filter(in_force()), parent=None
        ).order_by("plan__organisation__name", "plan__title", "plan", "section__order", "order")
        self.filters["tags"].queryset = (
            Tag.objects.filter(measures__in=measures).distinct().order_by("name")
        )

    def filter_scope(self, queryset, name, value):
        organisations = self.scope_organisation_ids()
        if organisations is None:
            return queryset
        return queryset.filter(goal__plan__organisation__in=organisations)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Q(due_end__lt=timezone.localdate(), status__in=OPEN)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def scope_organisation_ids(self) -> set[int] | None:
        """The organisations the rows belong to; None for every one the person may see.

        A chosen organisation wins over the scope: it is the narrower question.
        """
        data = self.form.cleaned_data
        if data.get("organisation") is not None:
            return {data["organisation"].pk}
        if data.get("scope") == MINE and self.request.user.is_authenticated:
            return my_organisation_ids(self.request.user)
        return None

    def assignments(self) -> QuerySet[Assignment]:
        """The organisations' own shares of measures delegated from the plans above them.

        Only for organisations whose members' content the person reads, and only of
        measures the person may see that pass the measure filters; status and overdue
        read the share's own status.
        """
        organisations = self.scope_organisation_ids()
        if not organisations or not self.is_valid():
            return Assignment.objects.none()
        user = self.request.user
        organisations = organisations & access_for(user).member
        data = self.form.cleaned_data
        # Shares of the version in force only: a replaced version's shares moved on with it.
        measures = Measure.objects.visible_to(user).filter(in_force("goal__plan__"))
        for name in ("responsible", "goal", "tags", "due"):
            value = data.get(name)
            if value not in (None, "", [], ()):
                measures = self.filters[name].filter(measures, value)
        shares = Assignment.objects.filter(organisation__in=organisations, measure__in=measures)
        if data.get("status"):
            shares = shares.filter(status=data["status"])
        if data.get("overdue") is not None:
            overdue = Q(measure__due_end__lt=timezone.localdate(), status__in=OPEN)
            shares = shares.filter(overdue) if data["overdue"] else shares.exclude(overdue)
        return shares.select_related("organisation", "measure__goal__plan__organisation").order_by(
            "organisation__name", "measure__goal__plan", "measure__goal__order", "pk"
        )
