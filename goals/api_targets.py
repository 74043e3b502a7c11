"""Targets and their measurements for the API, and the membership register's count.

Adding a measurement goes through measurement_record, the pages' service, with the
pages' own form and the same right (can_record_measurement).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations.api import (
    IdFilter,
    StrictSerializer,
    form_errors,
    in_language,
    require_progress_scope,
    require_right,
)
from organisations.permissions import can_record_measurement
from plans.models import Plan

from .api import person_shown
from .charts import target_progress
from .forms import MeasurementForm
from .models import Measurement, Target, TargetKind
from .services import measurement_record

MAX_MEMBERS = 10**9


class MeasurementSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = ("id", "value", "date", "source", "recorded_by")

    def get_recorded_by(self, measurement: Measurement) -> str | None:
        organisation_id = self.context["organisation_id"]
        user = self.context["request"].user
        return person_shown(user, measurement.recorded_by, organisation_id)


class MeasurementWriteSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    date = serializers.DateField(required=False, default=None, allow_null=True)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

    def validate(self, data):
        """The page's own form: no future date, sane years, clean text."""
        day = data["date"] or timezone.localdate()
        form = MeasurementForm(
            {"value": str(data["value"]), "date": day.isoformat(), "source": data["source"]}
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data


class TargetSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="goal.plan_id", read_only=True)
    organisation = serializers.CharField(source="goal.plan.organisation.slug", read_only=True)
    kind_display = serializers.SerializerMethodField()
    direction_display = serializers.SerializerMethodField()
    latest = serializers.SerializerMethodField()
    progress_percent = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = (
            "id",
            "plan",
            "organisation",
            "goal",
            "name",
            "kind",
            "kind_display",
            "unit",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "direction",
            "direction_display",
            "latest",
            "progress_percent",
        )

    def _latest(self, target: Target) -> Measurement | None:
        measurements = sorted(target.measurements.all(), key=lambda m: (m.date, m.pk))
        return measurements[-1] if measurements else None

    def get_kind_display(self, target: Target) -> str:
        return in_language(target.goal.plan.language, target.get_kind_display)

    def get_direction_display(self, target: Target) -> str:
        return in_language(target.goal.plan.language, target.get_direction_display)

    @extend_schema_field(MeasurementSerializer(allow_null=True))
    def get_latest(self, target: Target) -> dict | None:
        latest = self._latest(target)
        if latest is None:
            return None
        context = {**self.context, "organisation_id": target.goal.plan.organisation_id}
        return MeasurementSerializer(latest, context=context).data

    def get_progress_percent(self, target: Target) -> int | None:
        return target_progress(target, self._latest(target))


class TargetFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="goal__plan__organisation__slug")
    plan = IdFilter(field_name="goal__plan_id")
    kind = filters.CharFilter(field_name="kind")

    class Meta:
        model = Target
        fields = ("organisation", "plan", "kind")


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Numeric targets and their measurements; adding one goes through the pages' service."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilter

    def get_queryset(self):
        return (
            Target.objects.filter(goal__plan__in=Plan.objects.visible_to(self.request.user))
            .select_related("goal__plan__organisation")
            .prefetch_related("measurements__recorded_by")
            .order_by("goal__plan", "goal", "pk")
        )

    @extend_schema(request=MeasurementWriteSerializer, responses={201: MeasurementSerializer})
    @action(detail=True, methods=["post"])
    def measurements(self, request, pk=None):
        """Add a measurement to the target (value, date, source)."""
        target = self.get_object()
        require_progress_scope(request)
        require_right(can_record_measurement(request.user, target))
        body = MeasurementWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measurement = measurement_record(target=target, by=request.user, **body.validated_data)
        context = {
            **self.get_serializer_context(),
            "organisation_id": target.goal.plan.organisation_id,
        }
        return Response(
            MeasurementSerializer(measurement, context=context).data, status=status.HTTP_201_CREATED
        )


class MembersCountSerializer(StrictSerializer):
    organisation = serializers.SlugField(max_length=100)
    count = serializers.IntegerField(min_value=0, max_value=MAX_MEMBERS)
    date = serializers.DateField(required=False, default=None, allow_null=True)


class MembersCountView(APIView):
    """The membership register's count for one organisation, on its members targets."""

    @extend_schema(
        request=MembersCountSerializer, responses={201: MeasurementSerializer(many=True)}
    )
    def post(self, request):
        body = MembersCountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        targets = list(
            Target.objects.filter(
                goal__plan__in=Plan.objects.visible_to(request.user),
                goal__plan__organisation__slug=data["organisation"],
                goal__plan__status="adopted",
                kind=TargetKind.MEMBERS,
            ).select_related("goal__plan__organisation")
        )
        if not targets:
            raise exceptions.NotFound(_("The organisation has no members target you can see."))
        require_progress_scope(request)
        require_right(all(can_record_measurement(request.user, t) for t in targets))
        day = data["date"] or timezone.localdate()
        form = MeasurementForm(
            {"value": str(data["count"]), "date": day.isoformat(), "source": "register"}
        )
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        recorded = [
            measurement_record(
                target=target,
                by=request.user,
                value=data["count"],
                date=form.cleaned_data["date"],
                source=_("Membership register"),
            )
            for target in targets
        ]
        context = {"request": request, "organisation_id": targets[0].goal.plan.organisation_id}
        return Response(
            MeasurementSerializer(recorded, many=True, context=context).data,
            status=status.HTTP_201_CREATED,
        )
