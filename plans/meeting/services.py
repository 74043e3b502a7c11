"""Writes of the meeting: proposing to it, amendments, recommendations and votes."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Body, BodyKind, Organisation
from organisations.permissions import (
    can_submit_amendment,
    memberships_in_force,
    positions_in_force,
)

from ..activity import plan_activity
from ..editing import EditConflict
from ..models import Plan, PlanStatus, Visibility
from .lines import cited_span, plan_lines
from .models import Amendment, AmendmentAction, Outcome, Proposal, Recommendation

TEXT_ACTIONS = (AmendmentAction.REPLACE, AmendmentAction.ADD_AFTER)


def _meeting_event(proposal: Proposal, *, public: bool, by):
    """The meeting on the organisation's calendar, with the deadline for amendments."""
    from calendar_app.models import EventVisibility
    from calendar_app.services import event_create, event_update

    organisation = proposal.plan.organisation
    starts = timezone.make_aware(
        datetime.combine(proposal.meeting_on, time(0, 0)), organisation.zoneinfo
    )
    values = {
        "title": f"{proposal.meeting.name}: {proposal.plan.title}"[:200],
        "starts_at": starts,
        "all_day": True,
        "description": _("Amendments to the proposal by %(date)s.")
        % {"date": proposal.deadline.strftime("%d.%m.%Y")},
        "visibility": EventVisibility.PUBLIC if public else EventVisibility.MEMBERS,
    }
    if proposal.event_id:
        return event_update(event=proposal.event, by=by, **values)
    return event_create(organisation=organisation, by=by, is_annual_meeting=True, **values)


def _check_meeting(
    plan: Plan, meeting: Body, meeting_on: date, deadline: date, committee: Body | None
) -> None:
    errors = {}
    if meeting.organisation_id != plan.organisation_id or meeting.kind != BodyKind.MEETING:
        errors["meeting"] = _("Choose a meeting of the plan's organisation.")
    if committee is not None and committee.organisation_id != plan.organisation_id:
        errors["drafting_committee"] = _("The committee must belong to the plan's organisation.")
    today = timezone.localdate()
    if meeting_on < today:
        errors["meeting_on"] = _("The meeting cannot be in the past.")
    if deadline < today:
        errors["deadline"] = _("The deadline cannot be in the past.")
    elif deadline > meeting_on:
        errors["deadline"] = _("The deadline must be on or before the day of the meeting.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_propose_to_meeting(
    *,
    plan: Plan,
    meeting: Body,
    meeting_on: date,
    deadline: date,
    drafting_committee: Body | None = None,
    from_members: bool = True,
    from_branches: bool = True,
    from_bodies: bool = True,
    public: bool = False,
    by,
) -> Proposal:
    """Propose the draft to a meeting: the text freezes and its line numbers are fixed."""
    from ..services import plan_propose

    _check_meeting(plan, meeting, meeting_on, deadline, drafting_committee)
    plan = plan_propose(plan=plan, by=by, public=public)
    proposal, _created = Proposal.objects.update_or_create(
        plan=plan,
        defaults={
            "meeting": meeting,
            "meeting_on": meeting_on,
            "deadline": deadline,
            "drafting_committee": drafting_committee,
            "from_members": from_members,
            "from_branches": from_branches,
            "from_bodies": from_bodies,
            "lines": plan_lines(plan),
        },
    )
    public = public and plan.visibility == Visibility.PUBLIC
    proposal.event = _meeting_event(proposal, public=public, by=by)
    proposal.save(update_fields=["event"])
    return proposal


@transaction.atomic
def proposal_withdraw(*, plan: Plan, by) -> Plan:
    """Take the proposal back to draft; the meeting leaves the calendar."""
    from calendar_app.models import EventStatus
    from calendar_app.services import event_cancel

    from ..services import plan_withdraw

    plan = plan_withdraw(plan=plan, by=by)
    proposal = Proposal.objects.filter(plan=plan).select_related("event").first()
    if proposal and proposal.event and proposal.event.status != EventStatus.CANCELLED:
        event_cancel(event=proposal.event, by=by)
    return plan


# Who may submit, and for whom.


