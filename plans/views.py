from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET, require_POST

from goals.due import DueParseError, parse_due
from goals.ticking import annotate_document
from organisations.models import Organisation
from organisations.params import choice_param
from organisations.permissions import (
    can_edit_plan,
    can_manage_plan_lifecycle,
    can_read_drafts,
    can_write_plans,
    get_visible_or_404,
    require,
    require_in,
)
from organisations.selectors import ancestors_of

from .editing import EditConflict
from .forms import NewSectionForm, PlanCreateForm, PlanSettingsForm, SectionForm
from .inline import inline_edit
from .markup import render_markdown
from .models import Plan, PlanImport, PlanStatus, Proposal, Section
from .page_cache import (
    cached_document,
    cached_page,
    measure_context_key,
    page_plan,
    page_response,
    render_measures,
)
from .selectors import document_measures, plan_document
from .services import (
    plan_create,
    plan_update,
    section_create,
    section_delete,
    section_move,
    section_update,
)

PLAN_RELATIONS = (
    "organisation",
    "adopted_by",
    "implements__organisation",
    "previous_version",
    "replaced_by",
)


def _readable_plans(request: HttpRequest):
    return Plan.objects.visible_to(request.user).select_related(*PLAN_RELATIONS)


def visible_plan(request: HttpRequest, pk: int) -> Plan:
    return get_visible_or_404(request, _readable_plans(request), pk=pk)


def editable_plan(request: HttpRequest, pk: int) -> Plan:
    plan = visible_plan(request, pk)
    require(can_edit_plan(request.user, plan))
    return plan


def editable_section(request: HttpRequest, pk: int) -> Section:
    section = get_visible_or_404(
        request,
        Section.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related(
            "plan__organisation"
        ),
        pk=pk,
    )
    require(can_edit_plan(request.user, section.plan))
    return section


def _plan_etag(request: HttpRequest, pk: int) -> str | None:
    """Only a page in the cache has a validator: a reader who may not see the plan never
    gets one, so nothing about a hidden plan's changes shows in its headers."""
    plan = page_plan(request, pk)
    if plan is None:
        return None
    page = cached_page(request, plan)
    return page.etag(request) if page.pieces is not None else None


@condition(etag_func=_plan_etag)
@cache_control(private=True, no_cache=True)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as members read it: the page, or its document, from the cache while they hold."""
    plan = page_plan(request, pk)
    if plan is None:
        visible_plan(request, pk)  # 404, or the login page for a visitor
    return page_response(request, cached_page(request, plan), lambda: _plan_page(request, pk))


def _plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    # page_plan has read the plan's light row and checked with Access.reads_plan that the
    # reader may see it; the scoped queryset would only ask the same again.
    light = page_plan(request, pk)
    plan = get_object_or_404(Plan.objects.select_related(*PLAN_RELATIONS), pk=light.pk)
    plan.last_activity = light.last_activity

    def render_document(csrf_placeholder: str) -> str:
        document = plan_document(plan)
        if plan.status == PlanStatus.ADOPTED:
            annotate_document(request.user, document, plan)
        context = {"csrf_token": csrf_placeholder, "next_url": plan.get_absolute_url()}
        template = get_template("plans/_measure.html")
        render_measures(
            document_measures(document),
            measure_context_key(plan),
            lambda measure: template.render({**context, "measure": measure}),
        )
        return render_to_string(
            "plans/_document.html",
            {
                "plan": plan,
                "document": document,
                "cycle": plan.cycle_entries.order_by("month", "day", "pk"),
                "csrf_token": csrf_placeholder,
                "next_url": plan.get_absolute_url(),
            },
        )

    can_history = can_read_drafts(request.user, plan.organisation)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
            "document_html": cached_document(request, plan, render_document),
            "can_edit": can_edit_plan(request.user, plan),
            "can_write": can_write_plans(request.user, plan.organisation_id),
            "can_manage": can_manage_plan_lifecycle(request.user, plan),
            "can_history": can_history,
            "proposal": Proposal.objects.filter(plan=plan).select_related("meeting").first(),
            "source_document": (
                PlanImport.objects.filter(plan=plan).only("pk", "filename").first()
                if can_history
                else None
            ),
        },
    )


@login_required
def plan_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    require_in(request.user, organisation, can_write_plans(request.user, organisation.pk))
    parent_plans = (
        Plan.objects.visible_to(request.user)
        .filter(organisation_id=organisation.parent_id, status=PlanStatus.ADOPTED)
        .select_related("organisation")
    )
    form = PlanCreateForm(
        request.POST or None,
        parent_plans=parent_plans,
        initial={"language": organisation.language, "visibility": "members"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(
                organisation=organisation,
                **form.values(),
                implements=form.cleaned_data["implements"],
                derived_goals=form.cleaned_data["derived_goals"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was created. Write it here."))
            return redirect("plans:edit", pk=plan.pk)
    return render(
        request,
        "plans/create.html",
        {
            "form": form,
            "organisation": organisation,
            "ancestors": [*ancestors_of(organisation), organisation],
        },
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: the plan as it reads, with inline controls on every part."""
    plan = editable_plan(request, pk)
    return render(
        request,
        "plans/edit.html",
        {
            "plan": plan,
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
            "document": plan_document(plan),
            "new_section_form": NewSectionForm(),
            "can_manage": can_manage_plan_lifecycle(request.user, plan),
        },
    )


