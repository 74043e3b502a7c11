"""The membership register import: upload, choose columns, preview, apply, result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import Organisation, RegisterImport
from .permissions import can_manage_organisation, require_in
from .register.forms import FIELD_LABELS, RegisterMappingForm, RegisterUploadForm
from .register.readers import MAX_BYTES, ReadError
from .register.services import (
    is_mapped,
    register_import_apply,
    register_import_map,
    register_import_plan,
    register_import_start,
)
from .selectors import organisation_with_ancestors

SHOWN = 100  # rows of each list on the preview; the counts say how many there are


def _organisation(request: HttpRequest, slug: str) -> tuple[Organisation, list[Organisation]]:
    """The organisation, for its admins only (404 outside the party, 403 to other members)."""
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_manage_organisation(request.user, organisation))
    return organisation, [*ancestors, organisation]


def _import(organisation: Organisation, pk: int) -> RegisterImport:
    return get_object_or_404(RegisterImport, organisation=organisation, pk=pk)


def _step(register_import: RegisterImport, slug: str) -> HttpResponse | None:
    """Send a request for a step that is over (or not yet reached) to the right one."""
    if register_import.applied_at:
        return redirect("organisations:register_result", slug=slug, pk=register_import.pk)
    return None


@login_required
@never_cache
def register_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            register_import = register_import_start(
                organisation=organisation,
                by=request.user,
                filename=upload.name,
                data=upload.read(MAX_BYTES + 1),
            )
        except ReadError as error:
            form.add_error("file", str(error))
        else:
            return redirect(
                "organisations:register_mapping", slug=organisation.slug, pk=register_import.pk
            )
    earlier = RegisterImport.objects.filter(
        organisation=organisation, applied_at__isnull=False
    ).select_related("uploaded_by")[:10]
    return render(
        request,
        "organisations/register/upload.html",
        {"organisation": organisation, "ancestors": ancestors, "form": form, "earlier": earlier},
    )


@login_required
@never_cache
def register_mapping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    register_import = _import(organisation, pk)
    if response := _step(register_import, slug):
        return response
    if is_mapped(register_import):
        return redirect("organisations:register_preview", slug=slug, pk=pk)
    columns = register_import.mapping["columns"]
    guess = register_import.mapping.get("guess", {})
    form = RegisterMappingForm(
        columns,
        request.POST or None,
        initial={name: value for name, value in guess.items() if value is not None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            register_import_map(register_import=register_import, mapping=form.mapping())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("organisations:register_preview", slug=slug, pk=pk)
    samples = [row["cells"] for row in register_import.rows[:3]]
    column_samples = [
        (name, [cells[index] for cells in samples if index < len(cells) and cells[index]])
        for index, name in enumerate(columns)
    ]
    return render(
        request,
        "organisations/register/mapping.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "register_import": register_import,
            "form": form,
            "column_samples": column_samples,
            "ignored": register_import.mapping.get("ignored", []),
            "rows": len(register_import.rows),
        },
    )


@login_required
@never_cache
def register_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    register_import = _import(organisation, pk)
    if response := _step(register_import, slug):
        return response
    if not is_mapped(register_import):
        return redirect("organisations:register_mapping", slug=slug, pk=pk)
    plan = register_import_plan(register_import)
    fields = register_import.mapping["fields"]
    return render(
        request,
        "organisations/register/preview.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "register_import": register_import,
            "plan": plan,
            "counts": plan.counts(),
            "new": plan.new[:SHOWN],
            "changed": plan.changed[:SHOWN],
            "ended": plan.ended[:SHOWN],
            "errors": plan.errors[:SHOWN],
            "warnings": plan.warnings[:SHOWN],
            "shown": SHOWN,
            "fields": [(FIELD_LABELS[name], column) for name, column in fields.items()],
        },
    )


@login_required
@require_POST
def register_apply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _ancestors = _organisation(request, slug)
    register_import = _import(organisation, pk)
    if response := _step(register_import, slug):
        return response
    try:
        register_import_apply(
            register_import=register_import,
            by=request.user,
            end_missing=request.POST.get("end_missing") == "1",
            digest=request.POST.get("digest", "")[:64],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("organisations:register_preview", slug=slug, pk=pk)
    return redirect("organisations:register_result", slug=slug, pk=pk)


@login_required
@require_POST
def register_discard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Throw away a file that was not applied, with the rows kept of it."""
    organisation, _ancestors = _organisation(request, slug)
    register_import = _import(organisation, pk)
    if response := _step(register_import, slug):
        return response
    register_import.delete()
    messages.success(request, _("The file was discarded; nothing was changed."))
    return redirect("organisations:register_upload", slug=slug)


@login_required
@never_cache
def register_result(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    register_import = _import(organisation, pk)
    if not register_import.applied_at:
        return redirect("organisations:register_preview", slug=slug, pk=pk)
    return render(
        request,
        "organisations/register/result.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "register_import": register_import,
            "summary": register_import.summary,
        },
    )
