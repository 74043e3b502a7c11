from django.contrib import admin

from .models import CycleEntry, Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "starts_at", "visibility", "status"]
    list_filter = ["visibility", "status", "all_day", "for_descendants", "organisation"]
    search_fields = ["title", "location", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "measure", "cycle_entry"]
    date_hierarchy = "starts_at"
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]


@admin.register(CycleEntry)
class CycleEntryAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "month", "day", "when_text", "plan"]
    list_filter = ["month", "organisation"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "plan"]
    autocomplete_fields = ["organisation", "plan", "measure"]
