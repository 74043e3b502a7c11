"""Following up: ticking measures, occurrences and branches' assignments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_POST

from organisations.models import Organisation
from organisations.params import MAX_ID, choice_param, date_param, int_param
from organisations.permissions import (
    access_for,
    can_read_drafts,
    can_tick_assignment,
    can_tick_measure,
    get_visible_or_404,
    require,
)
from organisations.selectors import ancestors_of
from plans.selectors import in_force, superseded
from plans.views import visible_plan

from .forms import TickForm
from .models import Assignment, Measure, MeasureStatus, ProgressNote
from .notes import notes_by_measure
from .prefetch import attach_progress
from .progress import OPEN, measure_tick
from .ticking import measure_state


def _measure_for_progress(request: HttpRequest, pk: int) -> Measure:
    measure = get_visible_or_404(
        request,
        Measure.objects.visible_to(request.user).select_related(
            "goal__plan__organisation", "completed_by"
        ),
        pk=pk,
    )
    return attach_progress([measure])[0]


def progress_fragment(request: HttpRequest, measure: Measure, error: str = "") -> HttpResponse:
    measure = _measure_for_progress(request, measure.pk)
    state = measure_state(request.user, measure, plan_adopted=measure.goal.plan.status == "adopted")
    return render(
        request, "goals/_progress.html", {"measure": measure, "state": state, "error": error}
    )


def _back(request: HttpRequest, measure: Measure) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        # Not redirect(): it would read a bare word as the name of a URL pattern.
        return HttpResponseRedirect(target)
    return redirect(measure.get_absolute_url())


@login_required
@require_POST
def measure_tick_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: done, in progress, cancelled (with a reason) or back to planned."""
    measure = _measure_for_progress(request, pk)
    assignment = None
    if request.POST.get("assignment"):
        # Only an assignment of this very measure; a forged or foreign id is refused.
        assignment_pk = int_param(request.POST, "assignment", min_value=1, max_value=MAX_ID)
        assignment = next((a for a in measure.assignment_list if a.pk == assignment_pk), None)
        require(assignment is not None and can_tick_assignment(request.user, assignment))
    else:
        require(can_tick_measure(request.user, measure, [body.pk for body in measure.bodies]))
    occurrence = date_param(request.POST, "occurrence")
    form = TickForm(request.POST)
    error = ""
    try:
        if request.POST.get("occurrence") and occurrence is None:
            raise ValidationError(_("That is not a date."))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.as_data().values() for e in errors])
        measure_tick(
            measure=measure,
            by=request.user,
            status=request.POST.get("status", MeasureStatus.DONE),
            note=form.cleaned_data["note"],
            occurrence=occurrence,
            assignment=assignment,
            done_on=form.cleaned_data["done_on"],
        )
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:
        return progress_fragment(request, measure, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Progress recorded."))
    return _back(request, measure)


# Filters of "Mine tiltak": a status, or every measure whose due date has passed.
OVERDUE = "overdue"
MY_STATUSES = (*MeasureStatus.values, OVERDUE)


def _overdue_first(measures, today):
    """Overdue (open, one-off, past due) first, then by due date; measures without one last."""
    overdue = Q(status__in=OPEN, recurrence="", due_end__lt=today)
    return measures.annotate(
        overdue=Case(When(overdue, then=Value(True)), default=Value(False))
    ).order_by(
        "-overdue", F("due_end").asc(nulls_last=True), "goal__plan", "goal__order", "order", "pk"
    )


@login_required
def my_measures(request: HttpRequest) -> HttpResponse:
    """Measures the person may tick, and the branches' shares of delegated measures."""
    access = access_for(request.user)
    today = timezone.localdate()
    current = Measure.objects.visible_to(request.user).filter(in_force("goal__plan__"))
    mine = current.filter(
        Q(goal__plan__organisation__in=access.tick) | Q(responsible__in=access.bodies)
    )
    # The organisations to choose from: those whose plans (or shares) are on this page.
    organisations = list(
        Organisation.objects.filter(
            Q(pk__in=mine.values("goal__plan__organisation"))
            | Q(
                pk__in=Assignment.objects.filter(
                    in_force("measure__goal__plan__"), organisation__in=access.tick
                ).values("organisation")
            )
        )
        .distinct()
        .order_by("name")
    )
    chosen = choice_param(request.GET.get("organisation"), [o.slug for o in organisations], "")
    status = choice_param(request.GET.get("status"), MY_STATUSES, "")
    if chosen:
        mine = mine.filter(goal__plan__organisation__slug=chosen)
    if status == OVERDUE:
        mine = mine.filter(status__in=OPEN, recurrence="", due_end__lt=today)
    elif status:
        mine = mine.filter(status=status)
    measures = _overdue_first(
        Measure.objects.filter(pk__in=mine.values("pk")).select_related(
            "goal__plan__organisation", "completed_by"
        ),
        today,
    )
    page = Paginator(measures, 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the states are set on these instances
    delegated_filter = Q(assignments__organisation__in=access.tick)
    if chosen:
        delegated_filter &= Q(assignments__organisation__slug=chosen)
    if status == OVERDUE:
        delegated_filter &= Q(assignments__status__in=OPEN, due_end__lt=today)
    elif status:
        delegated_filter &= Q(assignments__status=status)
    # A measure already listed above is not listed again for its shares (an admin, or
    # someone on the boards of both levels, ticks the plan and the branches).
    delegated = list(
        current.filter(delegated_filter, delegated=True)
        .exclude(pk__in=mine.values("pk"))
        .distinct()
        .select_related("goal__plan__organisation", "completed_by")
        .order_by(F("due_end").asc(nulls_last=True), "pk")[:50]
    )
    shown = attach_progress([*page.object_list, *delegated])
    notes = notes_by_measure(m.pk for m in shown)
    for measure in shown:
        measure.state = measure_state(
            request.user, measure, plan_adopted=True, notes=notes.get(measure.pk, [])
        )
    delegated.sort(key=lambda m: not m.state.overdue)  # stable: due date order stays
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "goals/my_measures.html",
        {
            "page": page,
            "delegated": delegated,
            "organisations": organisations,
            "chosen": chosen,
            "status": status,
            "statuses": [*MeasureStatus.choices, (OVERDUE, _("Overdue"))],
            "query": query.urlencode(),
        },
    )


@login_required
def delegation_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """Branches × delegated measures of a plan: who has done what, when, with which note."""
    plan = visible_plan(request, pk)
    require(can_read_drafts(request.user, plan.organisation))
    last_note = ProgressNote.objects.filter(assignment=OuterRef("pk")).order_by("-created_at")
    assignments = (
        Assignment.objects.filter(measure__goal__plan=plan)
        .select_related("organisation")
        .annotate(last_note=Subquery(last_note.values("text")[:1]))
    )
    measures = list(
        Measure.objects.filter(goal__plan=plan, delegated=True)
        .select_related("goal")
        .order_by("goal__section__order", "goal__order", "order", "pk")
    )
    organisations = sorted({a.organisation for a in assignments}, key=lambda o: o.name)
    cells = {(a.measure_id, a.organisation_id): a for a in assignments}
    rows = [
        (measure, [cells.get((measure.pk, org.pk)) for org in organisations])
        for measure in measures
    ]
    return render(
        request,
        "goals/delegation_matrix.html",
        {
            "plan": plan,
            "organisations": organisations,
            "rows": rows,
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
        },
    )


def _filtered_measures(request: HttpRequest):
    from .filters import MeasureFilter

    # A replaced or archived version is history: its measures live on in the version in force.
    base = (
        Measure.objects.visible_to(request.user)
        .exclude(superseded("goal__plan__"))
        .select_related("goal__plan__organisation", "goal")
        .prefetch_related("responsible", "tags")
        .order_by("goal__plan__organisation__name", "goal__plan", "goal__order", "order", "pk")
    )
    measure_filter = MeasureFilter(request.GET, queryset=base, request=request)
    # An invalid (e.g. forged) filter value shows the form's message and no rows.
    measures = measure_filter.qs if measure_filter.is_valid() else base.none()
    return measure_filter, measures


def measure_list(request: HttpRequest) -> HttpResponse:
    from .export import list_states

    measure_filter, measures = _filtered_measures(request)
    page = Paginator(measures, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # the states are set on these instances
    list_states(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    widen = query.copy()
    widen["scope"] = "all"
    form = measure_filter.form
    return render(
        request,
        "goals/measure_list.html",
        {
            "filter": measure_filter,
            "page": page,
            "query": query.urlencode(),
            # A signed-in person opens on their own organisations; the link widens it.
            "scope": form.data.get("scope", "")
            if "scope" in form.fields and not form.data.get("organisation")
            else "",
            "widen_query": widen.urlencode(),
            "due_after": form.data.get("due_after", ""),
            "due_before": form.data.get("due_before", ""),
        },
    )


def _export_etag(request: HttpRequest, fmt: str) -> str:
    from plans.page_cache import everything_stamp, reader_validator

    return reader_validator(request, everything_stamp(), fmt)


@condition(etag_func=_export_etag)
@cache_control(private=True, no_cache=True)
def measure_export(request: HttpRequest, fmt: str) -> HttpResponse:
    from .export import as_csv, as_xlsx, build_rows

    if choice_param(fmt, ("csv", "xlsx"), None) is None:
        raise Http404  # the format ends up in the Content-Disposition header
    measure_filter, measures = _filtered_measures(request)
    # The organisations' own shares of measures delegated from above go along.
    rows = build_rows(measures, measure_filter.assignments(), user=request.user)
    if fmt == "xlsx":
        response = HttpResponse(
            as_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tiltak.{fmt}"'
    return response
