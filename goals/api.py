"""Goals and measures for the API, and ticking, the write people do most.

Reads come through the scoped querysets; a tick through the pages' service
(measure_tick) and rights (permissions.py), validated by the page's own form,
so nothing an API client sends can skip a rule. Targets: api_targets.py.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organisations.api import (
    DayFilter,
    IdFilter,
    StrictSerializer,
    TimeFilter,
    YesNoFilter,
    form_errors,
    in_language,
    require_progress_scope,
    require_right,
)
from organisations.params import MAX_ID
from organisations.permissions import (
    can_see_people,
    can_tick_assignment,
    can_tick_measure,
)
from plans.editing import EditConflict

from .forms import TickForm
from .models import Goal, Measure, MeasureStatus
from .notes import notes_by_measure
from .prefetch import progress_prefetch
from .progress import OPEN, measure_tick
from .ticking import measure_state

MAX_REVISION = 2**31 - 1


def _language(measure: Measure) -> str:
    return measure.goal.plan.language


def person_shown(user, person, organisation_id: int) -> str | None:
    """Who did it: members' content, hidden from visitors and other parties."""
    if person is None or not can_see_people(user, organisation_id):
        return None
    return person.get_full_name()


class GoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ("id", "plan", "section", "parent", "code", "title", "description", "order")


class GoalFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan_id")
    organisation = filters.CharFilter(field_name="plan__organisation__slug")

    class Meta:
        model = Goal
        fields = ("plan", "organisation")


class GoalViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GoalSerializer
    filterset_class = GoalFilter

    def get_queryset(self):
        return Goal.objects.visible_to(self.request.user).order_by(
            "plan", "section__order", "order", "pk"
        )


class OccurrenceSerializer(serializers.Serializer):
    date = serializers.DateField()
    done = serializers.BooleanField()


class NoteSerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    text = serializers.CharField()
    occurrence = serializers.DateField(allow_null=True)
    status_before = serializers.CharField()
    status_after = serializers.CharField()
    author = serializers.CharField(allow_null=True)


class ProgressSerializer(serializers.Serializer):
    occurrences_done = serializers.IntegerField()
    occurrences_total = serializers.IntegerField()
    assignments_done = serializers.IntegerField()
    assignments_total = serializers.IntegerField()


class MeasureSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="goal.plan_id", read_only=True)
    organisation = serializers.CharField(source="goal.plan.organisation.slug", read_only=True)
    status_display = serializers.SerializerMethodField()
    due_precision_display = serializers.SerializerMethodField()
    recurrence_text = serializers.CharField(read_only=True)
    responsible = serializers.StringRelatedField(many=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    overdue = serializers.SerializerMethodField()
    completed_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    occurrences = serializers.SerializerMethodField()
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Measure
        fields = (
            "id",
            "plan",
            "organisation",
            "goal",
            "text",
            "order",
            "status",
            "status_display",
            "revision",
            "due_text",
            "due_start",
            "due_end",
            "due_precision",
            "due_precision_display",
            "recurrence",
            "recurrence_text",
            "responsible",
            "responsible_text",
            "delegated",
            "tags",
            "overdue",
            "completed_at",
            "completed_by",
            "progress",
            "occurrences",
            "web_url",
        )

    def _state(self, measure: Measure):
        if not hasattr(measure, "_api_state"):
            plan = measure.goal.plan
            measure._api_state = measure_state(
                self.context["request"].user,
                measure,
                plan_adopted=plan.status == "adopted",
                notes=self.context.get("notes", {}).get(measure.pk, []),
            )
        return measure._api_state

    def get_status_display(self, measure: Measure) -> str:
        return in_language(_language(measure), measure.get_status_display)

    def get_due_precision_display(self, measure: Measure) -> str:
        return in_language(_language(measure), measure.get_due_precision_display)

    def get_overdue(self, measure: Measure) -> bool:
        return self._state(measure).overdue

    def get_completed_by(self, measure: Measure) -> str | None:
        organisation_id = measure.goal.plan.organisation_id
        return person_shown(self.context["request"].user, measure.completed_by, organisation_id)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, measure: Measure) -> dict:
        state = self._state(measure)
        return {
            "occurrences_done": state.done_count,
            "occurrences_total": len(state.occurrences),
            "assignments_done": state.assignments_done,
            "assignments_total": state.assignments_total,
        }

    @extend_schema_field(OccurrenceSerializer(many=True))
    def get_occurrences(self, measure: Measure) -> list[dict]:
        return [{"date": o.day, "done": o.done} for o in self._state(measure).occurrences]


