"""Writes to goals, measures and targets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from organisations.limits import SHORT_TEXT_MAX_LENGTH, validate_free_text
from organisations.models import Body, Membership, Organisation, OrganisationKind
from organisations.signals import event_happened
from plans.activity import plan_activity
from plans.editing import ensure_editable, move_in_order, reorder, revise, save_revision
from plans.models import Plan, Section

from .due import DueParseError, parse_due
from .models import Goal, Measure, Measurement, Tag, Target
from .progress import assignments_sync
from .recurrence import RecurrenceParseError, validate_rule

GOAL_FIELDS = ("code", "title", "description", "lead_in")


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def goal_create(
    *,
    plan: Plan,
    title: str,
    order: int | None = None,
    section: Section | None = None,
    parent: Goal | None = None,
    code: str = "",
    description: str = "",
    lead_in: str = "",
    derived_from: Goal | None = None,
    by=None,
) -> Goal:
    ensure_editable(plan)
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise ValidationError(_("A sub-goal must belong to the same plan."))
        section = parent.section
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError(_("The section belongs to another plan."))
    if order is None:
        siblings = Goal.objects.filter(plan=plan, section=section, parent=parent)
        order = _next_order(siblings)
    goal = Goal.objects.create(
        plan=plan,
        section=section,
        parent=parent,
        code=code,
        title=title,
        description=description,
        lead_in=lead_in,
        order=order,
        derived_from=derived_from,
    )
    plan_activity(
        plan=plan,
        by=by,
        action="goal.create",
        target=goal,
        summary=str(goal),
    )
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, expected_revision: int, values: dict, by) -> Goal:
    return revise(
        goal,
        plan=goal.plan,
        expected_revision=expected_revision,
        values=values,
        by=by,
        action="goal.update",
    )


@transaction.atomic
def goal_delete(*, goal: Goal, by) -> None:
    plan = goal.plan
    ensure_editable(plan)
    plan_activity(
        plan=plan,
        by=by,
        action="goal.delete",
        summary=str(goal),
        changes={"title": [goal.title, None]},
    )
    goal.delete()


def goal_siblings(goal: Goal):
    return Goal.objects.filter(
        plan_id=goal.plan_id, section_id=goal.section_id, parent_id=goal.parent_id
    )


@transaction.atomic
def goal_move(*, goal: Goal, direction: str, by) -> None:
    ensure_editable(goal.plan)
    if move_in_order(goal, goal_siblings(goal), direction):
        plan_activity(
            plan=goal.plan,
            by=by,
            action="goal.move",
            target=goal,
            summary=f"{goal} ({direction})",
        )


@transaction.atomic
def goals_reorder(
    *, plan: Plan, section: Section | None, parent: Goal | None, ids: list[int], by
) -> None:
    ensure_editable(plan)
    reorder(Goal.objects.filter(plan=plan, section=section, parent=parent), ids)
    plan_activity(
        plan=plan,
        by=by,
        action="goal.reorder",
        summary=section.title if section else plan.title,
    )


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        tag, _created = Tag.objects.get_or_create(
            slug=slugify(name)[:60] or name[:60], defaults={"name": name[:60]}
        )
        tags.append(tag)
    return tags


def _due_values(due: str, plan: Plan) -> dict:
    """The due window, read with the plan's period; unreadable text is a ValidationError."""
    try:
        window = parse_due(due, period=(plan.first_year, plan.last_year)) if due.strip() else None
    except DueParseError as error:
        raise ValidationError({"due": [str(error)]}) from None
    return {
        "due_text": window.text if window else "",
        "due_start": window.start if window else None,
        "due_end": window.end if window else None,
        "due_precision": window.precision if window else "",
    }


def _due_or_text(due: str, plan: Plan, *, keep_unread: bool) -> dict:
    """Like _due_values, but a text that cannot be read is kept as written, with no window."""
    try:
        return _due_values(due, plan)
    except ValidationError:
        if not keep_unread:
            raise
        return {"due_text": due.strip()[:100], "due_start": None, "due_end": None,
                "due_precision": ""}  # fmt: skip


