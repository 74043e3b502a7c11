"""The activity log of an organisation and everything below it, for its admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from organisations.models import Organisation
from organisations.params import choice_param
from organisations.permissions import can_manage_organisation, require_in
from organisations.selectors import organisation_with_ancestors

from .models import Activity

# Who holds which right, and the tree those rights live in: the entries an
# audit of access looks for first.
RIGHTS_PREFIXES = (
    "membership.",
    "position.",
    "admin.",
    "invitation.",
    "organisation.",
    "body.",
    "register.",
    "person.",
)
LOG_KINDS = {
    "rights": _("Rights and people"),
    "plans": _("Plans and progress"),
    "all": _("Everything"),
}


def _rights() -> Q:
    condition = Q()
    for prefix in RIGHTS_PREFIXES:
        condition |= Q(action__startswith=prefix)
    return condition


def subtree_log(organisation: Organisation, kind: str = "all") -> QuerySet[Activity]:
    """Entries of the organisation and every organisation below it, newest first."""
    subtree = Organisation.objects.descendants(organisation, include_self=True)
    entries = Activity.objects.filter(organisation__in=subtree.values("pk"))
    if kind == "rights":
        entries = entries.filter(_rights())
    elif kind == "plans":
        entries = entries.exclude(_rights())
    return entries.select_related("organisation", "actor", "plan", "target_type").order_by(
        "-created_at", "-pk"
    )


@login_required
@never_cache
def organisation_log(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_manage_organisation(request.user, organisation))
    kind = choice_param(request.GET.get("kind"), LOG_KINDS, "all")
    page = Paginator(subtree_log(organisation, kind), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/organisation_log.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "page": page,
            "kind": kind,
            "kinds": LOG_KINDS.items(),
        },
    )
