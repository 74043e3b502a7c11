"""Writes to plans: creation, sections and the life cycle."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Body, Organisation

from .activity import activity_record
from .models import Plan, PlanStatus, Section


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
    by=None,
) -> Plan:
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
    activity_record(
        organisation=organisation,
        plan=plan,
        actor=by,
        action="plan.create",
        target=plan,
        summary=title,
    )
    return plan


@transaction.atomic
def section_create(*, plan: Plan, title: str, intro: str = "", order: int, by=None) -> Section:
    section = Section.objects.create(plan=plan, title=title, intro=intro, order=order)
    activity_record(
        organisation=plan.organisation,
        plan=plan,
        actor=by,
        action="section.create",
        target=section,
        summary=title,
    )
    return section


@transaction.atomic
def plan_adopt(*, plan: Plan, meeting: Body, on: date, by=None) -> Plan:
    """Record the adoption: the text is immutable from now on."""
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.PROPOSED):
        raise ValidationError(_("Only a draft or proposed plan can be adopted."))
    if meeting.organisation_id != plan.organisation_id:
        raise ValidationError(_("The adopting body must belong to the plan's organisation."))
    old_status = plan.status
    plan.status = PlanStatus.ADOPTED
    plan.adopted_by = meeting
    plan.adopted_on = on
    if plan.proposed_at is None:
        plan.proposed_at = timezone.now()
    plan.save(update_fields=["status", "adopted_by", "adopted_on", "proposed_at", "updated_at"])
    activity_record(
        organisation=plan.organisation,
        plan=plan,
        actor=by,
        action="plan.adopt",
        target=plan,
        summary=f"{meeting.name} {on.isoformat()}",
        changes={"status": [old_status, PlanStatus.ADOPTED]},
    )
    return plan
