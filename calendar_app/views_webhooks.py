"""An organisation's webhooks: its admins register endpoints and follow their deliveries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from organisations.models import Organisation
from organisations.permissions import can_manage_organisation, require_in
from organisations.selectors import organisation_with_ancestors

from .forms import WebhookForm
from .models_webhooks import WebhookEndpoint
from .webhooks import SIGNATURE_HEADER, webhook_create, webhook_delete

SHOWN_DELIVERIES = 50


def _managed(request: HttpRequest, slug: str) -> tuple[Organisation, list[Organisation]]:
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_manage_organisation(request.user, organisation))
    return organisation, ancestors


@login_required
def webhooks(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhook_create(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("The webhook is registered."))
            return redirect("organisation_webhook", slug=slug, pk=endpoint.pk)
    return render(
        request,
        "calendar_app/webhooks.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "form": form,
            "endpoints": organisation.webhooks.all(),
        },
    )


@never_cache  # the page shows the secret
@login_required
def webhook_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, ancestors = _managed(request, slug)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, organisation=organisation)
    return render(
        request,
        "calendar_app/webhook_detail.html",
        {
            "organisation": organisation,
            "ancestors": [*ancestors, organisation],
            "endpoint": endpoint,
            "deliveries": endpoint.deliveries.order_by("-created_at", "-pk")[:SHOWN_DELIVERIES],
            "signature_header": SIGNATURE_HEADER,
        },
    )


@login_required
@require_POST
def webhook_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _ancestors = _managed(request, slug)
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk, organisation=organisation)
    webhook_delete(endpoint=endpoint, by=request.user)
    messages.success(request, _("The webhook is removed."))
    return redirect("organisation_webhooks", slug=slug)
