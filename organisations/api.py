"""The API's ground floor: shared pieces, and the organisation tree.

The other apps' api.py build on these; none of them adds a rule of its own:
objects come through the scoped querysets, rights from permissions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from .api_auth import TokenAuthentication, require_progress_scope, require_right
from .models import Organisation, OrganisationKind
from .params import MAX_ID, in_sane_years

__all__ = ["require_progress_scope", "require_right"]


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class StrictSerializer(serializers.Serializer):
    """A write body: a field the API does not know is an error, not silently dropped."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field.")] for name in unknown}, code="unknown_field"
            )
        return super().to_internal_value(data)


def validate_sane_day(value) -> None:
    """A date (or time) we can store, convert to UTC and show; 9999-12-31 is none."""
    if value is not None and not in_sane_years(value):
        raise DjangoValidationError(_("The date is out of range."), code="out_of_range")


class IdFilter(filters.Filter):
    """An id in a query: a whole number a database integer holds, else 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class YesNoFilter(filters.Filter):
    """true or false; anything else is a 400, not a filter silently left out."""

    field_class = forms.TypedChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


class DayFilter(filters.DateFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, validators=[validate_sane_day], **kwargs)


class TimeFilter(filters.IsoDateTimeFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, validators=[validate_sane_day], **kwargs)


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors as the API shows them: field → messages."""
    return {
        field: [error["message"] for error in errors]
        for field, errors in form.errors.get_json_data().items()
    }


def in_language(language: str, make: Callable[[], Any]) -> str:
    """A display text in the plan's (or organisation's) language, whoever asks."""
    with translation.override(language):
        return str(make())


class OrganisationSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_display = serializers.SerializerMethodField()
    depth = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "kind_display",
            "parent",
            "depth",
            "language",
            "country",
            "time_zone",
            "closed_on",
        )

    def get_kind_display(self, organisation: Organisation) -> str:
        return in_language(organisation.language, organisation.get_kind_display)

    def get_depth(self, organisation: Organisation) -> int:
        return getattr(organisation, "tree_depth", 0)


class OrganisationFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices)
    parent = filters.CharFilter(field_name="parent__slug")
    within = filters.CharFilter(method="filter_within", label=gettext_lazy("Within (slug)"))

    class Meta:
        model = Organisation
        fields = ("kind", "parent", "within")

    def filter_within(self, queryset, name, value):
        """The organisation and everything below it."""
        root = Organisation.objects.filter(slug=value).first()
        if root is None:
            return queryset.none()
        return queryset.filter(tree_path__contains=root.pk)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation tree: names and places are public, as on the pages."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Organisation.objects.visible_to(self.request.user)
            .with_tree_fields()
            .select_related("parent")
        )
