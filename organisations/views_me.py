"""A person's own page: where they are a member, which places they hold, and how to leave."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .leaving import membership_leave as leave_organisation
from .leaving import position_leave as leave_body
from .leaving import positions_below, positions_held
from .models import Membership, Position


@login_required
@never_cache
def me(request: HttpRequest) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(person=person)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    positions = list(
        Position.objects.filter(person=person)
        .select_related("body__organisation")
        .order_by("body__organisation__name", "body__name", "-starts_on")
    )
    return render(
        request,
        "organisations/me.html",
        {
            "memberships": [m for m in memberships if m.ends_on is None or m.ends_on >= today],
            "past_memberships": [m for m in memberships if m.ends_on and m.ends_on < today],
            "positions": [p for p in positions if p.in_force(today)],
            "upcoming_positions": [p for p in positions if p.starts_on > today],
            "past_positions": [p for p in positions if p.ends_on and p.ends_on < today],
            "admin_grants": person.admin_grants.select_related("organisation").order_by(
                "organisation__name"
            ),
        },
    )


@login_required
@never_cache
def position_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave a body: the person's own place in it ends now (GET asks, POST does it)."""
    position = get_object_or_404(
        Position.objects.select_related("body__organisation"), pk=pk, person=request.user
    )
    if not position.in_force(timezone.localdate()):
        messages.info(request, _("That position is not in force."))
        return redirect("personal_data:me")
    if request.method == "POST":
        try:
            leave_body(position=position, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("You have left %(body)s.") % {"body": position.body.name})
        return redirect("personal_data:me")
    return render(request, "organisations/position_leave.html", {"position": position})


@login_required
@never_cache
def membership_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """Leave an organisation: the membership and the places in it and below it end now."""
    today = timezone.localdate()
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=pk, person=request.user
    )
    if membership.ends_on and membership.ends_on < today:
        messages.info(request, _("That membership has already ended."))
        return redirect("personal_data:me")
    if request.method == "POST":
        try:
            leave_organisation(membership=membership, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You have left %(organisation)s.") % {"organisation": membership.organisation},
            )
        return redirect("personal_data:me")
    positions = list(positions_below(membership, today))
    remaining = (
        positions_held(request.user, today)
        .exclude(pk__in=[p.pk for p in positions])
        .select_related("body__organisation")
        .order_by("body__organisation__name", "body__name")
    )
    return render(
        request,
        "organisations/membership_leave.html",
        {"membership": membership, "positions": positions, "remaining": remaining},
    )
