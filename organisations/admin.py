from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from tree_queries.admin import TreeAdmin

from .accounts import person_deactivate
from .models import (
    ApiToken,
    Body,
    Invitation,
    Membership,
    Organisation,
    OrganisationAdmin,
    Position,
    RegisterImport,
    User,
)


def superusers_only(request) -> bool:
    """Admin rights are not scoped to an organisation, so only superusers use the admin."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["body"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "language", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "language"]
    search_fields = ["email", "name"]
    inlines = [MembershipInline, PositionInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["name", "language"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            person_deactivate(person=obj, by=request.user)  # its sessions end at once


class BodyInline(admin.TabularInline):
    model = Body
    extra = 0


@admin.register(Organisation)
class OrganisationAdminPage(TreeAdmin):
    position_field = None
    list_display = [*TreeAdmin.list_display, "slug", "kind", "country", "language"]
    list_filter = ["kind", "country", "language"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyInline]

    class Media:
        css = {"all": ["css/admin-tree.css"]}

    @admin.display(description=TreeAdmin.indented_title.short_description)
    def indented_title(self, instance, *, ellipsize=True):
        # TreeAdmin indents with a style attribute, which the Content-Security-Policy
        # blocks; the same indentation as a class (static/css/admin-tree.css).
        depth = instance.tree_depth
        drawing = '<i class="l"></i>' * max(depth - 1, 0) + '<i class="a"></i>' * (depth > 0)
        return format_html(
            '<div class="box"><div class="box-drawing">{}</div>'
            '<div class="box-text{} depth-{}">{}</div></div>',
            mark_safe(drawing),  # constant markup, no data
            " ellipsize" if ellipsize else "",
            min(depth, 6),
            instance,
        )


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["kind", "organisation__kind"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [PositionInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation", "member_number", "since", "ends_on", "source"]
    list_filter = ["organisation__kind", "source", "since"]
    search_fields = ["person__email", "person__name", "organisation__name"]
    list_select_related = ["person", "organisation"]
    autocomplete_fields = ["person", "organisation"]
    date_hierarchy = "since"


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "body", "organisation", "starts_on", "ends_on"]
    list_filter = ["role", "body__kind"]
    search_fields = ["person__email", "person__name", "body__name", "body__organisation__name"]
    list_select_related = ["person", "body__organisation"]
    autocomplete_fields = ["person", "body"]

    @admin.display(description=_("organisation"), ordering="body__organisation__name")
    def organisation(self, obj):
        return obj.body.organisation


@admin.register(OrganisationAdmin)
class OrganisationAdminAdmin(admin.ModelAdmin):
    list_display = ["person", "organisation"]
    search_fields = ["person__email", "person__name", "organisation__name"]
    list_select_related = ["person", "organisation"]
    autocomplete_fields = ["person", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "body", "role", "created_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "body"]
    autocomplete_fields = ["organisation", "body", "invited_by", "accepted_by"]


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):
    list_display = ["organisation", "filename", "created_at", "applied_at"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation", "uploaded_by"]
    readonly_fields = ["rows", "summary", "mapping"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Made by the person on their tokens page (the secret is shown only there, once)."""

    list_display = ["name", "person", "scope", "prefix", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["scope"]
    search_fields = ["name", "person__email", "prefix"]
    list_select_related = ["person"]
    readonly_fields = ["person", "name", "scope", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False
