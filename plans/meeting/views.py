"""Pages of the meeting: propose, numbered lines, amendments, recommendations, votes, merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from goals.models import Goal, Measure
from organisations.generations import names_generation
from organisations.permissions import (
    LoginRequired,
    can_manage_plan_lifecycle,
    can_recommend_on_amendments,
    can_record_votes,
    can_see_people,
    can_submit_amendment,
    get_visible_or_404,
    require,
)
from organisations.selectors import ancestors_of

from ..editing import EditConflict
from ..models import Plan, PlanStatus
from ..page_cache import plan_stamp, reader_validator
from ..views import visible_plan
from . import documents
from .forms import AmendmentForm, ProposeForm, RecommendForm
from .lines import first_line_of
from .models import Amendment, Proposal
from .services import (
    amendment_recommend,
    amendment_submit,
    amendment_update,
    amendment_withdraw,
    bodies_of,
    branches_of,
    plan_propose_to_meeting,
)


def _posted(request: HttpRequest):
    """The form data of a POST, even an empty one (so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def _crumbs(plan: Plan) -> list:
    return [*ancestors_of(plan.organisation), plan.organisation]


def proposal_of(request: HttpRequest, pk: int) -> Proposal:
    """The proposal of a plan the person may read; 404 when it was never proposed.

    Fetched once per request (a download's validator and the download read the same).
    """
    if request.method == "GET":
        cached = request.__dict__.setdefault("_proposals", {})
        if pk not in cached:
            cached[pk] = _proposal_of(request, pk)
        return cached[pk]
    return _proposal_of(request, pk)


def _proposal_of(request: HttpRequest, pk: int) -> Proposal:
    plan = visible_plan(request, pk)
    proposal = Proposal.objects.filter(plan=plan).select_related("meeting", "drafting_committee")
    proposal = proposal.first()
    if proposal is None:
        raise Http404
    proposal.plan = plan
    return proposal


def visible_amendment(request: HttpRequest, pk: int) -> Amendment:
    amendments = Amendment.objects.filter(
        proposal__plan__in=Plan.objects.visible_to(request.user)
    ).select_related("proposal__plan__organisation", "proposal__meeting")
    return get_visible_or_404(request, amendments, pk=pk)


def in_line_order(proposal: Proposal, amendments) -> list[Amendment]:
    """Amendments as the booklet lists them: by the first line they touch, then number."""

    def line(amendment: Amendment) -> int:
        if amendment.first_line:
            return amendment.first_line
        return first_line_of(proposal.lines, amendment.item_kind, amendment.item_id) or 10**9

    return sorted(amendments, key=lambda a: (line(a), a.number))


def sender_label(amendment: Amendment, show_people: bool) -> str:
    """Who sent it: the branch or body, and the person's name only for members."""
    person = amendment.submitter.name if show_people and amendment.submitter else ""
    group = amendment.for_organisation or amendment.for_body
    if group is not None:
        return f"{group.name} ({person})" if person else group.name
    return person or _("A member")


def _rights(request: HttpRequest, proposal: Proposal) -> dict:
    plan = proposal.plan
    user = request.user
    return {
        "can_submit": proposal.is_open and can_submit_amendment(user, plan.organisation_id),
        "can_recommend": plan.status == PlanStatus.PROPOSED
        and can_recommend_on_amendments(user, plan.organisation_id, proposal.drafting_committee_id),
        "can_vote": plan.status == PlanStatus.PROPOSED and can_record_votes(user, plan),
        "show_people": can_see_people(user, plan.organisation_id),
    }


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    plan = visible_plan(request, pk)
    require(can_manage_plan_lifecycle(request.user, plan))
    if plan.status != PlanStatus.DRAFT:
        messages.error(request, _("Only a draft can be proposed."))
        return redirect(plan.get_absolute_url())
    form = ProposeForm(_posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            plan_propose_to_meeting(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The plan is proposed: its text and line numbers are fixed.")
            )
            return redirect(plan.get_absolute_url())
    return render(
        request,
        "plans/meeting/propose.html",
        {"plan": plan, "form": form, "ancestors": _crumbs(plan)},
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def numbered_lines(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_of(request, pk)
    return render(
        request,
        "plans/meeting/lines.html",
        {"plan": proposal.plan, "proposal": proposal, "ancestors": _crumbs(proposal.plan)},
    )


def _pdf(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slugify(name)}.pdf"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _paper_etag(booklet: bool):
    """The papers change with the plan (its log), the amendments and the names they show."""

    def etag(request: HttpRequest, pk: int) -> str | None:
        if "_paper_etag" in request.__dict__:
            return request._paper_etag
        try:
            proposal = proposal_of(request, pk)
        except (Http404, LoginRequired):
            return None  # the view answers
        parts = [str(proposal.pk), plan_stamp(proposal.plan), names_generation()]
        if booklet:
            summary = proposal.amendments.aggregate(latest=Max("updated_at"), count=Count("id"))
            parts += [str(summary["latest"]), str(summary["count"])]
            parts.append(str(can_see_people(request.user, proposal.plan.organisation_id)))
        request._paper_etag = reader_validator(request, *parts)
        return request._paper_etag

    return etag


def _cached_pdf(request: HttpRequest, render) -> bytes:
    etag = request.__dict__.get("_paper_etag") or ""
    key = f"meeting-pdf:{etag}" if etag else None
    body = cache.get(key) if key else None
    if body is None:
        body = render()
        if key:
            cache.set(key, body, 60 * 60 * 24)
    return body


@condition(etag_func=_paper_etag(booklet=False))
def numbered_lines_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_of(request, pk)
    _paper_etag(booklet=False)(request, pk)
    body = _cached_pdf(request, lambda: documents.lines_pdf(proposal))
    return _pdf(body, f"{proposal.plan.organisation.slug} {proposal.plan.title} linjer")


@condition(etag_func=_paper_etag(booklet=True))
def booklet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_of(request, pk)
    show_people = can_see_people(request.user, proposal.plan.organisation_id)
    _paper_etag(booklet=True)(request, pk)
    body = _cached_pdf(request, lambda: documents.booklet_pdf(proposal, show_people=show_people))
    return _pdf(body, f"{proposal.plan.organisation.slug} {proposal.plan.title} forslagshefte")


def _amendments(proposal: Proposal):
    return proposal.amendments.select_related("submitter", "for_organisation", "for_body").order_by(
        "number"
    )


def amendment_list(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_of(request, pk)
    rights = _rights(request, proposal)
    amendments = in_line_order(proposal, _amendments(proposal))
    for amendment in amendments:
        amendment.sender = sender_label(amendment, rights["show_people"])
        amendment.is_mine = amendment.submitter_id == request.user.pk
    return render(
        request,
        "plans/meeting/amendments.html",
        {
            "plan": proposal.plan,
            "proposal": proposal,
            "amendments": amendments,
            "ancestors": _crumbs(proposal.plan),
            **rights,
        },
    )


def _senders(proposal: Proposal, person) -> list[tuple[str, str]]:
    organisation = proposal.plan.organisation
    senders = [("self", _("Myself"))] if proposal.from_members else []
    if proposal.from_branches:
        senders += [
            (f"org-{o.pk}", _("On behalf of %(name)s") % {"name": o.name})
            for o in branches_of(person, organisation)
        ]
    if proposal.from_bodies:
        senders += [
            (f"body-{b.pk}", _("On behalf of %(name)s") % {"name": b.name})
            for b in bodies_of(person, organisation)
        ]
    return senders


def _items(plan: Plan) -> list[tuple[str, str]]:
    goals = Goal.objects.filter(plan=plan).order_by("section__order", "order", "pk")
    measures = Measure.objects.filter(goal__plan=plan).order_by("order", "pk")
    by_goal: dict[int, list[Measure]] = {}
    for measure in measures.only("pk", "goal_id", "text"):
        by_goal.setdefault(measure.goal_id, []).append(measure)
    items = []
    for goal in goals.only("pk", "code", "title"):
        items.append((f"goal-{goal.pk}", str(goal)[:90]))
        items += [(f"measure-{m.pk}", f"– {str(m)[:86]}") for m in by_goal.get(goal.pk, [])]
    return items


def _values(form: AmendmentForm, plan: Plan) -> dict:
    data = dict(form.cleaned_data)
    kind, _sep, pk = (data.pop("item") or "").partition("-")
    data["goal"] = Goal.objects.filter(plan=plan, pk=pk).first() if kind == "goal" else None
    data["measure"] = (
        Measure.objects.filter(goal__plan=plan, pk=pk).first() if kind == "measure" else None
    )
    if kind and data["goal"] is None and data["measure"] is None:
        raise ValidationError(_("Choose a goal or measure of this plan."))
    return data


def _sender(value: str, proposal: Proposal, person) -> dict:
    kind, _sep, pk = value.partition("-")
    if kind == "org":
        found = [o for o in branches_of(person, proposal.plan.organisation) if str(o.pk) == pk]
        return {"for_organisation": found[0] if found else None}
    if kind == "body":
        found = [b for b in bodies_of(person, proposal.plan.organisation) if str(b.pk) == pk]
        return {"for_body": found[0] if found else None}
    return {}


def _amendment_form_page(request, proposal, form, amendment=None) -> HttpResponse:
    return render(
        request,
        "plans/meeting/amendment_form.html",
        {
            "plan": proposal.plan,
            "proposal": proposal,
            "form": form,
            "amendment": amendment,
            "ancestors": _crumbs(proposal.plan),
        },
    )


@login_required
def amendment_new(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_of(request, pk)
    plan = proposal.plan
    require(can_submit_amendment(request.user, plan.organisation_id))
    senders = _senders(proposal, request.user)
    form = AmendmentForm(_posted(request), senders=senders, items=_items(plan))
    if not proposal.is_open:
        form.add_error(None, _closed_message(proposal))
    elif request.method == "POST" and form.is_valid():
        try:
            amendment = amendment_submit(
                proposal=proposal,
                by=request.user,
                values=_values(form, plan),
                **_sender(form.cleaned_data["sender"], proposal, request.user),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Amendment %(number)s is sent.") % {"number": amendment.number}
            )
            return redirect(reverse("plans:amendments", args=[plan.pk]) + f"#a{amendment.number}")
    return _amendment_form_page(request, proposal, form)


def _closed_message(proposal: Proposal) -> str:
    if proposal.plan.status != PlanStatus.PROPOSED:
        return _("The plan is not proposed to a meeting: it takes no amendments.")
    return _("The deadline for amendments was %(date)s: no more can be sent or changed.") % {
        "date": proposal.deadline.strftime("%d.%m.%Y")
    }


def _initial(amendment: Amendment) -> dict:
    if amendment.for_organisation_id:
        sender = f"org-{amendment.for_organisation_id}"
    elif amendment.for_body_id:
        sender = f"body-{amendment.for_body_id}"
    else:
        sender = "self"
    item = ""
    if amendment.first_line is None:
        item = f"{amendment.item_kind}-{amendment.item_id}"
    return {
        "revision": amendment.revision,
        "sender": sender,
        "action": amendment.action,
        "first_line": amendment.first_line,
        "last_line": amendment.last_line,
        "item": item,
        "text": amendment.text,
        "justification": amendment.justification,
    }


@login_required
def amendment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = visible_amendment(request, pk)
    proposal = proposal_of(request, amendment.proposal.plan_id)
    require(amendment.submitter_id == request.user.pk and not amendment.withdrawn_at)
    form = AmendmentForm(
        _posted(request),
        senders=[("self", _("As sent"))],
        items=_items(proposal.plan),
        initial=_initial(amendment),
    )
    if not proposal.is_open:
        form.add_error(None, _closed_message(proposal))
    elif request.method == "POST" and form.is_valid():
        try:
            amendment_update(
                amendment=amendment,
                expected_revision=form.cleaned_data["revision"] or 0,
                values=_values(form, proposal.plan),
                by=request.user,
            )
        except EditConflict:
            form.add_error(None, _("The amendment was changed in another window. Reload it."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The amendment is saved."))
            return redirect(reverse("plans:amendments", args=[proposal.plan.pk]))
    return _amendment_form_page(request, proposal, form, amendment)


@login_required
def amendment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = visible_amendment(request, pk)
    plan = amendment.proposal.plan
    require(amendment.submitter_id == request.user.pk)
    if request.method == "POST":
        try:
            amendment_withdraw(amendment=amendment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The amendment is withdrawn."))
        return redirect(reverse("plans:amendments", args=[plan.pk]))
    return render(
        request,
        "plans/meeting/withdraw.html",
        {"plan": plan, "amendment": amendment, "ancestors": _crumbs(plan)},
    )


@login_required
def amendment_recommend_view(request: HttpRequest, pk: int) -> HttpResponse:
    amendment = visible_amendment(request, pk)
    proposal = proposal_of(request, amendment.proposal.plan_id)
    plan = proposal.plan
    require(
        can_recommend_on_amendments(
            request.user, plan.organisation_id, proposal.drafting_committee_id
        )
    )
    form = RecommendForm(
        _posted(request),
        initial={
            "revision": amendment.revision,
            "recommendation": amendment.recommendation,
            "reworded_text": amendment.reworded_text,
            "reason": amendment.recommendation_reason,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            amendment_recommend(
                amendment=amendment,
                expected_revision=form.cleaned_data["revision"],
                recommendation=form.cleaned_data["recommendation"],
                reworded_text=form.cleaned_data["reworded_text"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except EditConflict:
            form.add_error(None, _("Someone else recorded a recommendation meanwhile. Reload."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The recommendation on amendment %(number)s is saved.")
                % {"number": amendment.number},
            )
            return redirect(reverse("plans:amendments", args=[plan.pk]) + f"#a{amendment.number}")
    amendment.sender = sender_label(amendment, can_see_people(request.user, plan.organisation_id))
    return render(
        request,
        "plans/meeting/recommend.html",
        {"plan": plan, "amendment": amendment, "form": form, "ancestors": _crumbs(plan)},
    )
