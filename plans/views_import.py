"""Importing a plan document: upload, review, create the draft; the original file."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisations.models import Organisation
from organisations.permissions import can_read_drafts, can_write_plans, require_in

from .importing.blocks import ReadError
from .importing.readers import MAX_UPLOAD_BYTES
from .importing.review import (
    all_goals,
    apply_edits,
    bodies_of,
    plan_import_apply,
    plan_import_read,
    resolution,
    summary,
    warnings_of,
)
from .models import PlanImport
from .views import visible_plan


class UploadForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Plan document"),
        help_text=gettext_lazy("Word (.docx), PDF with text, Markdown (.md) or text (.txt)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.md,.markdown,.txt"}),
    )


def _importing_organisation(request: HttpRequest, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_in(request.user, organisation, can_write_plans(request.user, organisation.pk))
    return organisation


@login_required
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """A board member uploads a plan document; it is read, and nothing of a plan is written."""
    organisation = _importing_organisation(request, slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["document"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error(
                "document",
                _("The file is larger than %(limit)d MB.") % {"limit": MAX_UPLOAD_BYTES // 2**20},
            )
        else:
            try:
                plan_import = plan_import_read(
                    organisation=organisation,
                    data=upload.read(),
                    filename=upload.name,
                    by=request.user,
                )
            except ReadError as error:
                form.add_error("document", str(error))
            else:
                return redirect("plans:import_review", slug=organisation.slug, pk=plan_import.pk)
    return render(
        request,
        "plans/import_upload.html",
        {
            "form": form,
            "organisation": organisation,
            "limit_mb": MAX_UPLOAD_BYTES // 2**20,
        },
    )


@login_required
def import_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The plan as it was read, beside its source; the person corrects it and creates the draft."""
    organisation = _importing_organisation(request, slug)
    plan_import = get_object_or_404(PlanImport, pk=pk, organisation=organisation, plan__isnull=True)
    plan = plan_import.read
    errors: list[str] = []
    if request.method == "POST":
        edited = apply_edits(plan_import.read, request.POST)
        plan, errors = edited.plan, edited.errors
        if not errors:
            try:
                draft = plan_import_apply(plan_import=plan_import, plan=plan, by=request.user)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, _("The draft was created from the document."))
                return redirect(draft.get_absolute_url())
    rows = resolution(plan, organisation)
    decisions = plan.get("decisions", {})
    for index, row in enumerate(rows):
        row["field"] = f"body-{index}"
        row["decision"] = decisions.get(row["name"].casefold(), "text")
    goals = [(goal, depth) for goal, depth in all_goals(plan)]
    return render(
        request,
        "plans/import_review.html",
        {
            "organisation": organisation,
            "plan_import": plan_import,
            "plan": plan,
            "errors": errors,
            "warnings": warnings_of(plan, rows),
            "summary": summary(plan, organisation),
            "bodies": rows,
            "existing_bodies": bodies_of(organisation),
            "goal_choices": [(g["key"], f"{g['code']} {g['title']}".strip()) for g, _ in goals],
            "posted": request.method == "POST",
        },
    )


@login_required
def plan_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The document a plan was imported from, for those who may read its draft."""
    plan = visible_plan(request, pk)
    require_in(request.user, plan.organisation, can_read_drafts(request.user, plan.organisation))
    plan_import = get_object_or_404(PlanImport, plan=plan)
    response = HttpResponse(bytes(plan_import.data), content_type=plan_import.content_type)
    response["Content-Disposition"] = _attachment(plan_import.filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _attachment(filename: str) -> str:
    safe = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._- ")) or "plan"
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename)}"
