"""Events and the annual wheel for the API, read as the calendar pages read them."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from organisations.api import TimeFilter, form_errors, in_language
from organisations.models import Organisation
from organisations.permissions import can_read_members_content

from .forms import WheelRangeForm
from .models import CycleEntry, Event, EventStatus, EventVisibility, elections_between, year_types
from .selectors import wheel_entries


class EventSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    visibility_display = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Event
        fields = (
            "id",
            "uid",
            "organisation",
            "title",
            "starts_at",
            "ends_at",
            "all_day",
            "location",
            "description",
            "visibility",
            "visibility_display",
            "status",
            "status_display",
            "for_descendants",
            "updated_at",
            "web_url",
        )

    def get_visibility_display(self, event: Event) -> str:
        return in_language(event.organisation.language, event.get_visibility_display)

    def get_status_display(self, event: Event) -> str:
        return in_language(event.organisation.language, event.get_status_display)


class EventFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="organisation__slug")
    visibility = filters.ChoiceFilter(choices=EventVisibility.choices)
    status = filters.ChoiceFilter(choices=EventStatus.choices)
    starts_after = TimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = TimeFilter(field_name="starts_at", lookup_expr="lt")
    updated_since = TimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Event
        fields = ("organisation", "visibility", "status")


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Events the asker may see: public ones for everyone, more for members and boards."""

    serializer_class = EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return (
            Event.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("starts_at", "pk")
        )


class CycleEntrySerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CycleEntry
        fields = (
            "id",
            "organisation",
            "plan",
            "title",
            "month",
            "end_month",
            "day",
            "when_text",
            "year_types",
            "years",
            "for_descendants",
            "measure",
        )


class WheelYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    year_types = serializers.ListField(child=serializers.CharField())
    entries = serializers.ListField(child=serializers.IntegerField())


class WheelSerializer(serializers.Serializer):
    organisation = serializers.CharField()
    entries = CycleEntrySerializer(many=True)
    years = WheelYearSerializer(many=True)


class WheelView(APIView):
    """An organisation's annual wheel: its entries, and which of them fall in each year."""

    @extend_schema(
        parameters=[
            OpenApiParameter("first", int, description="First year (default: this year)"),
            OpenApiParameter("last", int, description="Last year, at most ten after the first"),
        ],
        responses=WheelSerializer,
    )
    def get(self, request, slug: str):
        organisation = Organisation.objects.visible_to(request.user).filter(slug=slug).first()
        # Members' content, as on the page: 404 for anyone else.
        if organisation is None or not can_read_members_content(request.user, organisation):
            raise Http404
        first, last = self._years(request)
        elections = elections_between(first, last)
        entries = list(wheel_entries(organisation))
        years = []
        for year in range(first, last + 1):
            types = year_types(organisation.country, year, elections)
            applies = [entry.pk for entry in entries if entry.applies_to(year, types)]
            years.append({"year": year, "year_types": sorted(types), "entries": applies})
        data = {
            "organisation": organisation.slug,
            "entries": CycleEntrySerializer(entries, many=True).data,
            "years": years,
        }
        return Response(data)

    def _years(self, request) -> tuple[int, int]:
        this_year = timezone.localdate().year
        params = request.query_params
        if "first" not in params and "last" not in params:
            return this_year, this_year + 3
        form = WheelRangeForm(
            {"first": params.get("first", this_year), "last": params.get("last", this_year + 3)}
        )
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        return form.cleaned_data["first"], form.cleaned_data["last"]
