"""A person's personal access tokens for the API: make one, see them, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import ApiToken
from .tokens import api_token_create, api_token_revoke


@never_cache  # the page that shows a new secret must not be kept anywhere
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(person=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The token %(name)s is made.") % {"name": token.name})
            form = ApiTokenForm()
    return render(
        request,
        "organisations/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(person=request.user),
        },
    )


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, person=request.user)  # only one's own
    api_token_revoke(token=token)
    messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
    return redirect("api_tokens")
