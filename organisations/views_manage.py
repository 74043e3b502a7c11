"""The organisation admin's own pages: the subtree, its bodies, who holds what, the members.

Every view fetches the organisation by its slug and asks the permission module:
an outsider gets 404, a member without admin rights 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import services
from .forms import (
    CHILD_KINDS,
    BodyForm,
    DayForm,
    NameForm,
    OrganisationCreateForm,
    OrganisationMoveForm,
    PositionAddForm,
)
from .models import Body, BodyKind, Membership, Organisation, Position
from .permissions import can_manage_organisation, move_parents_for, require_in
from .selectors import organisation_with_ancestors

MEMBERS_PER_PAGE = 25
PEOPLE_SUGGESTED = 300  # emails offered in the "add a person" list


def _managed(request: HttpRequest, slug: str) -> tuple[Organisation, list[Organisation]]:
    """The organisation and the breadcrumbs down to it, for its admins only."""
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_manage_organisation(request.user, organisation))
    return organisation, [*ancestors, organisation]


def _body(organisation: Organisation, pk: int) -> Body:
    return get_object_or_404(Body, pk=pk, organisation=organisation)


def _subtree(organisation: Organisation):
    return Organisation.objects.descendants(organisation, include_self=True)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal, on the field it names when the form has that field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _manage_url(organisation: Organisation) -> str:
    return reverse("organisations:manage", kwargs={"slug": organisation.slug})


def _bodies_url(organisation: Organisation) -> str:
    return reverse("organisations:manage_bodies", kwargs={"slug": organisation.slug})


def _body_url(body: Body) -> str:
    return reverse(
        "organisations:manage_body", kwargs={"slug": body.organisation.slug, "pk": body.pk}
    )


def _people_suggested(organisation: Organisation) -> list[tuple[str, str]]:
    """Emails of the members of the organisation and its subtree, for the datalist."""
    return list(
        Membership.objects.in_force()
        .filter(
            organisation__in=_subtree(organisation).values("pk"),
            person__is_active=True,
            person__erased_at__isnull=True,
        )
        .order_by("person__name", "person__email")
        .values_list("person__email", "person__name")
        .distinct()[:PEOPLE_SUGGESTED]
    )


def _refuse_if_closed(request: HttpRequest, organisation: Organisation) -> HttpResponse | None:
    if organisation.closed_on:
        messages.error(request, _("%(name)s is closed.") % {"name": organisation.name})
        return redirect(_manage_url(organisation))
    return None


def _refuse_if_dissolved(request: HttpRequest, body: Body) -> HttpResponse | None:
    if body.dissolved_on:
        messages.error(request, _("%(name)s is dissolved.") % {"name": body.name})
        return redirect(_body_url(body))
    return None


# The tree


@login_required
@never_cache
def manage_overview(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    nodes = list(
        Organisation.objects.with_tree_fields()
        .descendants(organisation, include_self=True)
        .order_siblings_by("name")
    )
    for node in nodes:
        node.relative_depth = node.tree_depth - organisation.tree_depth
    return render(
        request,
        "organisations/manage/overview.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "nodes": nodes,
            "can_have_children": bool(CHILD_KINDS[organisation.kind]),
        },
    )


@login_required
def manage_child_create(request: HttpRequest, slug: str) -> HttpResponse:
    parent, ancestors = _managed(request, slug)
    if refused := _refuse_if_closed(request, parent):
        return refused
    form = OrganisationCreateForm(parent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.organisation_create(
                parent=parent, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": child.name})
            return redirect(_manage_url(child))
    return render(
        request,
        "organisations/manage/child_form.html",
        {"organisation": parent, "ancestors": ancestors, "form": form},
    )


@login_required
def manage_rename(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    form = NameForm(request.POST or None, initial={"name": organisation.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_rename(
                organisation=organisation, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            organisation.refresh_from_db()
            _form_errors(form, error)
        else:
            messages.success(request, _("The organisation is renamed."))
            return redirect(_manage_url(organisation))
    return render(
        request,
        "organisations/manage/rename.html",
        {"organisation": organisation, "ancestors": ancestors, "form": form},
    )


@login_required
def manage_move(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    form = OrganisationMoveForm(organisation, move_parents_for(request.user), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_move(
                organisation=organisation, parent=form.cleaned_data["parent"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s now lies under %(parent)s.")
                % {"name": organisation.name, "parent": form.cleaned_data["parent"].name},
            )
            return redirect(_manage_url(organisation))
    return render(
        request,
        "organisations/manage/move.html",
        {"organisation": organisation, "ancestors": ancestors, "form": form},
    )


@login_required
def manage_close(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_close(
                organisation=organisation, on=form.cleaned_data["on"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s is closed.") % {"name": organisation.name})
            parent = organisation.parent
            if parent and can_manage_organisation(request.user, parent):
                return redirect(_manage_url(parent))
            return redirect(_manage_url(organisation))
    return render(
        request,
        "organisations/manage/close.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "form": form,
            "open_children": organisation.children.filter(closed_on__isnull=True),
        },
    )


# Bodies and who holds what


@login_required
@never_cache
def manage_bodies(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    current = Position.objects.in_force().select_related("person").order_by("role", "person")
    bodies = organisation.bodies.order_by("dissolved_on", "kind", "name").prefetch_related(
        Prefetch("positions", queryset=current, to_attr="current_positions")
    )
    return render(
        request,
        "organisations/manage/bodies.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "bodies": bodies,
            "form": BodyForm(organisation),
        },
    )


@login_required
def manage_body_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    if refused := _refuse_if_closed(request, organisation):
        return refused
    form = BodyForm(organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.body_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": body.name})
            return redirect(_body_url(body))
    return render(
        request,
        "organisations/manage/body_form.html",
        {"organisation": organisation, "ancestors": ancestors, "form": form},
    )


@login_required
@never_cache
def manage_body(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    body = _body(organisation, pk)
    today = timezone.localdate()
    positions = list(body.positions.select_related("person").order_by("role", "-starts_on"))
    return render(
        request,
        "organisations/manage/body.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "body": body,
            "current": [p for p in positions if p.in_force(today)],
            "coming": [p for p in positions if p.starts_on > today],
            "past": [p for p in positions if p.ends_on and p.ends_on < today],
            "form": PositionAddForm(),
            "people": _people_suggested(organisation),
            "is_board": body.kind in (BodyKind.BOARD, BodyKind.EXECUTIVE),
        },
    )


@login_required
def manage_body_rename(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    body = _body(organisation, pk)
    form = BodyForm(organisation, request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_rename(body=body, name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            body.refresh_from_db()
            _form_errors(form, error)
        else:
            messages.success(request, _("The body is renamed."))
            return redirect(_body_url(body))
    return render(
        request,
        "organisations/manage/body_rename.html",
        {"organisation": organisation, "ancestors": ancestors, "body": body, "form": form},
    )


@login_required
def manage_body_dissolve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    body = _body(organisation, pk)
    form = DayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.body_dissolve(body=body, on=form.cleaned_data["on"], by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s is dissolved.") % {"name": body.name})
            return redirect(_bodies_url(organisation))
    return render(
        request,
        "organisations/manage/body_dissolve.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "body": body,
            "form": form,
            "holders": body.positions.in_force().select_related("person"),
        },
    )
