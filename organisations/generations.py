"""Tokens for what cached pages and rights depend on outside their own content.

Two things change rarely but show everywhere: the **names** of people, bodies
and organisations, and the **rights** people hold (memberships, positions,
admin grants, and the bodies and organisations they belong to). Each has a
token in the cache, replaced whenever a row it covers is saved or deleted,
and again when that transaction commits, so a reader between the two cannot
keep what it read before the commit under the new token. A cache entry that
depends on one is stored with the tokens it was made under and is only
served while they are still current: nothing is expired by hand, and a
renamed body, an erased person or a lost membership never lingers.

Bulk writes (``update()``, ``bulk_create()``, ``bulk_update()``) send no
signals: the services that make them call ``names_changed`` or
``rights_changed`` themselves.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

NAMES = "names-generation"
RIGHTS = "rights-generation"
# What is kept of a person (their account, rights and organisations) holds while both do.
PERSON = (NAMES, RIGHTS)


def _renew(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)


def _changed(key: str) -> None:
    _renew(key)
    transaction.on_commit(lambda: _renew(key))


def names_changed(**kwargs) -> None:
    """Receiver of post_save and post_delete, or called after a bulk write: new names."""
    _changed(NAMES)


def rights_changed(**kwargs) -> None:
    """Receiver of post_save and post_delete, or called after a bulk write: new rights."""
    _changed(RIGHTS)


def _tokens(found: dict, keys: list[str]) -> tuple[str, ...]:
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key) or ""
        tokens.append(token)
    return tuple(tokens)


def names_generation() -> str:
    return _tokens(cache.get_many([NAMES]), [NAMES])[0]


def stored(key: str, *kinds: str):
    """What is kept under ``key``, if it was kept while the tokens of ``kinds`` (NAMES,
    RIGHTS) were what they are now; and those tokens, to keep a new value with.

    One round trip to the cache for the tokens and the value together.
    """
    values, tokens = stored_many([key], *kinds)
    return values.get(key), tokens


def stored_many(keys: list[str], *kinds: str) -> tuple[dict, tuple[str, ...]]:
    """``stored`` for several keys in the same round trip: the ones still current."""
    found = cache.get_many([*kinds, *keys])
    tokens = _tokens(found, list(kinds))
    values = {}
    for key in keys:
        entry = found.get(key)
        if entry is not None and entry[0] == tokens:
            values[key] = entry[1]
    return values, tokens


def keep(key: str, value, tokens: tuple[str, ...], timeout: int) -> None:
    """Keep ``value`` under ``key`` for as long as ``tokens`` stay current."""
    cache.set(key, (tokens, value), timeout)


def person_saved(sender, update_fields=None, **kwargs) -> None:
    if update_fields and set(update_fields) <= {"last_login"}:
        return  # signing in changes no name and no right
    names_changed()
    rights_changed()  # a superuser, or an account switched off


def watch() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Body, Membership, Organisation, OrganisationAdmin, Position, User

    post_save.connect(person_saved, sender=User, dispatch_uid="generations-person-saved")
    for receiver in (names_changed, rights_changed):
        post_delete.connect(receiver, sender=User, dispatch_uid=f"{receiver.__name__}-person")
    for model in (Body, Organisation):  # names, and rights: dissolved, closed, moved
        for receiver in (names_changed, rights_changed):
            uid = f"{receiver.__name__}-{model.__name__}"
            post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
    for model in (Membership, Position, OrganisationAdmin):
        uid = f"rights_changed-{model.__name__}"
        post_save.connect(rights_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(rights_changed, sender=model, dispatch_uid=f"{uid}-delete")
