from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from calendar_app.selectors import upcoming_events
from goals.selectors import measures_responsible_for
from plans.models import Plan

from .dashboard import build_dashboard
from .models import Organisation, OrganisationKind, Position
from .permissions import (
    can_manage_organisation,
    can_read_members_content,
    can_write_plans,
    require_in,
)
from .selectors import children_of, organisation_with_ancestors, organisations_of
from .services import person_language_set


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        parties = Organisation.objects.filter(parent=None).order_by("name")
        return render(request, "home_anonymous.html", {"parties": parties})
    organisations = organisations_of(user)
    return render(
        request,
        "home.html",
        {
            "organisations": organisations,
            "measures": measures_responsible_for(user)[:20],
            "events": upcoming_events(user, organisations)[:10],
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every party's tree, in tree order."""
    organisations = Organisation.objects.with_tree_fields().order_siblings_by("name")
    return render(request, "organisations/list.html", {"organisations": organisations})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    members_view = can_read_members_content(request.user, organisation)
    bodies = organisation.bodies.order_by("kind", "name")
    if members_view:
        # Names of people in bodies are for members only; the page shows who holds them today.
        bodies = bodies.prefetch_related(
            Prefetch("positions", queryset=Position.objects.in_force().select_related("person"))
        )
    plans = (
        Plan.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .order_by("-last_year", "title")
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "bodies": bodies,
            "show_people": members_view,
            "plans": plans,
            "children": children_of(organisation),
            "events": upcoming_events(request.user, [organisation])[:5],
            "today": timezone.localdate(),
            "is_party": organisation.kind == OrganisationKind.NATIONAL,
            "can_write_plans": can_write_plans(request.user, organisation.pk),
            "can_manage": can_manage_organisation(request.user, organisation),
        },
    )


@login_required
def organisation_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_read_members_content(request.user, organisation))
    dashboard = build_dashboard(request.user, organisation, timezone.localdate())
    return render(
        request,
        "organisations/dashboard.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "dashboard": dashboard,
        },
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in person keeps it for their emails too."""
    response = set_language(request)
    if request.user.is_authenticated:
        person_language_set(person=request.user, language=request.POST.get("language", ""))
    return response
