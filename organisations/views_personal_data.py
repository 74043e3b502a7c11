"""A person's own data: read it, download it, delete the account; and the privacy page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import personal_data
from .erasure import person_erase
from .forms import AccountDeleteForm
from .selectors import organisations_left_without_admin


def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/privacy.html",
        {
            # The setting calendar_app's pruning task reads: the page states what it does.
            "delivery_retention_days": settings.REMINDER_DELIVERY_RETENTION_DAYS,
            "session_days": max(1, settings.SESSION_COOKIE_AGE // 86400),
            "login_window_minutes": max(1, getattr(settings, "LOGIN_FAILURE_WINDOW", 900) // 60),
        },
    )


@login_required
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/my_data.html",
        {"parts": personal_data.collect(request.user)},
    )


@login_required
@never_cache
def my_data_download(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        personal_data.as_json_data(request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    filename = f"handlingsplan-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    person = request.user
    alone = organisations_left_without_admin(person)
    form = AccountDeleteForm(person, request.POST or None)
    if request.method == "POST" and not alone and form.is_valid():
        try:
            person_erase(person=person, by=person)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted."))
            return redirect("home")
    return render(
        request,
        "organisations/account_delete.html",
        {"form": form, "alone": alone},
    )
