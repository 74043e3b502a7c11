from django.contrib import admin

from .models import Activity, Amendment, Plan, PlanImport, Proposal, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "title"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "kind", "first_year", "last_year", "status"]
    list_filter = ["status", "kind", "visibility", "language", "organisation__kind"]
    search_fields = ["title", "organisation__name", "organisation__slug"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "adopted_by", "implements", "previous_version"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "order"]
    search_fields = ["title", "plan__title"]
    list_filter = ["plan__organisation"]
    list_select_related = ["plan__organisation"]
    autocomplete_fields = ["plan"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "summary", "organisation", "plan"]
    list_filter = ["action", "organisation"]
    search_fields = ["summary", "actor__email", "plan__title"]
    list_select_related = ["actor", "organisation", "plan"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Activity._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlanImport)
class PlanImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "organisation", "uploaded_by", "plan", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "uploaded_by", "plan"]
    readonly_fields = [
        "organisation",
        "uploaded_by",
        "filename",
        "content_type",
        "plan",
        "created_at",
    ]
    exclude = ["data", "read"]

    def has_add_permission(self, request):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["plan", "meeting", "meeting_on", "deadline"]
    list_select_related = ["plan__organisation", "meeting"]
    search_fields = ["plan__title", "plan__organisation__name"]
    readonly_fields = ["plan", "lines", "event", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    """For support: amendments are written and voted on in the app, not here."""

    list_display = ["number", "proposal", "action", "recommendation", "outcome", "applied"]
    list_filter = ["action", "recommendation", "outcome"]
    list_select_related = ["proposal__plan__organisation"]
    search_fields = ["text", "proposal__plan__title"]
    readonly_fields = [f.name for f in Amendment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
