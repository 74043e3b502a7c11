from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations.permissions import get_visible_or_404
from organisations.selectors import ancestors_of

from .models import Event


def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_visible_or_404(
        request, Event.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    return render(
        request,
        "calendar_app/event_detail.html",
        {"event": event, "ancestors": ancestors_of(event.organisation)},
    )
