from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from organisations.models import Organisation
from organisations.params import int_param, month_param, month_shift
from organisations.permissions import (
    access_for,
    can_edit_calendar,
    can_read_members_content,
    get_visible_or_404,
    require_in,
)
from organisations.selectors import ancestors_of, organisation_with_ancestors, organisations_of

from .forms import CycleEntryForm, EventForm, WheelGenerateForm, WheelRangeForm
from .models import CycleEntry, Event, YearType, elections_between, year_types
from .selectors import calendar_events, wheel_entries
from .services import (
    cycle_entry_create,
    cycle_entry_delete,
    event_cancel,
    event_create,
    event_update,
    feed_token_for,
    feed_token_regenerate,
    wheel_to_events,
)
from .wheel import wheel_picture


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(
        request, Event.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    return render(
        request,
        "calendar_app/event_detail.html",
        {
            "event": event,
            "ancestors": ancestors_of(event.organisation),
            "can_edit": can_edit_calendar(request.user, event.organisation),
        },
    )


def _source(event: Event) -> str:
    if event.cycle_entry_id:
        return "wheel"
    if event.measure_id:
        return "measure"
    return "event"


def feed_links(request: HttpRequest, path: str, field_id: str) -> dict:
    """A feed's address, and the same as webcal:// that makes phones offer to subscribe."""
    url = request.build_absolute_uri(path)
    return {"url": url, "webcal": "webcal://" + url.split("://", 1)[1], "id": field_id}


def _public_feed(request: HttpRequest, organisation: Organisation) -> dict:
    return feed_links(request, reverse("calendar_feed", args=[organisation.slug]), "public-feed")


def _filtered(request: HttpRequest, organisations: list[Organisation], events):
    """Narrow to one of the organisations shown (this one or one above) and to one kind."""
    by_slug = {organisation.slug: organisation for organisation in organisations}
    chosen = request.GET.get("organisation", "")
    if chosen in by_slug:
        events = events.filter(organisation=by_slug[chosen])
    else:
        chosen = ""
    kind = request.GET.get("kind", "")
    if kind == "wheel":
        events = events.filter(cycle_entry__isnull=False)
    elif kind == "measure":
        events = events.filter(measure__isnull=False)
    elif kind == "event":
        events = events.filter(cycle_entry__isnull=True, measure__isnull=True)
    else:
        kind = ""
    return events, {"organisation": chosen, "kind": kind}


def calendar_month(request: HttpRequest, slug: str) -> HttpResponse:
    """A month grid of the organisation's events and those from above meant for it."""
    organisation, ancestors = organisation_with_ancestors(slug)
    today = timezone.localdate()
    first = month_param(request.GET, "month", default=today.replace(day=1))
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    zone = organisation.zoneinfo
    start = timezone.make_aware(datetime.combine(weeks[0][0], time()), zone)
    end = timezone.make_aware(datetime.combine(weeks[-1][-1], time.max), zone)
    events, filters = _filtered(
        request, [*ancestors, organisation], calendar_events(request.user, [organisation])
    )
    by_day = defaultdict(list)
    whole_month = []
    month_start = timezone.make_aware(datetime.combine(first, time()), zone)
    last = first.replace(day=month_calendar.monthrange(first.year, first.month)[1])
    month_end = timezone.make_aware(datetime.combine(last, time()), zone)
    overlapping = events.filter(starts_at__lte=end).filter(
        Q(starts_at__gte=start) | Q(ends_at__gte=month_start)
    )
    for event in overlapping.order_by("starts_at"):
        event.source = _source(event)
        # A wheel entry without a day lasts the month: shown once above the grid.
        if (
            event.all_day
            and event.ends_at
            and event.starts_at <= month_start
            and event.ends_at >= month_end
        ):
            whole_month.append(event)
        elif event.starts_at >= start:
            by_day[event.starts_at.astimezone(zone).date()].append(event)
    previous, following = month_shift(first, -1), month_shift(first, 1)
    return render(
        request,
        "calendar_app/month.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "first": first,
            "today": today,
            "filters": filters,
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "whole_month": whole_month,
            "month_empty": not whole_month and not any(by_day.values()),
            "feed": _public_feed(request, organisation),
            "previous": previous,
            "following": following,
            "can_edit": can_edit_calendar(request.user, organisation),
        },
    )


