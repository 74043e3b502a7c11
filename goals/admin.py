from django.contrib import admin

from .models import (
    Assignment,
    Goal,
    Measure,
    Measurement,
    OccurrenceTick,
    ProgressNote,
    Tag,
    Target,
)


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["order", "text", "due_text", "status"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "section", "order"]
    list_filter = ["plan__status", "plan__organisation"]
    search_fields = ["title", "code", "plan__title"]
    list_select_related = ["plan__organisation", "section"]
    autocomplete_fields = ["plan", "section", "parent", "derived_from"]
    inlines = [MeasureInline, TargetInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "goal", "due_text", "status", "delegated"]
    list_filter = ["status", "due_precision", "delegated", "tags", "goal__plan__organisation"]
    search_fields = ["text", "goal__title", "goal__plan__title"]
    list_select_related = ["goal__plan"]
    autocomplete_fields = ["goal", "responsible", "completed_by"]
    filter_horizontal = ["tags"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["measure", "organisation", "status", "completed_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["measure__text", "organisation__name"]
    list_select_related = ["measure", "organisation"]
    autocomplete_fields = ["measure", "organisation", "completed_by"]


@admin.register(ProgressNote)
class ProgressNoteAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author", "measure", "status_after"]
    list_filter = ["status_after"]
    search_fields = ["text", "measure__text", "author__email"]
    list_select_related = ["author", "measure"]
    autocomplete_fields = ["measure", "assignment", "author"]
    date_hierarchy = "created_at"


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "goal", "baseline_value", "target_value", "target_date"]
    list_filter = ["kind", "direction"]
    search_fields = ["name", "goal__title"]
    autocomplete_fields = ["goal"]
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["target", "value", "date", "source"]
    search_fields = ["target__name", "source"]
    date_hierarchy = "date"
    autocomplete_fields = ["target", "recorded_by"]


@admin.register(OccurrenceTick)
class OccurrenceTickAdmin(admin.ModelAdmin):
    list_display = ["measure", "occurrence", "assignment", "done_by", "done_at"]
    list_filter = ["occurrence"]
    search_fields = ["measure__text", "done_by__email"]
    list_select_related = ["measure", "assignment__organisation", "done_by"]
    autocomplete_fields = ["measure", "assignment", "done_by"]
