"""allauth's account adapter, changed only where our login limits need it."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the per-account count of failed logins on host and email,
        # so anyone's wrong guesses lock the owner out, correct password and all.
        # Keyed on the client's address and the email, only the guessing address
        # is blocked (and not per host name, which the client chooses). allauth
        # uses this one key both to count (pre_authenticate) and to clear the
        # count after a password reset.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{get_ip(request)}:{login}"

    def is_open_for_signup(self, request) -> bool:
        # Accounts come by invitation: sign-up opens for a visitor who followed a
        # pending invitation's link, and for everyone only where the installation
        # says so (OPEN_SIGNUP=1).
        from .invitations import invitation_in_session

        if getattr(settings, "OPEN_SIGNUP", False):
            return True
        return invitation_in_session(request) is not None

    def clean_email(self, email: str) -> str:
        # Signing up from an invitation's link: the address is the invited one, which
        # the link has proven (it is marked verified through stash_verified_email).
        from .invitations import invitation_in_session

        email = super().clean_email(email)
        request = self.request
        if request is None or request.user.is_authenticated:
            return email
        invitation = invitation_in_session(request)
        if invitation is not None and email.lower() != invitation.email.lower():
            raise ValidationError(
                _(
                    "The invitation was sent to %(email)s: sign up with that address, or ask "
                    "for an invitation to yours."
                )
                % {"email": invitation.email}
            )
        return email