def _recurrence_values(recurrence: str, wording: str, minimum: bool) -> dict:
    """A rule ``occurrences`` can compute, with its wording; anything else is refused."""
    try:
        rule = validate_rule(recurrence)
    except RecurrenceParseError as error:
        raise ValidationError({"recurrence": [str(error)]}) from None
    return {
        "recurrence": rule,
        "recurrence_wording": (wording or "").strip()[:200] if rule else "",
        "recurrence_minimum": bool(minimum) if rule else False,
    }


def _rule_or_blank(recurrence: str) -> str:
    try:
        return validate_rule(recurrence)
    except RecurrenceParseError:
        return ""


def _check_bodies(goal: Goal, bodies: Iterable[Body]) -> list[Body]:
    bodies = list(bodies)
    if any(body.organisation_id != goal.plan.organisation_id for body in bodies):
        raise ValidationError(_("Responsible bodies must belong to the plan's organisation."))
    return bodies


def _delegation(
    plan: Plan, delegated: bool, kind: str, named: Iterable[Organisation]
) -> tuple[bool, str, list[Organisation]]:
    """Check whom a measure is delegated to: every one of a kind below, or named ones."""
    named = list(named)
    if named:
        below = set(plan.organisation.descendants().values_list("pk", flat=True))
        if any(organisation.pk not in below for organisation in named):
            raise ValidationError(_("A measure is delegated only to organisations below."))
        return True, "", named
    if not delegated:
        return False, OrganisationKind.BRANCH, []
    if kind not in OrganisationKind.values or kind == OrganisationKind.NATIONAL:
        raise ValidationError(_("Choose which organisations below carry the measure out."))
    return True, kind, []


@transaction.atomic
def measure_create(
    *,
    goal: Goal,
    text: str,
    order: int | None = None,
    responsible: Iterable[Body] = (),
    due: str = "",
    recurrence: str = "",
    delegated: bool = False,
    tags: Iterable[str] = (),
    by=None,
    recurrence_text: str = "",
    recurrence_minimum: bool = False,
    responsible_text: str = "",
    due_unread_ok: bool = False,
    delegate_to: Iterable[Organisation] = (),
    delegate_kind: str = OrganisationKind.BRANCH,
) -> Measure:
    """Create a measure.

    A delegated measure goes to every organisation of ``delegate_kind`` at any depth
    below (all local branches unless told otherwise), or only to the organisations
    named in ``delegate_to``.

    An importer keeps a due text it could not read as written (``due_unread_ok``)
    and the responsible as written (``responsible_text``).

    A due text that cannot be read (with the plan's period) or a recurrence rule that
    cannot be computed raises ValidationError on "due" or "recurrence".
    ``recurrence_text`` keeps the words the recurrence was written in.
    """
    ensure_editable(goal.plan)
    validate_free_text(text, max_length=SHORT_TEXT_MAX_LENGTH)
    validate_free_text(responsible_text, max_length=300)
    responsible = _check_bodies(goal, responsible)
    delegated, delegate_kind, delegate_to = _delegation(
        goal.plan, delegated, delegate_kind, delegate_to
    )
    if order is None:
        order = _next_order(goal.measures.all())
    measure = Measure.objects.create(
        goal=goal,
        text=text,
        order=order,
        delegated=delegated,
        delegate_kind=delegate_kind,
        responsible_text=responsible_text,
        **_recurrence_values(recurrence, recurrence_text, recurrence_minimum),
        **_due_or_text(due, goal.plan, keep_unread=due_unread_ok),
    )
    measure.responsible.set(responsible)
    measure.tags.set(tags_get_or_create(tags))
    measure.delegate_to.set(delegate_to)
    assignments_sync(measure=measure)
    plan_activity(
        plan=goal.plan,
        by=by,
        action="measure.create",
        target=measure,
        summary=str(measure),
    )
    return measure


