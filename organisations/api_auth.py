"""The API's plumbing: token authentication, limits, body size and errors.

Apart from api.py because the REST framework's settings import these while it
loads its own views.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken
from .permissions import token_allows_progress
from .tokens import api_token_authenticate

MAX_BODY_BYTES = 64 * 1024  # a note, a value, a count: never more


class TokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer hp_…``: a personal access token acts as its person."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in self.keywords:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give one token after the word Bearer."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = api_token_authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid: unknown, revoked or expired.")
            )
        return token.person, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenScopePermission(BasePermission):
    """Reading is open (the querysets decide what is seen); writing needs a person."""

    message = gettext_lazy("Log in or use a token to record progress.")

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or bool(
            request.user and request.user.is_authenticated
        )


def require_progress_scope(request) -> None:
    """After the object is found (404 first, as on the pages): may this token write?"""
    if not token_allows_progress(request.auth):
        raise exceptions.PermissionDenied(_("This token may only read; make one that may record."))


def require_right(allowed: bool) -> None:
    """A right from permissions.py refused: 403, as the pages' require()."""
    if not allowed:
        raise exceptions.PermissionDenied(_("You may not do this."))


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class TokenRateThrottle(_RateFromSettings):
    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class AddressRateThrottle(_RateFromSettings):
    scope = "address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


class SmallJSONParser(JSONParser):
    """JSON of at most MAX_BODY_BYTES, read no further than that."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES:
            raise BodyTooLarge
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge
        try:
            data = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise exceptions.ParseError(_("The body is not valid JSON: %s") % error) from None
        if not isinstance(data, dict):
            raise exceptions.ParseError(_("The body must be a JSON object."))
        return data


def exception_handler(exc, context):
    """Django's own refusals become the API's: 400 with the messages, 403."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
