"""Celery tasks of the ground floor."""

from __future__ import annotations

from importlib import import_module

from celery import shared_task
from django.apps import apps
from django.conf import settings


@shared_task
def clear_expired_sessions() -> None:
    """Daily: delete ended sessions, so none outlives what the privacy page says.

    allauth's record of a session (address, browser) is otherwise only purged
    when the person opens their sessions page.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    store.clear_expired()
    if not apps.is_installed("allauth.usersessions"):
        return
    user_sessions = apps.get_model("usersessions", "UserSession").objects
    if hasattr(store, "get_model_class"):
        live = store.get_model_class().objects.values("session_key")
        user_sessions.exclude(session_key__in=live).delete()
    else:
        for user_session in user_sessions.iterator():
            user_session.purge()