def branches_of(person, organisation: Organisation) -> list[Organisation]:
    """The organisations below ``organisation`` the person belongs to, for "on behalf of"."""
    below = organisation.descendants().values_list("pk", flat=True)
    member_of = memberships_in_force().filter(person=person, organisation__in=below)
    board_of = positions_in_force().filter(person=person, body__organisation__in=below)
    ids = set(member_of.values_list("organisation_id", flat=True))
    ids |= set(board_of.values_list("body__organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def bodies_of(person, organisation: Organisation) -> list[Body]:
    """The bodies of the organisation or below in which the person sits."""
    below = [organisation.pk, *organisation.descendants().values_list("pk", flat=True)]
    ids = positions_in_force().filter(person=person, body__organisation__in=below)
    return list(
        Body.objects.filter(pk__in=ids.values_list("body_id", flat=True))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def ensure_open(proposal: Proposal) -> None:
    if proposal.plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("The plan is not proposed to a meeting: it takes no amendments."))
    if timezone.localdate() > proposal.deadline:
        raise ValidationError(
            _("The deadline for amendments was %(date)s: no more can be sent or changed.")
            % {"date": proposal.deadline.strftime("%d.%m.%Y")}
        )


def _check_sender(proposal: Proposal, person, for_organisation, for_body) -> None:
    organisation = proposal.plan.organisation
    if not can_submit_amendment(person, organisation.pk):
        raise ValidationError(
            _("Only members of %(name)s may amend its proposals.") % {"name": organisation.name}
        )
    if for_organisation is not None:
        if not proposal.from_branches:
            raise ValidationError(_("This proposal takes no amendments from branches."))
        if for_organisation not in branches_of(person, organisation):
            raise ValidationError(_("You can only send amendments for a branch you belong to."))
    elif for_body is not None:
        if not proposal.from_bodies:
            raise ValidationError(_("This proposal takes no amendments from bodies."))
        if for_body not in bodies_of(person, organisation):
            raise ValidationError(_("You can only send amendments for a body you sit in."))
    elif not proposal.from_members:
        raise ValidationError(
            _("This proposal takes amendments from branches and bodies, not from single members.")
        )


def _resolve_target(proposal: Proposal, values: dict) -> dict:
    """Where the amendment applies: the cited lines, or the chosen goal or measure."""
    action = values["action"]
    first, last = values.get("first_line"), values.get("last_line")
    goal, measure = values.get("goal"), values.get("measure")
    if first is not None:
        span = cited_span(proposal.lines, first, last if last is not None else first)
        if action in (AmendmentAction.NEW_MEASURE,) and span["kind"] not in ("goal", "measure"):
            raise ValidationError(_("A new measure comes after a goal or a measure: cite one."))
    elif measure is not None or goal is not None:
        item = measure if measure is not None else goal
        plan_id = measure.goal.plan_id if measure is not None else goal.plan_id
        if plan_id != proposal.plan_id:
            raise ValidationError(_("Choose a goal or measure of this plan."))
        field = "text" if measure is not None else "title"
        text = getattr(item, field)
        span = {
            "kind": "measure" if measure is not None else "goal",
            "id": item.pk,
            "key": str(item.key),
            "field": field,
            "start": 0,
            "end": len(text),
        }
    else:
        raise ValidationError(_("Say what the amendment changes: the lines, a goal or a measure."))
    if action != AmendmentAction.DELETE and not (values.get("text") or "").strip():
        raise ValidationError({"text": _("Write the text you propose.")})
    return span


def _item_text(span: dict) -> str:
    from goals.models import Goal, Measure

    from ..models import Section

    model = {"plan": Plan, "section": Section, "goal": Goal, "measure": Measure}[span["kind"]]
    text = model.objects.filter(pk=span["id"]).values_list(span["field"], flat=True).first()
    return (text or "")[span["start"] : span["end"]]


def _target_fields(span: dict, values: dict) -> dict:
    return {
        "action": values["action"],
        "first_line": values.get("first_line"),
        "last_line": values.get("last_line") or values.get("first_line"),
        "goal": values.get("goal"),
        "measure": values.get("measure"),
        "item_kind": span["kind"],
        "item_id": span["id"],
        "item_key": span["key"] or None,
        "item_field": span["field"],
        "span_start": span["start"],
        "span_end": span["end"],
        "cited_text": _item_text(span),
        "text": (values.get("text") or "").strip(),
        "justification": (values.get("justification") or "").strip(),
    }


@transaction.atomic
def amendment_submit(
    *,
    proposal: Proposal,
    by,
    values: dict,
    for_organisation: Organisation | None = None,
    for_body: Body | None = None,
) -> Amendment:
    """A member's amendment, numbered in the order they come in."""
    proposal = (
        Proposal.objects.select_for_update()
        .select_related("plan__organisation")
        .get(pk=proposal.pk)
    )
    ensure_open(proposal)
    _check_sender(proposal, by, for_organisation, for_body)
    fields = _target_fields(_resolve_target(proposal, values), values)
    number = (proposal.amendments.aggregate(n=Max("number"))["n"] or 0) + 1
    amendment = Amendment.objects.create(
        proposal=proposal,
        number=number,
        submitter=by,
        for_organisation=for_organisation,
        for_body=for_body,
        **fields,
    )
    plan_activity(
        plan=proposal.plan,
        by=by,
        action="amendment.submit",
        target=amendment,
        summary=_("Amendment %(number)s") % {"number": number},
    )
    return amendment


def _locked(amendment: Amendment, expected_revision: int | None) -> Amendment:
    current = (
        Amendment.objects.select_for_update()
        .select_related("proposal__plan__organisation")
        .get(pk=amendment.pk)
    )
    if expected_revision is not None and current.revision != expected_revision:
        raise EditConflict(current)
    return current


def _ensure_own(amendment: Amendment, by) -> None:
    if amendment.submitter_id != getattr(by, "pk", None):
        raise ValidationError(_("Only the person who sent the amendment may change it."))
    if amendment.withdrawn_at:
        raise ValidationError(_("The amendment is withdrawn."))


@transaction.atomic
def amendment_update(
    *, amendment: Amendment, expected_revision: int, values: dict, by
) -> Amendment:
    amendment = _locked(amendment, expected_revision)
    proposal = amendment.proposal
    ensure_open(proposal)
    _ensure_own(amendment, by)
    for name, value in _target_fields(_resolve_target(proposal, values), values).items():
        setattr(amendment, name, value)
    amendment.revision += 1
    amendment.save()
    plan_activity(
        plan=proposal.plan,
        by=by,
        action="amendment.update",
        target=amendment,
        summary=_("Amendment %(number)s") % {"number": amendment.number},
    )
    return amendment


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, by) -> Amendment:
    amendment = _locked(amendment, None)
    ensure_open(amendment.proposal)
    _ensure_own(amendment, by)
    amendment.withdrawn_at = timezone.now()
    amendment.revision += 1
    amendment.save(update_fields=["withdrawn_at", "revision", "updated_at"])
    plan_activity(
        plan=amendment.proposal.plan,
        by=by,
        action="amendment.withdraw",
        target=amendment,
        summary=_("Amendment %(number)s") % {"number": amendment.number},
    )
    return amendment


def _ensure_proposed(amendment: Amendment) -> None:
    if amendment.proposal.plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("The meeting is over: the plan is no longer proposed."))
    if amendment.withdrawn_at:
        raise ValidationError(_("The amendment was withdrawn by the person who sent it."))


