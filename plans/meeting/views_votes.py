"""The meeting itself: the secretary records the votes, then merges and adopts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organisations.permissions import can_record_votes, can_see_people, require

from ..models import PlanStatus
from .forms import MergeAdoptForm
from .merge import merge_of, proposal_adopt
from .models import Outcome, Proposal
from .services import amendment_vote, last_vote
from .views import (
    _add_errors,
    _amendments,
    _crumbs,
    _posted,
    in_line_order,
    proposal_of,
    sender_label,
)

VOTE_CHOICES = [
    (Outcome.ADOPTED, "1"),
    (Outcome.ADOPTED_REWORDED, "2"),
    (Outcome.FELL, "3"),
    (Outcome.WITHDRAWN, "4"),
    (Outcome.REFERRED, "5"),
]


@login_required
def votes(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting secretary's page: one amendment after another, a key for each outcome."""
    proposal = proposal_of(request, pk)
    plan = proposal.plan
    require(can_record_votes(request.user, plan))
    if request.method == "POST":
        return _record_vote(request, proposal)
    amendments = [a for a in in_line_order(proposal, _amendments(proposal)) if not a.withdrawn_at]
    show_people = can_see_people(request.user, plan.organisation_id)
    for amendment in amendments:
        amendment.sender = sender_label(amendment, show_people)
    current = next((a for a in amendments if not a.outcome), None)
    return render(
        request,
        "plans/meeting/votes.html",
        {
            "plan": plan,
            "proposal": proposal,
            "amendments": amendments,
            "current": current,
            "last": last_vote(proposal),
            "outcomes": [(value, Outcome(value).label, key) for value, key in VOTE_CHOICES],
            "open": plan.status == PlanStatus.PROPOSED,
            "ancestors": _crumbs(plan),
        },
    )


def _record_vote(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    url = reverse("plans:votes", args=[proposal.plan.pk])
    if "undo" in request.POST:
        amendment = last_vote(proposal)
        outcome = ""
    else:
        number = request.POST.get("amendment", "")
        amendment = proposal.amendments.filter(
            number=int(number) if number.isdigit() and len(number) < 9 else 0
        ).first()
        outcome = request.POST.get("outcome", "")
    if amendment is None:
        messages.error(request, _("There is no such amendment, or no vote to undo."))
        return redirect(url)
    try:
        amendment_vote(amendment=amendment, outcome=outcome, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if outcome:
            messages.success(
                request,
                _("Amendment %(number)s: %(outcome)s.")
                % {"number": amendment.number, "outcome": Outcome(outcome).label.lower()},
            )
        else:
            messages.success(
                request,
                _("The vote on amendment %(number)s is undone.") % {"number": amendment.number},
            )
    return redirect(url)


@login_required
def merge_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """The merged text with its changes marked; conflicts chosen; then the adoption."""
    proposal = proposal_of(request, pk)
    plan = proposal.plan
    require(can_record_votes(request.user, plan))
    if plan.status != PlanStatus.PROPOSED:
        messages.error(
            request, _("The plan is no longer proposed: someone has adopted it already.")
        )
        return redirect(plan.get_absolute_url())
    merge = merge_of(proposal)
    form = MergeAdoptForm(_posted(request), conflicts=merge.conflicts)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_adopt(
                proposal=proposal,
                on=form.cleaned_data["on"],
                choices=form.choices(),
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The adoption is recorded. The text can no longer change."))
            return redirect(plan.get_absolute_url())
    show_people = can_see_people(request.user, plan.organisation_id)
    for conflict in merge.conflicts:
        conflict.field = form[f"conflict-{conflict.ref}"]
        for amendment in conflict.amendments:
            amendment.sender = sender_label(amendment, show_people)
    return render(
        request,
        "plans/meeting/merge.html",
        {
            "plan": plan,
            "proposal": proposal,
            "merge": merge,
            "form": form,
            "ancestors": _crumbs(plan),
        },
    )