class MeasureDetailSerializer(MeasureSerializer):
    """One measure with its written notes, for readers of the organisation's members' content."""

    notes = serializers.SerializerMethodField()

    class Meta(MeasureSerializer.Meta):
        fields = (*MeasureSerializer.Meta.fields, "notes")

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, measure: Measure) -> list[dict]:
        state = self._state(measure)
        if not state.show_notes:
            return []
        user = self.context["request"].user
        organisation_id = measure.goal.plan.organisation_id
        return [
            {
                "created_at": note.created_at,
                "text": note.text,
                "occurrence": note.occurrence,
                "status_before": note.status_before,
                "status_after": note.status_after,
                "author": person_shown(user, note.author, organisation_id),
            }
            for note in state.notes
        ]


class TickSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=MeasureStatus.choices, default=MeasureStatus.DONE)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    occurrence = serializers.DateField(required=False, allow_null=True, default=None)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)
    assignment = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    revision = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_REVISION,
        help_text="The measure's revision you last read; 409 if it changed since.",
    )

    def validate(self, data):
        """The page's own form checks the note and the date, with its messages."""
        done_on = data["done_on"].isoformat() if data["done_on"] else ""
        form = TickForm({"note": data["note"], "done_on": done_on})
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {**data, **form.cleaned_data}


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = MeasureSerializer()


class MeasureFilter(filters.FilterSet):
    organisation = filters.CharFilter(field_name="goal__plan__organisation__slug")
    plan = IdFilter(field_name="goal__plan_id")
    goal = IdFilter(field_name="goal_id")
    status = filters.MultipleChoiceFilter(choices=MeasureStatus.choices)
    due_after = DayFilter(field_name="due_end", lookup_expr="gte")
    due_before = DayFilter(field_name="due_end", lookup_expr="lte")
    overdue = YesNoFilter(method="filter_overdue")
    updated_since = TimeFilter(method="filter_updated_since")

    class Meta:
        model = Measure
        fields = ("organisation", "plan", "goal", "status", "due_after", "due_before")

    def filter_overdue(self, queryset, name, value):
        overdue = Q(due_end__lt=timezone.localdate(), status__in=OPEN)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_updated_since(self, queryset, name, value):
        """Progress recorded since, or the plan changed since."""
        changed = Q(progress_notes__created_at__gte=value) | Q(goal__plan__updated_at__gte=value)
        return queryset.filter(pk__in=Measure.objects.filter(changed).values("pk"))


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Measures with their status and progress; ticking goes through the pages' service."""

    filterset_class = MeasureFilter

    def get_serializer_class(self):
        return MeasureDetailSerializer if self.action == "retrieve" else MeasureSerializer

    def get_queryset(self):
        return (
            Measure.objects.visible_to(self.request.user)
            .prefetch_related(*progress_prefetch())
            .select_related("goal__plan__organisation", "completed_by")
            .order_by("goal__plan", "goal__order", "order", "pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve" and "pk" in self.kwargs:
            context["notes"] = notes_by_measure([self.kwargs["pk"]])
        return context

    @extend_schema(
        request=TickSerializer,
        responses={200: MeasureDetailSerializer, 409: ConflictSerializer},
    )
    @action(detail=True, methods=["post"])
    def tick(self, request, pk=None):
        """Tick or untick the measure, one occurrence, or one branch's share, with a note."""
        measure = self.get_object()
        require_progress_scope(request)
        if not (isinstance(request.data, dict) and request.data.get("assignment") is not None):
            self._assignment(measure, None)  # the right before the body, as on the page
        body = TickSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        assignment = self._assignment(measure, data["assignment"])
        try:
            measure_tick(
                measure=measure,
                by=request.user,
                status=data["status"],
                note=data["note"],
                occurrence=data["occurrence"],
                assignment=assignment,
                done_on=data["done_on"],
                expected_revision=data["revision"],
            )
        except EditConflict:
            current = self._fresh(measure.pk)
            return Response(
                {
                    "detail": _("Someone else recorded progress on this measure first."),
                    "current": MeasureSerializer(
                        current, context=self.get_serializer_context()
                    ).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        context = {**self.get_serializer_context(), "notes": notes_by_measure([measure.pk])}
        return Response(MeasureDetailSerializer(self._fresh(measure.pk), context=context).data)

    def _assignment(self, measure: Measure, assignment_pk: int | None):
        """Only a share of this very measure, which the person may tick; as the page does."""
        user = self.request.user
        if assignment_pk is None:
            responsible = [body.pk for body in measure.responsible.all()]
            require_right(can_tick_measure(user, measure, responsible))
            return None
        assignment = next((a for a in measure.assignments.all() if a.pk == assignment_pk), None)
        require_right(assignment is not None and can_tick_assignment(user, assignment))
        return assignment

    def _fresh(self, pk: int) -> Measure:
        return self.get_queryset().get(pk=pk)
