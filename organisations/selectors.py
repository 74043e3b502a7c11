"""Reads about organisations that views and tasks share."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from .generations import NAMES, PERSON, keep, stored
from .models import Organisation


def my_organisations_key(person_id: int, day) -> str:
    return f"my-organisations:{person_id}:{day.isoformat()}"


def organisations_of(user) -> list[Organisation]:
    """Where the person is a member, holds a position or is an admin today: kept for the
    request, and in the cache while their rights and the organisations stay the same."""
    cached = getattr(user, "_handlingsplan_my_orgs", None)
    if cached is not None:
        return cached
    today = timezone.localdate()
    key = my_organisations_key(user.pk, today)
    cached, tokens = stored(key, *PERSON)
    if cached is None:
        # One filter() call: each condition on a relation applies to the same row of it.
        cached = list(
            Organisation.objects.filter(
                Q(memberships__person=user)
                & (Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today))
                | Q(bodies__positions__person=user, bodies__positions__starts_on__lte=today)
                & (
                    Q(bodies__positions__ends_on__isnull=True)
                    | Q(bodies__positions__ends_on__gte=today)
                )
                | Q(admin_grants__person=user)
            )
            .distinct()
            .order_by("name")
        )
        keep(key, cached, tokens, 60 * 60 * 24)
    user._handlingsplan_my_orgs = cached
    return cached


def organisation_with_ancestors(slug: str) -> tuple[Organisation, list[Organisation]]:
    """The organisation and its ancestors, root first, in two queries."""
    from django.shortcuts import get_object_or_404

    organisation = get_object_or_404(Organisation.objects.with_tree_fields(), slug=slug)
    ancestors = list(Organisation.objects.ancestors(organisation))
    return organisation, ancestors


def ancestors_of(organisation: Organisation) -> list[Organisation]:
    """The organisations above, root first: from the cache while no organisation is written
    (a move or a rename replaces the names token)."""
    key = f"ancestors:{organisation.pk}"
    ancestors, tokens = stored(key, NAMES)
    if ancestors is None:
        ancestors = list(Organisation.objects.ancestors(organisation))
        keep(key, ancestors, tokens, 60 * 60 * 24)
    return ancestors


def children_of(organisation: Organisation) -> QuerySet[Organisation]:
    return organisation.children.order_by("kind", "name")


def with_ancestor_ids(organisation_ids) -> set[int]:
    """The organisations and every organisation above them, in one query."""
    rows = Organisation.objects.with_tree_fields().filter(pk__in=set(organisation_ids))
    return {pk for organisation in rows for pk in organisation.tree_path}


def organisations_left_without_admin(person) -> list[Organisation]:
    """Where the person is the only admin: nobody else holds a grant on it or above it."""
    from .models import OrganisationAdmin

    mine = list(
        Organisation.objects.with_tree_fields().filter(admin_grants__person=person).distinct()
    )
    others = set(
        OrganisationAdmin.objects.exclude(person=person)
        .filter(person__is_active=True)
        .values_list("organisation_id", flat=True)
    )
    return [org for org in mine if not others.intersection(org.tree_path)]