def calendar_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    now = timezone.now() - timedelta(hours=12)
    events, filters = _filtered(
        request, [*ancestors, organisation], calendar_events(request.user, [organisation])
    )
    events = list(events.filter(starts_at__gte=now).order_by("starts_at")[:200])
    for event in events:
        event.source = _source(event)
    return render(
        request,
        "calendar_app/agenda.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "events": events,
            "filters": filters,
            "can_edit": can_edit_calendar(request.user, organisation),
            "feed": _public_feed(request, organisation),
        },
    )


# Events ------------------------------------------------------------------------


def _calendar_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_in(request.user, organisation, can_edit_calendar(request.user, organisation))
    return organisation


@login_required
def event_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _calendar_organisation(request, slug)
    form = EventForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        event = event_create(organisation=organisation, by=request.user, **form.values())
        messages.success(request, _("The event was created."))
        return redirect(event.get_absolute_url())
    return render(
        request,
        "calendar_app/event_form.html",
        {
            "form": form,
            "organisation": organisation,
            "ancestors": [*ancestors_of(organisation), organisation],
        },
    )


def _editable_event(request: HttpRequest, pk: int) -> Event:
    event = get_visible_or_404(
        request, Event.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    require_in(
        request.user, event.organisation, can_edit_calendar(request.user, event.organisation)
    )
    return event


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _editable_event(request, pk)
    form = EventForm(request.POST or None, organisation=event.organisation, instance=event)
    if request.method == "POST" and form.is_valid():
        event_update(event=event, by=request.user, **form.values())
        messages.success(request, _("The event was saved."))
        return redirect(event.get_absolute_url())
    return render(
        request,
        "calendar_app/event_form.html",
        {
            "form": form,
            "organisation": event.organisation,
            "event": event,
            "ancestors": [*ancestors_of(event.organisation), event.organisation],
        },
    )


@login_required
def event_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _editable_event(request, pk)
    if request.method == "POST":
        event_cancel(event=event, by=request.user)
        messages.success(
            request, _("The event is cancelled; subscribed calendars will show it so.")
        )
        return redirect(event.get_absolute_url())
    return render(
        request,
        "calendar_app/event_cancel.html",
        {
            "event": event,
            "ancestors": [*ancestors_of(event.organisation), event.organisation],
        },
    )


# The annual wheel ----------------------------------------------------------------


def _wheel_years(request: HttpRequest) -> tuple[int, int, WheelRangeForm]:
    this_year = timezone.localdate().year
    form = WheelRangeForm(request.GET or None, initial={"first": this_year, "last": this_year + 3})
    if form.is_bound and form.is_valid():
        return form.cleaned_data["first"], form.cleaned_data["last"], form
    return this_year, this_year + 3, form


@login_required
def wheel(request: HttpRequest, slug: str) -> HttpResponse:
    """The annual wheel as a month × year grid, with the year types from the elections."""
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_read_members_content(request.user, organisation))
    first, last, range_form = _wheel_years(request)
    years = list(range(first, last + 1))
    elections = elections_between(first, last)
    types = {year: year_types(organisation.country, year, elections) for year in years}
    entries = list(wheel_entries(organisation))
    grid = []
    for month in range(1, 13):
        in_month = [e for e in entries if e.month == month]
        grid.append(
            (
                month,
                date(2000, month, 1),
                [[e for e in in_month if e.applies_to(year, types[year])] for year in years],
            )
        )
    can_edit = organisation.pk in access_for(request.user).edit
    return render(
        request,
        "calendar_app/wheel.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "years": [(year, _year_type_words(types[year])) for year in years],
            "grid": grid,
            "entries": [e for e in entries if e.organisation_id == organisation.pk],
            "range_form": range_form,
            "first": first,
            "last": last,
            "form": CycleEntryForm() if can_edit else None,
            "generate_form": WheelGenerateForm(
                initial={"first": first, "last": last}, auto_id="generate_%s"
            )
            if can_edit
            else None,
            "can_edit": can_edit,
        },
    )


