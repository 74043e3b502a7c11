from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.permissions import (
    can_edit_plan,
    can_manage_plan_lifecycle,
    get_visible_or_404,
)
from organisations.selectors import ancestors_of

from .models import Plan
from .selectors import plan_document


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(
        request,
        Plan.objects.visible_to(request.user).select_related(
            "organisation", "adopted_by", "implements__organisation", "previous_version"
        ),
        pk=pk,
    )
    cycle = plan.cycle_entries.order_by("month", "day", "pk")
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
            "document": plan_document(plan),
            "cycle": cycle,
            "can_edit": can_edit_plan(request.user, plan),
            "can_manage": can_manage_plan_lifecycle(request.user, plan),
        },
    )
