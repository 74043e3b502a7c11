"""Writes to plans: creation, settings, sections, the life cycle and copies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Body, BodyKind, Organisation
from organisations.signals import event_happened

from .activity import activity_record, plan_activity
from .editing import ensure_editable, move_in_order, revise
from .models import Plan, PlanStatus, Section, Visibility

PLAN_FIELDS = ("title", "kind", "first_year", "last_year", "language", "visibility", "preamble")


@transaction.atomic
def plan_create(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    first_year: int,
    last_year: int,
    language: str,
    visibility: str,
    preamble: str = "",
    implements: Plan | None = None,
    derived_goals: Iterable = (),
    by=None,
) -> Plan:
    """Create a draft; goals of the implemented plan are copied in with derived_from set."""
    from goals.services import goal_copy_derived

    plan = Plan(
        organisation=organisation,
        title=title,
        kind=kind,
        first_year=first_year,
        last_year=last_year,
        language=language,
        visibility=visibility,
        preamble=preamble,
        implements=implements,
    )
    plan.full_clean()
    plan.save()
    plan_activity(
        plan=plan,
        by=by,
        action="plan.create",
        target=plan,
        summary=title,
    )
    derived_goals = list(derived_goals)
    if derived_goals:
        if implements is None or any(g.plan_id != implements.pk for g in derived_goals):
            raise ValidationError(_("The chosen goals must belong to the implemented plan."))
        section = section_create(
            plan=plan,
            title=_("Goals from %(plan)s") % {"plan": implements.organisation.name},
            order=1,
            by=by,
        )
        for order, goal in enumerate(derived_goals, start=1):
            goal_copy_derived(source=goal, plan=plan, section=section, order=order, by=by)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, expected_revision: int, values: dict, by) -> Plan:
    ensure_editable(plan)
    candidate = Plan(
        **{**{f: getattr(plan, f) for f in PLAN_FIELDS}, **values}, organisation=plan.organisation
    )
    candidate.full_clean(exclude=["organisation", "adopted_by", "implements", "previous_version"])
    return revise(
        plan,
        plan=plan,
        expected_revision=expected_revision,
        values=values,
        by=by,
        action="plan.update",
    )


@transaction.atomic
def section_create(
    *, plan: Plan, title: str, intro: str = "", order: int | None = None, by=None
) -> Section:
    ensure_editable(plan)
    if order is None:
        order = (plan.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section = Section.objects.create(plan=plan, title=title, intro=intro, order=order)
    plan_activity(
        plan=plan,
        by=by,
        action="section.create",
        target=section,
        summary=title,
    )
    return section


@transaction.atomic
def section_update(*, section: Section, expected_revision: int, values: dict, by) -> Section:
    return revise(
        section,
        plan=section.plan,
        expected_revision=expected_revision,
        values=values,
        by=by,
        action="section.update",
    )


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    plan = section.plan
    ensure_editable(plan)
    plan_activity(
        plan=plan,
        by=by,
        action="section.delete",
        summary=section.title,
        changes={"title": [section.title, None], "goals": [section.goals.count(), 0]},
    )
    section.delete()


@transaction.atomic
def section_move(*, section: Section, direction: str, by) -> None:
    ensure_editable(section.plan)
    if move_in_order(section, section.plan.sections.all(), direction):
        plan_activity(
            plan=section.plan,
            by=by,
            action="section.move",
            target=section,
            summary=f"{section.title} ({direction})",
        )


def _set_status(plan: Plan, status: str, *, by, action: str, summary: str = "", **fields) -> Plan:
    old = plan.status
    plan.status = status
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.revision += 1
    plan.save(update_fields=["status", "revision", "updated_at", *fields])
    plan_activity(
        plan=plan,
        by=by,
        action=action,
        target=plan,
        summary=summary or plan.title,
        changes={"status": [old, status]},
    )
    return plan


def _locked(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("organisation").get(pk=plan.pk)


@transaction.atomic
def plan_propose(*, plan: Plan, by, public: bool = False) -> Plan:
    """Send the draft to the meeting: its structure is frozen from now on.

    The proposal is for the members; ``public`` shows a public plan to everyone already.
    """
    plan = _locked(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft can be proposed."))
    return _set_status(
        plan,
        PlanStatus.PROPOSED,
        by=by,
        action="plan.propose",
        proposed_at=timezone.now(),
        proposal_public=public and plan.visibility == Visibility.PUBLIC,
    )


@transaction.atomic
def plan_withdraw(*, plan: Plan, by) -> Plan:
    """Take a proposed plan back to draft, e.g. to work in the meeting's amendments."""
    plan = _locked(plan)
    if plan.status != PlanStatus.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be taken back to draft."))
    return _set_status(
        plan,
        PlanStatus.DRAFT,
        by=by,
        action="plan.withdraw",
        proposed_at=None,
        proposal_public=False,
    )


