"""A token for the names that cached pages show: people, bodies and organisations.

Pages and feeds cached elsewhere show these names beside their own content;
their cache keys include this token, which is replaced whenever a person,
body or organisation is saved or deleted, so a renamed body or an erased
person never lingers on a cached page.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

NAMES_KEY = "names-generation"


def names_generation() -> str:
    token = cache.get(NAMES_KEY)
    if token is None:
        cache.add(NAMES_KEY, uuid.uuid4().hex, None)
        token = cache.get(NAMES_KEY)
    return token or ""


def names_changed(**kwargs) -> None:
    """Receiver of post_save and post_delete: a new token."""
    cache.set(NAMES_KEY, uuid.uuid4().hex, None)


def person_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes no name on a page
    names_changed()


def watch_names() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Body, Organisation, User

    post_save.connect(person_saved, sender=User, dispatch_uid="names-person-saved")
    post_delete.connect(names_changed, sender=User, dispatch_uid="names-person-deleted")
    for model in (Body, Organisation):
        post_save.connect(names_changed, sender=model, dispatch_uid=f"names-{model.__name__}-save")
        post_delete.connect(
            names_changed, sender=model, dispatch_uid=f"names-{model.__name__}-delete"
        )
