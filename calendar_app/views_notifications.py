"""A person's reminder settings, and the one-click unsubscribe that needs no login."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from organisations.models import User

from .emails import read_unsubscribe_token
from .models import NotificationSettings, ReminderKind


class NotificationForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Send me these reminders"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    event_reminders = forms.BooleanField(
        label=gettext_lazy("Remind me of my organisations' events the day before"),
        required=False,
    )
    weekly_digest = forms.BooleanField(
        label=gettext_lazy("Collect my reminders in one email on Mondays"), required=False
    )


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    current, _created = NotificationSettings.objects.get_or_create(person=request.user)
    initial = {
        "kinds": [k for k in ReminderKind.values if k not in current.unsubscribed],
        "event_reminders": current.event_reminders,
        "weekly_digest": current.weekly_digest,
    }
    form = NotificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        current.unsubscribed = [
            k for k in ReminderKind.values if k not in form.cleaned_data["kinds"]
        ]
        current.event_reminders = form.cleaned_data["event_reminders"]
        current.weekly_digest = form.cleaned_data["weekly_digest"]
        current.save()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("calendar_app:notifications")
    return render(request, "calendar_app/notifications.html", {"form": form})


def _unsubscribe_target(token: str) -> tuple[User, list[str]]:
    try:
        person_id, kinds = read_unsubscribe_token(token)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    person = User.objects.filter(pk=person_id).first()
    if person is None or not kinds:
        raise Http404
    return person, kinds


@csrf_exempt  # mail clients post the one-click unsubscribe (RFC 8058) without a session
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    person, kinds = _unsubscribe_target(token)
    labels = [ReminderKind(kind).label for kind in kinds]
    if request.method == "POST":
        current, _created = NotificationSettings.objects.get_or_create(person=person)
        current.unsubscribed = sorted(set(current.unsubscribed) | set(kinds))
        current.save(update_fields=["unsubscribed"])
        return render(request, "calendar_app/unsubscribed.html", {"labels": labels})
    return render(request, "calendar_app/unsubscribe.html", {"labels": labels, "token": token})