@transaction.atomic
def plan_adopt(*, plan: Plan, meeting: Body, on: date, by=None) -> Plan:
    """Record the adoption: the text is immutable from now on.

    A new version archives the adopted version it revises, in the same transaction,
    and takes over its progress (goals.carry).
    """
    from goals.carry import progress_carry_over

    plan = _locked(plan)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise ValidationError(_("Only a draft or proposed plan can be adopted."))
    if meeting.organisation_id != plan.organisation_id:
        raise ValidationError(_("The adopting body must belong to the plan's organisation."))
    if on > timezone.localdate():
        raise ValidationError(_("The adoption date cannot be in the future."))
    replaced = _replaced_version(plan)
    adopted = _set_status(
        plan,
        PlanStatus.ADOPTED,
        by=by,
        action="plan.adopt",
        summary=f"{meeting.name} {on.isoformat()}",
        adopted_by=meeting,
        adopted_on=on,
        proposed_at=plan.proposed_at or timezone.now(),
    )
    if replaced is not None:
        if replaced.status == PlanStatus.ADOPTED:
            _set_status(
                replaced,
                PlanStatus.ARCHIVED,
                by=by,
                action="plan.archive",
                summary=_("%(title)s, replaced by version %(number)s")
                % {"title": replaced.title, "number": plan.version},
                archived_at=timezone.now(),
                replaced_by=plan,
            )
        else:
            replaced.replaced_by = plan
            replaced.save(update_fields=["replaced_by", "updated_at"])
        progress_carry_over(old=replaced, new=plan)
    event_happened.send(
        sender=Plan,
        organisation=adopted.organisation,
        event="plan.adopted",
        data={
            "plan": adopted.pk,
            "title": adopted.title,
            "adopted_on": on,
            "visibility": adopted.visibility,
        },
    )
    return adopted


# A lineage of versions is short; the bound only guards against a cycle in bad data.
MAX_VERSIONS = 50


def _replaced_version(plan: Plan) -> Plan | None:
    """The version the plan takes the place of, locked: the nearest adopted one it revises.

    Without an adopted one, the version it was made from if that was archived and not
    yet replaced (its period ended before the new version was adopted).
    """
    seen = {plan.pk}
    current = plan
    first = None
    while current.previous_version_id and current.previous_version_id not in seen:
        if len(seen) > MAX_VERSIONS:
            break
        current = Plan.objects.select_for_update().get(pk=current.previous_version_id)
        seen.add(current.pk)
        if first is None:
            first = current
        if current.status == PlanStatus.ADOPTED:
            return current
    if first is not None and first.status == PlanStatus.ARCHIVED and first.replaced_by_id is None:
        return first
    return None


@transaction.atomic
def plan_archive(*, plan: Plan, by) -> Plan:
    plan = _locked(plan)
    if plan.status != PlanStatus.ADOPTED:
        raise ValidationError(_("Only an adopted plan can be archived."))
    return _set_status(
        plan, PlanStatus.ARCHIVED, by=by, action="plan.archive", archived_at=timezone.now()
    )


@transaction.atomic
def plan_copy(*, plan: Plan, by, new_version: bool) -> Plan:
    """A draft copy: a new version of an adopted plan, or a duplicate to start from."""
    from calendar_app.models import CycleEntry
    from goals.models import Measure
    from goals.services import goals_copy

    if new_version and plan.status not in (PlanStatus.ADOPTED, PlanStatus.ARCHIVED):
        raise ValidationError(_("Only an adopted plan gets new versions; edit the draft."))
    title = plan.title if new_version else _("Copy of %(title)s") % {"title": plan.title}
    copy = Plan.objects.create(
        organisation=plan.organisation,
        title=title[:200],
        kind=plan.kind,
        first_year=plan.first_year,
        last_year=plan.last_year,
        language=plan.language,
        visibility=plan.visibility,
        preamble=plan.preamble,
        implements=plan.implements,
        previous_version=plan if new_version else None,
        version=plan.version + 1 if new_version else 1,
    )
    sections = {}
    for section in plan.sections.order_by("order", "pk"):
        sections[section.pk] = Section.objects.create(
            plan=copy,
            title=section.title,
            intro=section.intro,
            order=section.order,
            key=section.key,
        )
    goals_copy(source=plan, target=copy, sections=sections)
    # A wheel entry that names a measure names the copy of that measure.
    copied_measures = dict(
        Measure.objects.filter(goal__plan=copy).order_by("-pk").values_list("key", "pk")
    )
    for entry in plan.cycle_entries.select_related("measure"):
        CycleEntry.objects.create(
            measure_id=copied_measures.get(entry.measure.key) if entry.measure else None,
            organisation=entry.organisation,
            plan=copy,
            title=entry.title,
            month=entry.month,
            end_month=entry.end_month,
            day=entry.day,
            when_text=entry.when_text,
            year_types=entry.year_types,
            years=entry.years,
            for_descendants=entry.for_descendants,
        )
    plan_activity(
        plan=copy,
        by=by,
        action="plan.new_version" if new_version else "plan.duplicate",
        target=copy,
        summary=plan.title,
        changes={"source": [None, plan.pk]},
    )
    return copy


@transaction.atomic
def plan_delete(*, plan: Plan, by) -> None:
    plan = _locked(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted; an adopted plan is archived."))
    activity_record(
        organisation=plan.organisation,
        actor=by,
        action="plan.delete",
        summary=plan.title,
        changes={"title": [plan.title, None]},
    )
    plan.delete()


def meetings_of(organisation: Organisation):
    """The bodies that can adopt a plan: meetings first, then boards."""
    return organisation.bodies.filter(kind__in=[BodyKind.MEETING, BodyKind.BOARD]).order_by(
        "-kind", "name"
    )