@transaction.atomic
def measure_update(
    *,
    measure: Measure,
    expected_revision: int,
    text: str,
    responsible: Iterable[Body],
    due: str,
    recurrence: str,
    delegated: bool,
    tags: Iterable[str],
    by,
    recurrence_text: str | None = None,
    recurrence_minimum: bool | None = None,
    delegate_kind: str | None = None,
    delegate_to: Iterable[Organisation] | None = None,
) -> Measure:
    """Save a measure's new values.

    Without ``recurrence_text``/``recurrence_minimum`` the stored wording and minimum
    are kept while the rule stays the same, and dropped when the rule changes.
    Without ``delegate_kind``/``delegate_to`` a delegated measure keeps whom it goes to.
    """
    goal = measure.goal
    if recurrence_text is None or recurrence_minimum is None:
        same_rule = _rule_or_blank(recurrence) == measure.recurrence
        if recurrence_text is None:
            recurrence_text = measure.recurrence_wording if same_rule else ""
        if recurrence_minimum is None:
            recurrence_minimum = measure.recurrence_minimum if same_rule else False
    ensure_editable(goal.plan)
    validate_free_text(text, max_length=SHORT_TEXT_MAX_LENGTH)
    responsible = _check_bodies(goal, responsible)
    before_named = sorted(o.name for o in measure.delegate_to.all())
    if delegate_to is None:
        keep_names = delegated and delegate_kind is None and not measure.delegate_kind
        delegate_to = list(measure.delegate_to.all()) if keep_names else []
    delegated, delegate_kind, delegate_to = _delegation(
        goal.plan,
        delegated,
        measure.delegate_kind if delegate_kind is None else delegate_kind,
        delegate_to,
    )
    before_bodies = sorted(b.name for b in measure.responsible.all())
    before_tags = sorted(t.name for t in measure.tags.all())
    # The responsible as a document wrote them holds until someone changes the bodies.
    same_bodies = before_bodies == sorted(b.name for b in responsible)
    measure, changes = save_revision(
        measure,
        expected_revision=expected_revision,
        values={
            "text": text,
            "delegated": delegated,
            "delegate_kind": delegate_kind,
            "responsible_text": measure.responsible_text if same_bodies else "",
            **_recurrence_values(recurrence, recurrence_text, recurrence_minimum),
            **_due_values(due, goal.plan),
        },
    )
    tag_objects = tags_get_or_create(tags)
    measure.responsible.set(responsible)
    measure.tags.set(tag_objects)
    measure.delegate_to.set(delegate_to)
    assignments_sync(measure=measure)
    after_bodies = sorted(b.name for b in responsible)
    after_tags = sorted(t.name for t in tag_objects)
    after_named = sorted(o.name for o in delegate_to)
    if before_named != after_named:
        changes["delegate_to"] = [", ".join(before_named), ", ".join(after_named)]
    if before_bodies != after_bodies:
        changes["responsible"] = [", ".join(before_bodies), ", ".join(after_bodies)]
    if before_tags != after_tags:
        changes["tags"] = [", ".join(before_tags), ", ".join(after_tags)]
    for noise in ("due_start", "due_end", "due_precision"):
        changes.pop(noise, None)  # due_text tells the story
    if changes:
        plan_activity(
            plan=goal.plan,
            by=by,
            action="measure.update",
            target=measure,
            summary=str(measure),
            changes=changes,
        )
    return measure


@transaction.atomic
def measure_delete(*, measure: Measure, by) -> None:
    plan = measure.goal.plan
    ensure_editable(plan)
    plan_activity(
        plan=plan,
        by=by,
        action="measure.delete",
        summary=str(measure),
        changes={"text": [measure.text, None]},
    )
    measure.delete()


@transaction.atomic
def measure_move(*, measure: Measure, direction: str, by) -> None:
    plan = measure.goal.plan
    ensure_editable(plan)
    if move_in_order(measure, measure.goal.measures.all(), direction):
        plan_activity(
            plan=plan,
            by=by,
            action="measure.move",
            target=measure,
            summary=f"{measure} ({direction})",
        )


@transaction.atomic
def measures_reorder(*, goal: Goal, ids: list[int], by) -> None:
    ensure_editable(goal.plan)
    reorder(goal.measures.all(), ids)
    plan_activity(
        plan=goal.plan,
        by=by,
        action="measure.reorder",
        target=goal,
        summary=str(goal),
    )


@transaction.atomic
def target_create(
    *,
    goal: Goal,
    name: str,
    target_value: Decimal,
    kind: str = "count",
    unit: str = "",
    target_date: date | None = None,
    baseline_value: Decimal | None = None,
    baseline_date: date | None = None,
    direction: str = "increase",
    by=None,
) -> Target:
    ensure_editable(goal.plan)
    target = Target(
        goal=goal,
        name=name,
        kind=kind,
        unit=unit,
        target_value=target_value,
        target_date=target_date,
        baseline_value=baseline_value,
        baseline_date=baseline_date,
        direction=direction,
    )
    target.full_clean()
    target.save()
    plan_activity(
        plan=goal.plan,
        by=by,
        action="target.create",
        target=target,
        summary=name,
    )
    return target