@login_required
def plan_settings(request: HttpRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    form = PlanSettingsForm.for_plan(plan, request.POST or None)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            plan_update(
                plan=plan,
                expected_revision=form.cleaned_data["revision"],
                values=form.values(),
                by=request.user,
            )
        except EditConflict as error:
            conflict = True
            data = request.POST.copy()
            data["revision"] = str(error.current.revision)
            form = PlanSettingsForm.for_plan(error.current, data)
            form.is_valid()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("plans:edit", pk=plan.pk)
    return render(
        request,
        "plans/settings.html",
        {
            "plan": plan,
            "form": form,
            "conflict": conflict,
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
        },
    )


@login_required
@require_POST
def markdown_preview(request: HttpRequest, pk: int) -> HttpResponse:
    editable_plan(request, pk)
    text = next((v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"), "")
    return render(request, "plans/_preview.html", {"html": render_markdown(text)})


@login_required
@require_GET
def due_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """How the due text was understood, or which forms are accepted."""
    plan = editable_plan(request, pk)
    text = next((v for k, v in request.GET.items() if k.endswith("due")), "")
    due, error = None, None
    if text.strip():
        try:
            due = parse_due(text, period=(plan.first_year, plan.last_year))
        except DueParseError as problem:
            error = str(problem)
    return render(request, "goals/_due_preview.html", {"due": due, "error": error})


def _section_item(request: HttpRequest, section: Section) -> HttpResponse:
    node = next(n for n in plan_document(section.plan, section=section) if n.section)
    return render(request, "plans/_section_edit.html", {"node": node, "plan": section.plan})


@login_required
def section_item(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_section(request, pk)
    return _section_item(request, section)


@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_section(request, pk)
    return inline_edit(
        request,
        make_form=lambda data: SectionForm.for_section(section, data),
        save=lambda form: section_update_from(form, section, request.user),
        item_response=lambda saved: _section_item(request, saved),
        form_template="plans/_section_form.html",
        context={"section": section, "plan": section.plan},
        editor_url=section.plan.get_edit_url(),
    )


def section_update_from(form: SectionForm, section: Section, user) -> Section:
    return section_update(
        section=section,
        expected_revision=form.cleaned_data["revision"],
        values=form.values(),
        by=user,
    )


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = editable_plan(request, pk)
    form = NewSectionForm(request.POST)
    if form.is_valid():
        section_create(plan=plan, title=form.cleaned_data["title"].strip(), by=request.user)
    else:
        messages.error(request, _("Give the new section a title."))
    return redirect(f"{plan.get_edit_url()}#sections-end")


@login_required
def section_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_section(request, pk)
    plan = section.plan
    if request.method == "POST":
        section_delete(section=section, by=request.user)
        messages.success(request, _("The section was deleted."))
        return redirect(plan.get_edit_url())
    return render(
        request,
        "plans/confirm_delete.html",
        {
            "plan": plan,
            "object": section,
            "what": _("the section and all its goals and measures"),
            "ancestors": [*ancestors_of(plan.organisation), plan.organisation],
        },
    )


@login_required
@require_POST
def section_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    section = editable_section(request, pk)
    direction = choice_param(request.POST.get("direction"), ("up", "down"), None)
    if direction:
        section_move(section=section, direction=direction, by=request.user)
    return redirect(f"{section.plan.get_edit_url()}#section-{section.pk}")
