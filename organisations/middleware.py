from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .permissions import LoginRequired, must_use_mfa


class LoginRequiredMiddleware:
    """Sends an anonymous visitor of a non-public page to the login page and back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginRequired):
            return redirect_to_login(request.get_full_path())
        return None


# The account pages (allauth's account_*, mfa_* and usersessions_* URLs, our
# account_security) and the language switch must stay reachable, or a person
# asked to set up a second factor could neither do it nor log out.
MFA_EXEMPT_URL_PREFIXES = ("account_", "mfa_", "usersessions_")
MFA_EXEMPT_URL_NAMES = {"language", "javascript-catalog"}
# A person's own data, its download and deletion, and the privacy page.
MFA_EXEMPT_NAMESPACES = {"personal_data"}
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


class MfaRequiredMiddleware:
    """Sends a person who must use a second factor and has none to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.namespace in MFA_EXEMPT_NAMESPACES:
            return None
        name = (match.url_name or "") if not match.namespace else ""
        if name in MFA_EXEMPT_URL_NAMES or name.startswith(MFA_EXEMPT_URL_PREFIXES):
            return None
        user = request.user
        if not user.is_authenticated or not must_use_mfa(user):
            return None
        if is_mfa_enabled(user, SECOND_FACTORS):
            return None
        messages.warning(
            request,
            _(
                "As an organisation admin you must use two-factor authentication. "
                "Set up an authenticator app or a security key to continue."
            ),
        )
        url = reverse("mfa_index")
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)


class NotModifiedKeepsPolicyMiddleware:
    """A 304 carries no Content-Security-Policy, so the browser keeps the one of its copy.

    The page in the browser's cache holds the nonce of the response that brought
    it; a 304 with a fresh nonce would replace the stored policy and block the
    page's own scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 304:
            for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
                if header in response:
                    del response[header]
        return response
