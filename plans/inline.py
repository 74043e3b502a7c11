"""Inline editing with htmx: one request per save, answered with a fragment.

Without htmx the same views answer with a full page or a redirect, so every
edit also works with JavaScript switched off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .editing import EditConflict
from .models import Activity


def last_change(instance: models.Model) -> Activity | None:
    return (
        Activity.objects.filter(
            target_type=ContentType.objects.get_for_model(instance), target_id=instance.pk
        )
        .select_related("actor")
        .first()
    )


def current_values(form: forms.Form, current: models.Model) -> list[tuple[str, str]]:
    """What the other person saved, field by field, as the form labels them."""
    rows = []
    for name, field in form.fields.items():
        if name in ("revision", "times_a_year"):
            continue
        if name == "due":
            value = current.due_text
        elif name == "recurrence":
            value = current.recurrence_text
        elif name in ("responsible", "tags"):
            value = ", ".join(str(item) for item in getattr(current, name).all())
        elif name == "delegated":
            value = _("yes") if current.delegated else _("no")
        else:
            value = getattr(current, name, "")
        rows.append((str(field.label), str(value or "–")))
    return rows


def inline_edit(
    request: HttpRequest,
    *,
    make_form: Callable[[Any], forms.Form],
    save: Callable[[forms.Form], models.Model],
    item_response: Callable[[models.Model], HttpResponse],
    form_template: str,
    context: dict,
    editor_url: str,
) -> HttpResponse:
    """GET: the form. POST: save; the item back, or the form again with messages."""
    form = make_form(request.POST if request.method == "POST" else None)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except EditConflict as error:
            change = last_change(error.current)
            conflict = {
                "who": change.actor if change else None,
                "when": change.created_at if change else None,
                "values": current_values(form, error.current),
            }
            # Keep the person's own text, now based on the saved version, so saving
            # again is a deliberate choice to replace the other person's version.
            data = request.POST.copy()
            data[form.add_prefix("revision")] = str(error.current.revision)
            form = make_form(data)
            form.is_valid()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if request.htmx:
                return item_response(saved)
            messages.success(request, _("Saved."))
            return redirect(editor_url)
    page = {
        **context,
        "form": form,
        "conflict": conflict,
        "form_template": form_template,
        "editor_url": editor_url,
    }
    if request.htmx:
        return render(request, form_template, page)
    return render(request, "plans/edit_item_page.html", page)
