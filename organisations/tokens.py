"""Personal access tokens for the API: created, shown once, used, revoked.

The secret is random (256 bits), so a plain SHA-256 of it is enough to keep:
nobody can guess a secret from its digest, and the lookup is one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .limits import validate_free_text
from .models import ApiToken, TokenScope, User

TOKEN_PREFIX = "hp_"
TOKEN_LIFETIMES = (30, 90, 365)  # days a person may choose between
MAX_TOKENS_PER_PERSON = 20
# A used token's time is written at most this often, so reads do not all write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, person: User, name: str, scope: str, days: int) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned this once and never stored."""
    name = name.strip()
    validate_free_text(name, max_length=100)
    if not name:
        raise ValidationError(_("Give the token a name."))
    if scope not in TokenScope.values:
        raise ValidationError(_("Unknown scope."))
    if days not in TOKEN_LIFETIMES:
        raise ValidationError(_("Choose how long the token lasts."))
    if ApiToken.objects.filter(person=person, revoked_at__isnull=True).count() >= (
        MAX_TOKENS_PER_PERSON
    ):
        raise ValidationError(_("You have too many tokens; revoke one you no longer use."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        person=person,
        name=name,
        scope=scope,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token with this secret, its person active; None for anything else."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("person")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.person.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
