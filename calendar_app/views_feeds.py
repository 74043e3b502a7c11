"""The iCalendar feeds: public per organisation, private per person (secret URL)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from organisations.generations import names_generation
from organisations.models import Organisation
from organisations.params import token_value
from organisations.selectors import organisations_of, with_ancestor_ids

from .feeds import feed_ics
from .models import Event, FeedToken
from .selectors import of_current_versions


def _fingerprint(events) -> tuple[str, datetime | None]:
    # The sum of the ids tells a changed set of events from another of the same size.
    summary = events.aggregate(latest=Max("updated_at"), count=Count("id"), ids=Sum("id"))
    key = f"{summary['latest']}-{summary['count']}-{summary['ids']}"
    return hashlib.sha256(key.encode()).hexdigest()[:32], summary["latest"]


def _feed_state(request, events_for, kwargs) -> tuple:
    """(subject, events, etag, last modified), worked out once per request."""
    state = request.__dict__.get("_feed_state")
    if state is None:
        subject, events = events_for(**kwargs)
        state = request._feed_state = (subject, events, *_fingerprint(events))
    return state


def conditional(events_for):
    """ETag and Last-Modified from the feed's events, so unchanged feeds answer 304."""

    def etag(request, **kwargs):
        return _feed_state(request, events_for, kwargs)[2]

    def last_modified(request, **kwargs):
        return _feed_state(request, events_for, kwargs)[3]

    return condition(etag_func=etag, last_modified_func=last_modified)


def _ics_response(request: HttpRequest, events, name: str, etag: str) -> HttpResponse:
    """The feed, from the cache while its events, names and language are the same.

    Calendar clients fetch every few minutes, most without conditional headers.
    """
    base_url = request.build_absolute_uri("/")[:-1]
    parts = (etag, name, base_url, names_generation(), get_language() or "")
    key = "feed:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    body = cache.get(key)
    if body is None:
        body = feed_ics(
            events.select_related("organisation").order_by("starts_at"),
            name=name,
            base_url=base_url,
        )
        cache.set(key, body, 60 * 60 * 24)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def public_events(slug: str):
    organisation = get_object_or_404(Organisation.objects.with_tree_fields(), slug=slug)
    above = [pk for pk in organisation.tree_path if pk != organisation.pk]
    events = of_current_versions(Event.objects.filter(visibility="public")).filter(
        Q(organisation=organisation) | Q(organisation__in=above, for_descendants=True)
    )
    return organisation, events


def private_events(token: str):
    if token_value(token) is None:
        raise Http404  # e.g. a NUL character, which PostgreSQL cannot even compare
    # A deactivated person's feed ends with the account (DESIGN.md §5).
    feed = (
        FeedToken.objects.select_related("person")
        .filter(token=token, person__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404
    person = feed.person
    own = [organisation.pk for organisation in organisations_of(person)]
    return person, of_current_versions(Event.objects.visible_to(person)).filter(
        organisation__in=with_ancestor_ids(own)
    )


@conditional(public_events)
def public_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """/org/<slug>/calendar.ics: the public events, with those from above meant for it."""
    organisation, events, etag, _latest = _feed_state(request, public_events, {"slug": slug})
    response = _ics_response(request, events, organisation.name, etag)
    response["Content-Disposition"] = f'inline; filename="{organisation.slug}.ics"'
    return response


@cache_control(private=True)  # the address is the secret; no shared cache may keep it
@conditional(private_events)
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own feed: the events of all their organisations they may see."""
    _person, events, etag, _latest = _feed_state(request, private_events, {"token": token})
    return _ics_response(request, events, _("My organisations"), etag)
