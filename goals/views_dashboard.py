"""The organisation dashboard: its plans' progress and the progress of the organisations below."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from organisations.permissions import can_read_members_content, require_in
from organisations.selectors import organisation_with_ancestors

from .dashboard import build_dashboard


@login_required
def organisation_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_read_members_content(request.user, organisation))
    dashboard = build_dashboard(request.user, organisation, timezone.localdate())
    return render(
        request,
        "goals/dashboard.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "dashboard": dashboard,
        },
    )
