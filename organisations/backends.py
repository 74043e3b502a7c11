"""The authentication backends, reading the signed-in person from the cache.

Each request of a signed-in person loads their account (Django's ``get_user``)
and, for the permission checks, their rights and organisations. All three
change rarely, so they are kept in the cache under the person tokens of
``organisations.generations`` (replaced whenever an account, a membership, a
position, a grant, a body or an organisation is written) and read together in
one round trip. The account is checked as Django checks it: inactive accounts
get no user, and the session's hash is compared with the account's.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.utils import timezone

from .generations import PERSON, keep, stored_many
from .permissions import access_key
from .selectors import my_organisations_key

TIMEOUT = 60 * 60 * 24


class CachedPersonMixin:
    def get_user(self, user_id):
        today = timezone.localdate()
        person, access, mine = (
            f"person:{user_id}",
            access_key(user_id, today),
            my_organisations_key(user_id, today),
        )
        values, tokens = stored_many([person, access, mine], *PERSON)
        user = values.get(person)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                keep(person, user, tokens, TIMEOUT)
            return user
        if not self.user_can_authenticate(user):
            return None
        if access in values:
            user._handlingsplan_access = values[access]
        if mine in values:
            user._handlingsplan_my_orgs = values[mine]
        return user


class ModelBackend(CachedPersonMixin, DjangoModelBackend):
    """Django's backend (email and password, the test client's logins)."""


class AuthenticationBackend(CachedPersonMixin, AllauthBackend):
    """allauth's backend (its login, passkeys and login by code)."""
