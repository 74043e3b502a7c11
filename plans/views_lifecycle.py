"""Proposing, adopting, archiving, versions, copies, history and comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.params import MAX_ID, int_param
from organisations.permissions import (
    can_manage_plan_lifecycle,
    can_read_drafts,
    can_write_plans,
    get_visible_or_404,
    require,
)
from organisations.selectors import ancestors_of

from .compare import compare_plans
from .forms import AdoptForm
from .meeting.services import proposal_withdraw
from .meeting.views_votes import merge_adopt
from .models import Plan, PlanStatus, Proposal
from .services import (
    meetings_of,
    plan_adopt,
    plan_archive,
    plan_copy,
    plan_delete,
)
from .views import visible_plan


def _crumbs(plan: Plan) -> list:
    return [*ancestors_of(plan.organisation), plan.organisation]


def _status_change(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    plan = visible_plan(request, pk)
    require(can_manage_plan_lifecycle(request.user, plan))
    try:
        service(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(plan.get_absolute_url())


@login_required
@require_POST
def plan_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, proposal_withdraw, _("The plan is a draft again."))


@login_required
@require_POST
def plan_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, plan_archive, _("The plan is archived."))


@login_required
def plan_adopt_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the adoption; a plan proposed to a meeting first merges its amendments."""
    plan = visible_plan(request, pk)
    if Proposal.objects.filter(plan=plan).exists():
        return merge_adopt(request, pk)
    require(can_manage_plan_lifecycle(request.user, plan))
    form = AdoptForm(request.POST or None, meetings=meetings_of(plan.organisation))
    if plan.status != PlanStatus.PROPOSED:
        messages.error(request, _("Propose the plan to the meeting before recording its adoption."))
        return redirect(plan.get_absolute_url())
    if request.method == "POST" and form.is_valid():
        try:
            plan_adopt(
                plan=plan,
                meeting=form.cleaned_data["meeting"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The adoption is recorded. The text can no longer change."))
            return redirect(plan.get_absolute_url())
    return render(
        request, "plans/adopt.html", {"plan": plan, "form": form, "ancestors": _crumbs(plan)}
    )


def _copy(request: HttpRequest, pk: int, *, new_version: bool) -> HttpResponse:
    plan = visible_plan(request, pk)
    require(can_write_plans(request.user, plan.organisation_id))
    try:
        copy = plan_copy(plan=plan, by=request.user, new_version=new_version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan.get_absolute_url())
    messages.success(
        request,
        _("A new version was made as a draft.") if new_version else _("The plan was duplicated."),
    )
    return redirect(copy.get_edit_url())


@login_required
@require_POST
def plan_new_version_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy(request, pk, new_version=True)


@login_required
@require_POST
def plan_duplicate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _copy(request, pk, new_version=False)


@login_required
def plan_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    require(can_write_plans(request.user, plan.organisation_id))
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Only a draft can be deleted; an adopted plan is archived."))
        return redirect(plan.get_absolute_url())
    if request.method == "POST":
        organisation = plan.organisation
        plan_delete(plan=plan, by=request.user)
        messages.success(request, _("The plan was deleted."))
        return redirect(organisation.get_absolute_url())
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "plan": plan,
            "object": plan,
            "what": _("the whole draft plan"),
            "ancestors": _crumbs(plan),
        },
    )


@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    require(can_read_drafts(request.user, plan.organisation))
    entries = plan.activities.select_related("actor", "target_type").order_by("-created_at", "-pk")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request, "plans/history.html", {"plan": plan, "page": page, "ancestors": _crumbs(plan)}
    )


def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed between this plan and an earlier version (its previous one by default)."""
    from .compare import version_label

    plan = visible_plan(request, pk)
    other_pk = int_param(
        request.GET, "with", plan.previous_version_id, min_value=1, max_value=MAX_ID
    )
    versions = Plan.objects.visible_to(request.user).filter(organisation=plan.organisation)
    older = None
    if other_pk:
        older = get_visible_or_404(request, versions, pk=other_pk)
    changes = compare_plans(older, plan) if older else None
    # Versions share a title: each is named by its number and status date.
    choices = list(versions.exclude(pk=plan.pk).order_by("-created_at"))
    for version in [plan, *choices, *([older] if older else [])]:
        version.label = version_label(version)
    return render(
        request,
        "plans/compare.html",
        {
            "plan": plan,
            "older": older,
            "versions": choices,
            "changes": changes,
            "any_changes": any(change.has_changes for change in changes or []),
            "ancestors": _crumbs(plan),
        },
    )
