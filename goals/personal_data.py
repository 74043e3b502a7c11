"""Following up plans, as one person did it: notes, ticks, completions, measurements.

These rows are the plan's record and stay when the person is erased; their
author then reads "former member". So this part collects and erases nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organisations.models import User
from organisations.personal_data import records, register

from .models import Assignment, Measure, Measurement, OccurrenceTick, ProgressNote


def _plan(obj) -> str:
    return str(obj.measure.goal.plan)


def _measure(obj) -> str:
    return obj.measure.text


def _organisation(obj) -> str:
    if obj.assignment_id:
        return str(obj.assignment.organisation)
    return str(obj.measure.goal.plan.organisation)


def collect(person: User):
    related = ("measure__goal__plan__organisation", "assignment__organisation")
    organisation = ("organisation", _("organisation"), _organisation)
    plan = ("plan", _("plan"), _plan)
    measure = ("measure", _("measure"), _measure)
    return [
        records(
            "progress_notes",
            _("Progress notes you wrote"),
            ProgressNote.objects.filter(author=person)
            .select_related(*related)
            .order_by("created_at", "pk"),
            [
                "created_at",
                organisation,
                plan,
                measure,
                "occurrence",
                "status_before",
                "status_after",
                "text",
            ],
        ),
        records(
            "measures_completed",
            _("Measures you marked as done"),
            Measure.objects.filter(completed_by=person)
            .select_related("goal__plan__organisation")
            .order_by("completed_at", "pk"),
            [
                "completed_at",
                ("organisation", _("organisation"), lambda m: str(m.goal.plan.organisation)),
                ("plan", _("plan"), lambda m: str(m.goal.plan)),
                ("measure", _("measure"), lambda m: m.text),
                "status",
            ],
        ),
        records(
            "assignments_completed",
            _("Delegated measures you marked as done for your organisation"),
            Assignment.objects.filter(completed_by=person)
            .select_related("organisation", "measure__goal__plan")
            .order_by("completed_at", "pk"),
            ["completed_at", "organisation", plan, measure, "status"],
        ),
        records(
            "occurrence_ticks",
            _("Occurrences you ticked"),
            OccurrenceTick.objects.filter(done_by=person)
            .select_related(*related)
            .order_by("done_at", "pk"),
            ["done_at", organisation, plan, measure, "occurrence"],
        ),
        records(
            "measurements",
            _("Measurements you recorded"),
            Measurement.objects.filter(recorded_by=person)
            .select_related("target__goal__plan")
            .order_by("date", "pk"),
            [
                "date",
                ("plan", _("plan"), lambda m: str(m.target.goal.plan)),
                "target",
                "value",
                "source",
            ],
        ),
    ]


register(key="goals", label=_("Progress on plans"), collect=collect)
