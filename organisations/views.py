from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .accounts import person_language_set
from .models import Organisation, OrganisationKind, Position
from .permissions import (
    can_manage_organisation,
    can_read_members_content,
    can_write_plans,
)
from .selectors import children_of, organisation_with_ancestors, organisations_of


def home(request: HttpRequest) -> HttpResponse:
    """The person's start page; goals and calendar_app add their panels (template tags)."""
    user = request.user
    if not user.is_authenticated:
        parties = Organisation.objects.filter(parent=None).order_by("name")
        return render(request, "home_anonymous.html", {"parties": parties})
    return render(request, "home.html", {"organisations": organisations_of(user)})


def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every party's tree, in tree order."""
    organisations = Organisation.objects.with_tree_fields().order_siblings_by("name")
    return render(request, "organisations/list.html", {"organisations": organisations})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An organisation's page; plans and calendar_app add their panels (template tags)."""
    organisation, ancestors = organisation_with_ancestors(slug)
    members_view = can_read_members_content(request.user, organisation)
    bodies = organisation.bodies.order_by("kind", "name")
    if members_view:
        # Names of people in bodies are for members only; the page shows who holds them today.
        bodies = bodies.prefetch_related(
            Prefetch("positions", queryset=Position.objects.in_force().select_related("person"))
        )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "bodies": bodies,
            "show_people": members_view,
            "children": children_of(organisation),
            "today": timezone.localdate(),
            "is_party": organisation.kind == OrganisationKind.NATIONAL,
            "can_write_plans": can_write_plans(request.user, organisation.pk),
            "can_manage": can_manage_organisation(request.user, organisation),
        },
    )


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a logged-in person keeps it for their emails too."""
    response = set_language(request)
    if request.user.is_authenticated:
        person_language_set(person=request.user, language=request.POST.get("language", ""))
    return response
