"""Following a plan up: ticking measures, occurrences and delegated assignments."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organisations.limits import SHORT_TEXT_MAX_LENGTH, validate_free_text
from organisations.models import Organisation
from organisations.signals import event_happened
from plans.activity import activity_record
from plans.editing import EditConflict
from plans.models import PlanStatus
from plans.selectors import superseded

from .models import Assignment, Measure, MeasureStatus, OccurrenceTick, ProgressNote

OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


@transaction.atomic
def measure_tick(
    *,
    measure: Measure,
    by,
    status: str = MeasureStatus.DONE,
    note: str = "",
    occurrence: date | None = None,
    assignment: Assignment | None = None,
    done_on: date | None = None,
    expected_revision: int | None = None,
) -> ProgressNote:
    """Set a measure (or one occurrence, or one branch's assignment) to a status.

    With ``expected_revision`` (the measure's revision the client last read) a
    measure or occurrence changed by someone else since raises EditConflict with
    the current measure; every change of the measure's own progress counts one up.

    ``done_on`` backdates a completion (today when None): not in the future and
    not before the plan's period. Every change leaves a ProgressNote. Concurrent
    ticks of the same thing are serialised by a row lock: the second finds it
    done and only adds its note.
    """
    if status not in MeasureStatus.values:
        raise ValidationError(_("Unknown status."))
    note = note.strip()
    validate_free_text(note, max_length=SHORT_TEXT_MAX_LENGTH)
    if status == MeasureStatus.CANCELLED and not note:
        raise ValidationError(_("Write why the measure is cancelled."))
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("goal__plan__organisation")
        .get(pk=measure.pk)
    )
    if measure.goal.plan.status != PlanStatus.ADOPTED:
        raise ValidationError(_("Progress is recorded on adopted plans only."))
    if expected_revision is not None and expected_revision != measure.revision:
        raise EditConflict(measure)
    done_at = (
        completion_time(plan=measure.goal.plan, done_on=done_on)
        if status == MeasureStatus.DONE
        else timezone.now()
    )
    if assignment is not None:
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.measure_id != measure.pk:
            raise ValidationError(_("That branch's task belongs to another measure."))
    if occurrence is not None:
        before, after = _tick_occurrence(measure, assignment, occurrence, status, by, done_at)
    else:
        holder = assignment or measure
        before, after = holder.status, status
        if before != after:
            holder.status = status
            holder.completed_at = done_at if status == MeasureStatus.DONE else None
            holder.completed_by = by if status == MeasureStatus.DONE else None
            holder.save(update_fields=["status", "completed_at", "completed_by"])
    if before != after and assignment is None:
        measure.revision += 1
        measure.save(update_fields=["revision"])
    progress = ProgressNote.objects.create(
        measure=measure,
        assignment=assignment,
        occurrence=occurrence,
        # A backdated completion says on which day the work was done.
        done_on=done_on
        if status == MeasureStatus.DONE and done_on and done_on != timezone.localdate()
        else None,
        author=by,
        text=note,
        status_before=before,
        status_after=after,
    )
    if after == MeasureStatus.DONE and before != after and occurrence is None:
        _announce_done(measure, assignment)
    activity_record(
        organisation=assignment.organisation if assignment else measure.goal.plan.organisation,
        plan=measure.goal.plan,
        actor=by,
        action="measure.tick",
        target=measure,
        summary=str(measure),
        changes={"status": [before, after]} if before != after else {},
    )
    return progress


def _announce_done(measure: Measure, assignment: Assignment | None) -> None:
    """A measure (or a branch's share of it) is done: the webhooks may tell."""
    organisation = assignment.organisation if assignment else measure.goal.plan.organisation
    event_happened.send(
        sender=Measure,
        organisation=organisation,
        event="measure.done",
        data={
            "measure": measure.pk,
            "plan": measure.goal.plan_id,
            "text": measure.text,
            "status": MeasureStatus.DONE,
            "completed_at": (assignment or measure).completed_at,
            "assignment": assignment.pk if assignment else None,
        },
    )


def completion_time(*, plan, done_on: date | None) -> datetime:
    """When a completion on ``done_on`` happened: now for today, else midday of that day.

    Midday keeps the date the same in every Nordic time zone it is shown in.
    """
    today = timezone.localdate()
    if done_on is None or done_on == today:
        return timezone.now()
    if done_on > today:
        raise ValidationError(_("The date it was done cannot be in the future."))
    earliest = date(plan.first_year, 1, 1)
    if done_on < earliest:
        raise ValidationError(
            _("The date it was done cannot be before the plan's period (from %(day)s).")
            % {"day": date_format(earliest, "DATE_FORMAT")}
        )
    return timezone.make_aware(datetime.combine(done_on, time(12)))


def _tick_occurrence(measure, assignment, occurrence, status, by, done_at) -> tuple[str, str]:
    if not measure.recurrence or occurrence not in measure.occurrences():
        raise ValidationError(_("That date is not an occurrence of this measure."))
    if status not in (MeasureStatus.DONE, MeasureStatus.PLANNED):
        raise ValidationError(_("An occurrence is either done or not."))
    ticks = OccurrenceTick.objects.filter(
        measure=measure, assignment=assignment, occurrence=occurrence
    )
    before = MeasureStatus.DONE if ticks.exists() else MeasureStatus.PLANNED
    if status == MeasureStatus.DONE and before != MeasureStatus.DONE:
        try:
            with transaction.atomic():
                OccurrenceTick.objects.create(
                    measure=measure,
                    assignment=assignment,
                    occurrence=occurrence,
                    done_by=by,
                    done_at=done_at,
                )
        except IntegrityError:
            pass  # ticked at the same moment by someone else: done once is what we want
    elif status == MeasureStatus.PLANNED:
        ticks.delete()
    return before, status


def assignments_sync(*, measure: Measure) -> int:
    """Give every organisation the measure is delegated to its share, at any depth below.

    Shares no longer meant (the delegation changed while the plan was a draft) are
    dropped, unless someone already recorded progress on them.
    """
    wanted = set(measure.delegates().values_list("pk", flat=True))
    stale = Assignment.objects.filter(measure=measure).exclude(organisation_id__in=wanted)
    stale.filter(
        status=MeasureStatus.PLANNED, progress_notes__isnull=True, ticks__isnull=True
    ).delete()
    have = set(measure.assignments.values_list("organisation_id", flat=True))
    created = Assignment.objects.bulk_create(
        [Assignment(measure=measure, organisation_id=pk) for pk in sorted(wanted - have)],
        ignore_conflicts=True,
    )
    return len(created)


def organisation_created_received(sender, *, organisation: Organisation, **kwargs) -> None:
    """organisations announces a new node; its shares of delegated measures are made here."""
    assignments_for_new_organisation(organisation=organisation)


def assignments_for_new_organisation(*, organisation: Organisation) -> None:
    """A new organisation gets its share of the measures above delegated to its kind.

    A delegation to named organisations does not grow.
    """
    if organisation.parent_id is None:
        return
    above = list(organisation.ancestors().values_list("pk", flat=True))
    measures = Measure.objects.filter(
        delegated=True, delegate_kind=organisation.kind, goal__plan__organisation__in=above
    ).exclude(superseded("goal__plan__"))
    Assignment.objects.bulk_create(
        [Assignment(measure=measure, organisation=organisation) for measure in measures],
        ignore_conflicts=True,
    )
