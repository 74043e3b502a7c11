"""A person's own security page: second factors and sessions."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import must_use_mfa


@login_required
def security(request: HttpRequest) -> HttpResponse:
    kinds = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    return render(
        request,
        "organisations/security.html",
        {
            "has_totp": Authenticator.Type.TOTP in kinds,
            "has_webauthn": Authenticator.Type.WEBAUTHN in kinds,
            "has_recovery_codes": Authenticator.Type.RECOVERY_CODES in kinds,
            "mfa_required": must_use_mfa(request.user),
        },
    )
