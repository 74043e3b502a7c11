from django.contrib import admin

from .models import CycleEntry, Delivery, Election, Event, FeedToken, NotificationSettings
from .models_webhooks import WebhookDelivery, WebhookEndpoint


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
    list_display = ["title", "organisation", "month", "day", "when_text", "years", "plan"]
    list_filter = ["month", "for_descendants", "organisation"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "plan"]
    autocomplete_fields = ["organisation", "plan", "measure"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "kind",
        "recipient",
        "email",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind", "date"]
    search_fields = ["recipient__email", "email", "last_error"]
    list_select_related = ["recipient"]
    date_hierarchy = "date"
    readonly_fields = ["claim", "claimed_at", "created_at"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["person", "event_reminders", "weekly_digest"]
    search_fields = ["person__email"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["year", "country", "kind", "date"]
    list_filter = ["country", "kind"]


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    list_display = ["person", "created_at"]
    search_fields = ["person__email"]
    readonly_fields = ["token"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Registered on the organisation's webhooks page, where the address is checked."""

    list_display = ["url", "organisation", "events", "active", "created_at"]
    list_filter = ["active", "organisation"]
    search_fields = ["url", "organisation__name"]
    list_select_related = ["organisation"]
    readonly_fields = ["organisation", "url", "events", "created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "endpoint", "status", "attempts", "response_status"]
    list_filter = ["status", "event"]
    search_fields = ["endpoint__url", "last_error"]
    list_select_related = ["endpoint"]
    readonly_fields = ["endpoint", "event", "event_id", "body", "claim", "claimed_at", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False
