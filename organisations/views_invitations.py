"""Invitations: the admin's list and form, and the page the invitation's link opens."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms_invitations import InvitationForm
from .invitations import (
    SESSION_KEY,
    State,
    TokenCheck,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_withdraw,
)
from .models import Invitation, Organisation, User
from .permissions import can_manage_organisation, require_in
from .selectors import organisation_with_ancestors

RECENT_DAYS = 90  # accepted, withdrawn and expired invitations stay on the list this long


def _organisation(request: HttpRequest, slug: str) -> tuple[Organisation, list[Organisation]]:
    """The organisation, for its admins only (404 outside the party, 403 to other members)."""
    organisation, ancestors = organisation_with_ancestors(slug)
    require_in(request.user, organisation, can_manage_organisation(request.user, organisation))
    return organisation, [*ancestors, organisation]


def _invitation(organisation: Organisation, pk: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("body", "invited_by"), organisation=organisation, pk=pk
    )


def _list_url(organisation: Organisation) -> str:
    return reverse("organisations:invitations", kwargs={"slug": organisation.slug})


# The admin's pages -----------------------------------------------------------------------


@login_required
@never_cache
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    mine = Invitation.objects.filter(organisation=organisation).select_related(
        "body", "invited_by", "accepted_by"
    )
    now = timezone.now()
    since = now - timedelta(days=RECENT_DAYS)
    return render(
        request,
        "organisations/invitations/list.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "pending": mine.pending().order_by("expires_at"),
            "recent": mine.exclude(pk__in=mine.pending().values("pk"))
            .filter(
                Q(accepted_at__gte=since)
                | Q(withdrawn_at__gte=since)
                | Q(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gte=since)
            )
            .order_by("-created_at")[:50],
            "now": now,
        },
    )


@login_required
@never_cache
def invitation_new(request: HttpRequest, slug: str) -> HttpResponse:
    organisation, ancestors = _organisation(request, slug)
    form = InvitationForm(organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_create(
                organisation=organisation,
                email=data["email"],
                name=data["name"],
                body=data["body"],
                role=data["role"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The invitation is sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect(_list_url(organisation))
    return render(
        request,
        "organisations/invitations/form.html",
        {"organisation": organisation, "ancestors": ancestors, "form": form},
    )


@login_required
@require_POST
def invitation_send_again(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, _ancestors = _organisation(request, slug)
    invitation = _invitation(organisation, pk)
    try:
        invitation_resend(invitation=invitation, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The invitation is sent again to %(email)s; the link sent before no longer works.")
            % {"email": invitation.email},
        )
    return redirect(_list_url(organisation))


@login_required
@never_cache
def invitation_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw an invitation, after a confirmation page."""
    organisation, ancestors = _organisation(request, slug)
    invitation = _invitation(organisation, pk)
    error = None
    if request.method == "POST":
        try:
            invitation_withdraw(invitation=invitation, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn; its link no longer works.")
                % {"email": invitation.email},
            )
            return redirect(_list_url(organisation))
    return render(
        request,
        "organisations/invitations/withdraw.html",
        {
            "organisation": organisation,
            "ancestors": ancestors,
            "invitation": invitation,
            "error": error,
        },
    )


# The invited person's pages ------------------------------------------------------------

STATUS_OF_REFUSAL = {State.BAD: 404}  # the others are gone for good: 410


def _refused(request: HttpRequest, check: TokenCheck) -> HttpResponse:
    return render(
        request,
        "organisations/invitations/refused.html",
        {"check": check, "invitation": check.invitation},
        status=STATUS_OF_REFUSAL.get(check.state, 410),
    )


def _has_account(email: str) -> bool:
    return User.objects.filter(email__iexact=email, erased_at__isnull=True).exists()


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


@never_cache
def invitation_show(request: HttpRequest, token: str) -> HttpResponse:
    """What the invitation is for, and the one next step for whoever opened the link."""
    check = invitation_check(token)
    if not check.valid:
        return _refused(request, check)
    invitation = check.invitation
    user = request.user
    here = reverse("invitations:show", args=[token])
    return render(
        request,
        "organisations/invitations/show.html",
        {
            "invitation": invitation,
            "token": token,
            "is_invitee": user.is_authenticated and user.email.lower() == invitation.email.lower(),
            "has_account": not user.is_authenticated and _has_account(invitation.email),
            "login_url": _login_url(here),
            "here": here,
        },
    )


@require_POST
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """One click: the logged-in invitee accepts."""
    check = invitation_check(token)
    if not check.valid:
        return _refused(request, check)
    here = reverse("invitations:show", args=[token])
    if not request.user.is_authenticated:
        return redirect(_login_url(here))
    invitation = check.invitation
    if request.user.email.lower() != invitation.email.lower():
        return render(
            request,
            "organisations/invitations/show.html",
            {
                "invitation": invitation,
                "token": token,
                "is_invitee": False,
                "has_account": False,
                "login_url": _login_url(here),
                "here": here,
            },
            status=403,
        )
    try:
        invitation_accept(invitation=invitation, person=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(here)
    messages.success(
        request,
        _("Welcome to %(organisation)s!") % {"organisation": invitation.organisation.name},
    )
    return redirect(invitation.organisation.get_absolute_url())


@never_cache
def invitation_signup(request: HttpRequest, token: str) -> HttpResponse:
    """Open sign-up for this visitor and this address, then go to allauth's sign-up form."""
    check = invitation_check(token)
    if not check.valid:
        return _refused(request, check)
    invitation = check.invitation
    here = reverse("invitations:show", args=[token])
    if request.user.is_authenticated:
        return redirect(here)
    if _has_account(invitation.email):
        return redirect(_login_url(here))
    request.session[SESSION_KEY] = token
    # The address came through the invitation's link: allauth marks it verified.
    get_adapter(request).stash_verified_email(request, invitation.email)
    next_url = invitation.organisation.get_absolute_url()
    return redirect(f"{reverse('account_signup')}?{urlencode({'next': next_url})}")