@transaction.atomic
def amendment_recommend(
    *,
    amendment: Amendment,
    expected_revision: int,
    recommendation: str,
    reworded_text: str = "",
    reason: str = "",
    by,
) -> Amendment:
    """The drafting committee's recommendation (innstilling) on one amendment."""
    amendment = _locked(amendment, expected_revision)
    _ensure_proposed(amendment)
    if recommendation not in Recommendation.values:
        raise ValidationError(_("Choose a recommendation."))
    reworded_text = reworded_text.strip()
    if recommendation == Recommendation.REWORDED and not reworded_text:
        raise ValidationError({"reworded_text": _("Write the reworded text.")})
    old = amendment.recommendation
    amendment.recommendation = recommendation
    amendment.reworded_text = reworded_text if recommendation == Recommendation.REWORDED else ""
    amendment.recommendation_reason = reason.strip()
    amendment.revision += 1
    amendment.save()
    plan_activity(
        plan=amendment.proposal.plan,
        by=by,
        action="amendment.recommend",
        target=amendment,
        summary=_("Amendment %(number)s") % {"number": amendment.number},
        changes={"recommendation": [old, recommendation]},
    )
    return amendment


@transaction.atomic
def amendment_vote(*, amendment: Amendment, outcome: str, by) -> Amendment:
    """What the meeting decided on one amendment; an empty outcome undoes the vote."""
    amendment = _locked(amendment, None)
    _ensure_proposed(amendment)
    if outcome and outcome not in Outcome.values:
        raise ValidationError(_("Choose what the meeting decided."))
    if outcome == Outcome.ADOPTED_REWORDED and not amendment.reworded_text:
        raise ValidationError(_("There is no reworded text to adopt; record it as adopted."))
    old = amendment.outcome
    amendment.outcome = outcome
    amendment.voted_at = timezone.now() if outcome else None
    amendment.revision += 1
    amendment.save(update_fields=["outcome", "voted_at", "revision", "updated_at"])
    plan_activity(
        plan=amendment.proposal.plan,
        by=by,
        action="amendment.vote" if outcome else "amendment.vote_undo",
        target=amendment,
        summary=_("Amendment %(number)s") % {"number": amendment.number},
        changes={"outcome": [old, outcome]},
    )
    return amendment


def last_vote(proposal: Proposal) -> Amendment | None:
    """The vote recorded last, for "undo"."""
    return (
        proposal.amendments.exclude(outcome="")
        .filter(voted_at__isnull=False)
        .order_by("-voted_at", "-pk")
        .first()
    )
