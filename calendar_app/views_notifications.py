"""A person's reminder settings, and the one-click unsubscribe that needs no login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from organisations.models import User

from .emails import read_unsubscribe_token
from .forms import NotificationForm
from .models import ReminderKind
from .services import notification_settings_of, notifications_set, notifications_unsubscribe


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    current = notification_settings_of(request.user)
    initial = {
        "kinds": [k for k in ReminderKind.values if k not in current.unsubscribed],
        "event_reminders": current.event_reminders,
        "weekly_digest": current.weekly_digest,
    }
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notifications_set(person=request.user, **form.cleaned_data)
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("calendar_app:notifications")
    return render(request, "calendar_app/notifications.html", {"form": form})


def _unsubscribe_target(token: str) -> tuple[User, list[str]]:
    try:
        person_id, kinds = read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not kinds:
        raise Http404
    return person, kinds


@never_cache  # the address carries the person's signed token
@csrf_exempt  # mail clients post the one-click unsubscribe (RFC 8058) without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person, kinds = _unsubscribe_target(token)
    labels = [ReminderKind(kind).label for kind in kinds]
    if request.method == "POST":
        notifications_unsubscribe(person=person, kinds=kinds)
        return render(request, "calendar_app/unsubscribed.html", {"labels": labels})
    return render(request, "calendar_app/unsubscribe.html", {"labels": labels, "token": token})
