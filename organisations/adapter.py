"""allauth's account adapter, changed only where our login limits need it."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip


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
