"""Targets: measurements, progress towards the target, and the membership register."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.permissions import can_record_measurement, get_visible_or_404, require
from organisations.selectors import ancestors_of
from plans.models import Plan

from .charts import target_chart, target_progress
from .forms import MeasurementForm
from .models import Target
from .services import measurement_record, members_in_register


def _target(request: HttpRequest, pk: int) -> Target:
    return get_visible_or_404(
        request,
        Target.objects.filter(goal__plan__in=Plan.objects.visible_to(request.user)).select_related(
            "goal__plan__organisation"
        ),
        pk=pk,
    )


def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    measurements = list(target.measurements.select_related("recorded_by").order_by("-date", "-pk"))
    latest = measurements[0] if measurements else None
    form = MeasurementForm(initial={"date": timezone.localdate()})
    return render(
        request,
        "goals/target_detail.html",
        {
            "target": target,
            "plan": target.goal.plan,
            "measurements": measurements,
            "latest": latest,
            "progress": target_progress(target, latest),
            "chart": target_chart(target, measurements),
            "form": form,
            "can_record": can_record_measurement(request.user, target),
            "ancestors": [
                *ancestors_of(target.goal.plan.organisation),
                target.goal.plan.organisation,
            ],
        },
    )


@login_required
@require_POST
def measurement_add(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    require(can_record_measurement(request.user, target))
    form = MeasurementForm(request.POST)
    if form.is_valid():
        measurement_record(target=target, by=request.user, **form.cleaned_data)
        messages.success(request, _("The measurement was recorded."))
        return redirect("goals:target", pk=target.pk)
    measurements = list(target.measurements.order_by("-date", "-pk"))
    latest = measurements[0] if measurements else None
    return render(
        request,
        "goals/target_detail.html",
        {
            "target": target,
            "plan": target.goal.plan,
            "measurements": measurements,
            "latest": latest,
            "progress": target_progress(target, latest),
            "chart": target_chart(target, measurements),
            "form": form,
            "can_record": True,
            "ancestors": [
                *ancestors_of(target.goal.plan.organisation),
                target.goal.plan.organisation,
            ],
        },
    )


@login_required
@require_POST
def measurement_from_register(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: today's number of members in the organisation and everything below it."""
    target = _target(request, pk)
    require(can_record_measurement(request.user, target))
    try:
        count = members_in_register(target=target)
        measurement_record(
            target=target,
            by=request.user,
            value=count,
            date=timezone.localdate(),
            source=_("Membership register"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(count)d members recorded from the register.") % {"count": count}
        )
    return redirect("goals:target", pk=target.pk)