def _year_type_words(types: set[str]) -> list[str]:
    """ "Local and county election year", never the code "local"."""
    return [str(YearType(kind).label) for kind in sorted(types) if kind in YearType]


def _wheel_editor(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_in(request.user, organisation, organisation.pk in access_for(request.user).edit)
    return organisation


@login_required
def wheel_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _wheel_editor(request, slug)
    form = CycleEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cycle_entry_create(organisation=organisation, by=request.user, **form.values())
        messages.success(request, _("The entry was added to the annual wheel."))
        return redirect(f"{organisation_wheel_url(organisation)}?{request.GET.urlencode()}")
    return render(
        request,
        "calendar_app/wheel_entry_form.html",
        {
            "form": form,
            "organisation": organisation,
            "ancestors": [*ancestors_of(organisation), organisation],
        },
    )


def organisation_wheel_url(organisation: Organisation) -> str:
    return reverse("calendar_app:wheel", kwargs={"slug": organisation.slug})


@login_required
def wheel_entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(CycleEntry.objects.select_related("organisation"), pk=pk)
    _wheel_editor(request, entry.organisation.slug)
    if request.method == "POST":
        cycle_entry_delete(entry=entry, by=request.user)
        messages.success(request, _("The entry was removed from the annual wheel."))
        return redirect(organisation_wheel_url(entry.organisation))
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "object": entry,
            "what": _("the annual wheel entry"),
            "plan": None,
            "cancel_url": organisation_wheel_url(entry.organisation),
        },
    )


@login_required
@require_POST
def wheel_generate(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = _wheel_editor(request, slug)
    form = WheelGenerateForm(request.POST)
    if form.is_valid():
        created = wheel_to_events(
            organisation=organisation,
            first_year=form.cleaned_data["first"],
            last_year=form.cleaned_data["last"],
            by=request.user,
            visibility=form.cleaned_data["visibility"],
        )
        messages.success(request, _("%(count)d new events in the calendar.") % {"count": created})
        years = urlencode({"first": form.cleaned_data["first"], "last": form.cleaned_data["last"]})
        return redirect(f"{organisation_wheel_url(organisation)}?{years}")  # the same years
    messages.error(request, _("Choose the years and who may see the events."))
    return redirect(organisation_wheel_url(organisation))


@login_required
def wheel_picture_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_read_members_content(request.user, organisation))
    year = int_param(
        request.GET, "year", timezone.localdate().year, min_value=2000, max_value=2100, clamp=True
    )
    types = year_types(organisation.country, year)
    entries = [e for e in wheel_entries(organisation) if e.applies_to(year, types)]
    return render(
        request,
        "calendar_app/wheel_picture.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "year": year,
            "picture": wheel_picture(entries),
            "entries": entries,
        },
    )


@never_cache  # shows the secret feed address
@login_required
def feed_settings(request: HttpRequest) -> HttpResponse:
    """Where a person copies their private feed URL, or makes a new one."""
    if request.method == "POST":
        feed_token_regenerate(person=request.user)
        messages.success(request, _("A new address was made; the old one no longer works."))
        return redirect("calendar_app:feed_settings")
    token = feed_token_for(request.user)
    return render(
        request,
        "calendar_app/feed_settings.html",
        {
            "feed": feed_links(request, token.get_absolute_url(), "private-feed"),
            "organisations": organisations_of(request.user),
        },
    )
