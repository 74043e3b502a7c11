"""The organisation admin's pages for people: holders of bodies for a term, hand-over, members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import (
    DayForm,
    HandOverForm,
    HolderFormSet,
    MembershipAddForm,
    PositionAddForm,
    holders_from,
)
from .models import Membership, Position
from .views_manage import (
    MEMBERS_PER_PAGE,
    _body,
    _body_url,
    _form_errors,
    _managed,
    _people_suggested,
    _refuse_if_closed,
    _refuse_if_dissolved,
    _subtree,
)


@login_required
def manage_position_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    # People are looked up in the party (ancestors[0], the root): none from another party.
    organisation, ancestors = _managed(request, slug)
    body = _body(organisation, pk)
    if refused := _refuse_if_dissolved(request, body):
        return refused
    form = PositionAddForm(request.POST or None, party=ancestors[0])
    if request.method == "POST" and form.is_valid():
        try:
            position = services.position_add(body=body, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s now holds a place in %(body)s.")
                % {"person": position.person.get_full_name(), "body": body.name},
            )
            return redirect(_body_url(body))
    return render(
        request,
        "organisations/manage/position_add.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "body": body,
            "form": form,
            "people": _people_suggested(organisation),
        },
    )


@login_required
def manage_position_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    position = get_object_or_404(
        Position.objects.select_related("person", "body__organisation"),
        pk=pk,
        body__organisation=organisation,
    )
    form = DayForm(request.POST or None, not_before=position.starts_on)
    if request.method == "POST" and form.is_valid():
        try:
            services.position_end(position=position, on=form.cleaned_data["on"], by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The position is ended."))
            return redirect(_body_url(position.body))
    return render(
        request,
        "organisations/manage/position_end.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "position": position,
            "body": position.body,
            "form": form,
        },
    )


@login_required
def manage_hand_over(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A new board entered once: the old terms end the day before the new ones start."""
    organisation, ancestors = _managed(request, slug)
    body = _body(organisation, pk)
    if refused := _refuse_if_dissolved(request, body):
        return refused
    current = body.positions.in_force().select_related("person").order_by("role", "person")
    form = HandOverForm(request.POST or None)
    # Today's board fills the first rows. Once posted, every row counts as typed: with
    # the initial rows a continuing holder left unchanged would be skipped as untouched.
    initial = (
        None
        if request.method == "POST"
        else [{"person": p.person.email, "role": p.role} for p in current]
    )
    rows = HolderFormSet(
        request.POST or None,
        prefix="holders",
        initial=initial,
        form_kwargs={"party": ancestors[0]},
    )
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        holders = holders_from(rows)
        if not holders:
            form.add_error(None, _("Name at least one person for the new board."))
        else:
            try:
                services.board_hand_over(
                    body=body,
                    holders=holders,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    by=request.user,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The new %(body)s is entered: %(count)d people.")
                    % {"body": body.name, "count": len(holders)},
                )
                return redirect(_body_url(body))
    return render(
        request,
        "organisations/manage/hand_over.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "body": body,
            "form": form,
            "rows": rows,
            "people": _people_suggested(organisation),
        },
    )


# Members


@login_required
@never_cache
def manage_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    memberships = (
        Membership.objects.in_force()
        .filter(organisation__in=_subtree(organisation).values("pk"))
        .select_related("person", "organisation")
        .order_by("person__name", "person__email", "organisation__name")
    )
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/manage/members.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "page": page,
            "form": MembershipAddForm(),
        },
    )


@login_required
def manage_member_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    if refused := _refuse_if_closed(request, organisation):
        return refused
    form = MembershipAddForm(request.POST or None, party=ancestors[0])
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_add(
                organisation=organisation, source="manual", by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(person)s is a member of %(organisation)s.")
                % {
                    "person": membership.person.get_full_name(),
                    "organisation": organisation.name,
                },
            )
            return redirect(
                reverse("organisations:manage_members", kwargs={"slug": organisation.slug})
            )
    return render(
        request,
        "organisations/manage/member_add.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "form": form,
        },
    )


@login_required
def manage_member_end(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("person", "organisation"),
        pk=pk,
        organisation__in=_subtree(organisation).values("pk"),
    )
    form = DayForm(request.POST or None, not_before=membership.since)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                membership=membership, on=form.cleaned_data["on"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The membership is ended."))
            return redirect(
                reverse("organisations:manage_members", kwargs={"slug": organisation.slug})
            )
    return render(
        request,
        "organisations/manage/member_end.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "membership": membership,
            "form": form,
        },
    )