def _copy_goal(source: Goal, **overrides) -> Goal:
    fields = {
        "plan": source.plan,
        "section": source.section,
        "parent": source.parent,
        "code": source.code,
        "title": source.title,
        "description": source.description,
        "lead_in": source.lead_in,
        "order": source.order,
        "derived_from": source.derived_from,
        "key": source.key,
    }
    fields.update(overrides)
    return Goal.objects.create(**fields)


def _copy_measures_and_targets(source: Goal, copy: Goal) -> None:
    for measure in source.measures.order_by("order", "pk"):
        new = Measure.objects.create(
            goal=copy,
            text=measure.text,
            order=measure.order,
            delegated=measure.delegated,
            delegate_kind=measure.delegate_kind,
            due_text=measure.due_text,
            due_start=measure.due_start,
            due_end=measure.due_end,
            due_precision=measure.due_precision,
            recurrence=measure.recurrence,
            recurrence_wording=measure.recurrence_wording,
            recurrence_minimum=measure.recurrence_minimum,
            key=measure.key,
        )
        new.responsible.set(measure.responsible.all())
        new.tags.set(measure.tags.all())
        new.delegate_to.set(measure.delegate_to.all())
        assignments_sync(measure=new)
    for target in source.targets.all():
        Target.objects.create(
            goal=copy,
            name=target.name,
            kind=target.kind,
            unit=target.unit,
            baseline_value=target.baseline_value,
            baseline_date=target.baseline_date,
            target_value=target.target_value,
            target_date=target.target_date,
            direction=target.direction,
        )


def goals_copy(*, source: Plan, target: Plan, sections: dict[int, Section]) -> None:
    """Copy every goal (with sub-goals, measures, targets) of a plan into another plan."""
    copies: dict[int, Goal] = {}
    # Parents before children: order by depth via repeated passes over a small list.
    pending = list(source.goals.order_by("order", "pk"))
    while pending:
        ready = [g for g in pending if g.parent_id is None or g.parent_id in copies]
        for goal in ready:
            copies[goal.pk] = _copy_goal(
                goal,
                plan=target,
                section=sections.get(goal.section_id),
                parent=copies.get(goal.parent_id),
            )
            _copy_measures_and_targets(goal, copies[goal.pk])
            pending.remove(goal)


@transaction.atomic
def goal_copy_derived(*, source: Goal, plan: Plan, section: Section, order: int, by) -> Goal:
    """Take a goal of the parent's plan into this plan, derived from it, with fresh measures."""
    goal = goal_create(
        plan=plan,
        section=section,
        code=source.code,
        title=source.title,
        description=source.description,
        lead_in=source.lead_in,
        order=order,
        derived_from=source,
        by=by,
    )
    return goal


@transaction.atomic
def measurement_record(*, target: Target, value, date, source: str = "", by) -> Measurement:
    measurement = Measurement.objects.create(
        target=target, value=value, date=date, source=source, recorded_by=by
    )
    plan_activity(
        plan=target.goal.plan,
        by=by,
        action="measurement.create",
        target=target,
        summary=f"{target.name}: {value}",
    )
    event_happened.send(
        sender=Measurement,
        organisation=target.goal.plan.organisation,
        event="measurement.added",
        data={
            "target": target.pk,
            "plan": target.goal.plan_id,
            "name": target.name,
            "kind": target.kind,
            "value": measurement.value,
            "date": measurement.date,
        },
    )
    return measurement


def members_in_register(*, target: Target) -> int:
    """Distinct current members of the plan's organisation and all organisations below it."""
    if target.kind != "members":
        raise ValidationError(_("Only a members target takes its value from the register."))
    organisation = target.goal.plan.organisation
    subtree = Organisation.objects.descendants(organisation, include_self=True)
    return (
        Membership.objects.in_force()
        .filter(organisation__in=subtree)
        .values("person_id")
        .distinct()
        .count()
    )
