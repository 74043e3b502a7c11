"""Writes to a person's account: the language of their emails, their sessions, deactivation."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import audit
from .generations import names_changed
from .models import Language, Organisation, User
from .permissions import forget_access


def person_language_set(*, person: User, language: str) -> None:
    """The language a person chose in the menu is also the language of their emails."""
    if language in dict(Language.choices) and person.language != language:
        User.objects.filter(pk=person.pk).update(language=language)
        names_changed()  # update() sends no signal; the cached account shows the language


def person_sessions_end(person: User) -> None:
    """Log the person out everywhere: delete the sessions that belong to them.

    Sessions kept elsewhere than in a table (cache, cookie) end anyway for an
    inactive account: the authentication backend no longer returns its user.
    """
    if apps.is_installed("allauth.usersessions"):
        from allauth.usersessions.models import UserSession

        for user_session in UserSession.objects.filter(user=person):
            user_session.end()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return
    mine = str(person.pk)
    keys = [
        session.session_key
        for session in store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == mine
    ]
    for key in keys:
        store(session_key=key).delete()  # through the store, so a cached copy goes too


@transaction.atomic
def person_deactivate(*, person: User, by: User | None = None) -> User:
    """The account stops at once: no login, no session, no private feed."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    forget_access(person)
    person_sessions_end(person)
    organisations = Organisation.objects.filter(
        Q(memberships__person=person)
        | Q(bodies__positions__person=person)
        | Q(admin_grants__person=person)
    ).distinct()
    for organisation in organisations:
        audit(
            organisation=organisation,
            actor=by,
            action="person.deactivate",
            target=person,
            summary=str(person),
        )
    return person
