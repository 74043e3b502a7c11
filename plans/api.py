"""Plans and their sections for the API: what a person may read, as on the pages."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organisations.api import IdFilter, TimeFilter, YesNoFilter, in_language

from .models import Plan, PlanKind, PlanStatus, Section

MAX_VERSIONS = 50  # a lineage longer than this is not a real one


def visible_plan_ids(context: dict) -> set[int]:
    """The plans the asker may read, computed once per request."""
    cache = context.setdefault("_visible_plan_ids", {})
    if "ids" not in cache:
        request = context["request"]
        cache["ids"] = set(Plan.objects.visible_to(request.user).values_list("pk", flat=True))
    return cache["ids"]


class PlanSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_display = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    adopted_by = serializers.StringRelatedField()
    previous_version = serializers.SerializerMethodField()
    replaced_by = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Plan
        fields = (
            "id",
            "organisation",
            "title",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "first_year",
            "last_year",
            "language",
            "visibility",
            "preamble",
            "adopted_on",
            "adopted_by",
            "version",
            "previous_version",
            "replaced_by",
            "is_current",
            "updated_at",
            "web_url",
        )

    def get_kind_display(self, plan: Plan) -> str:
        return in_language(plan.language, plan.get_kind_display)

    def get_status_display(self, plan: Plan) -> str:
        return in_language(plan.language, plan.get_status_display)

    def _visible(self, pk: int | None) -> int | None:
        return pk if pk in visible_plan_ids(self.context) else None

    def get_previous_version(self, plan: Plan) -> int | None:
        return self._visible(plan.previous_version_id)

    def get_replaced_by(self, plan: Plan) -> int | None:
        return self._visible(plan.replaced_by_id)

    def get_is_current(self, plan: Plan) -> bool:
        """Not replaced by a newer adopted version, and not archived."""
        return plan.replaced_by_id is None and plan.status != PlanStatus.ARCHIVED


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("id", "plan", "title", "intro", "order")


class PlanFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="organisation__slug")
    status = filters.MultipleChoiceFilter(choices=PlanStatus.choices)
    kind = filters.ChoiceFilter(choices=PlanKind.choices)
    current = YesNoFilter(method="filter_current", label=_("Current versions only"))
    updated_since = TimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Plan
        fields = ("organisation", "status", "kind", "current", "updated_since")

    def filter_current(self, queryset, name, value):
        current = Q(replaced_by__isnull=True) & ~Q(status=PlanStatus.ARCHIVED)
        return queryset.filter(current) if value else queryset.exclude(current)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans the asker may read: public adopted plans for everyone, more for members."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def get_queryset(self):
        return (
            Plan.objects.visible_to(self.request.user)
            .select_related("organisation", "adopted_by")
            .order_by("-first_year", "title", "pk")
        )

    @extend_schema(responses=PlanSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        """The plan's history: every version before and after it that the asker may read."""
        plan = self.get_object()
        visible = self.get_queryset()
        lineage = {plan.pk: plan}
        for _step in range(MAX_VERSIONS):
            earlier = [p.previous_version_id for p in lineage.values() if p.previous_version_id]
            neighbours = list(
                visible.filter(Q(pk__in=earlier) | Q(previous_version__in=list(lineage))).exclude(
                    pk__in=list(lineage)
                )
            )
            if not neighbours:
                break
            lineage.update({p.pk: p for p in neighbours})
        versions = sorted(lineage.values(), key=lambda p: (p.version, p.pk))
        return Response(self.get_serializer(versions, many=True).data)


class SectionFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")

    class Meta:
        model = Section
        fields = ("plan",)


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectionSerializer
    filterset_class = SectionFilter

    def get_queryset(self):
        return Section.objects.filter(plan__in=Plan.objects.visible_to(self.request.user)).order_by(
            "plan", "order", "pk"
        )
