"""Rendered once, read many times: the plan page's document and its conditional answer.

What members read most is the plan's text with its progress, and that changes
only when a service writes to the plan, which every one of them logs. So the
rendered document is cached under a key made of what it depends on:

- the plan's stamp: its id, revision and status and the newest entry of its
  activity log (every edit, reorder, tick, note, measurement, wheel change and
  adoption writes one, in the same transaction as the change);
- the names it shows that live outside the plan (people, bodies,
  organisations): a token replaced whenever one of them is saved or deleted;
- the reader's class: a visitor, a member (notes and names) or someone who
  ticks (the organisations they tick for and the bodies they sit in);
- the language and the day (overdue marks and the date fields count from today).

A write changes the stamp, so the next read renders anew; nothing is deleted
or expired by hand, and a stale page cannot be served. The cache is Django's:
Redis in production, local memory on a developer's machine.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from organisations.generations import NAMES, RIGHTS, keep, names_generation, stored
from organisations.models import Organisation
from organisations.permissions import access_for

from .models import Activity, Plan, PlanStatus

CSRF_PLACEHOLDER = "__handlingsplan_csrf__"
MAX_ID = 2**63 - 1
TIMEOUT = 60 * 60 * 24 * 7  # unused entries age out; keys change with every write


def plan_stamp(plan: Plan) -> str:
    """Changes with every write to the plan: the newest entry of its activity log."""
    last = getattr(plan, "last_activity", None)
    if last is None:
        last = Activity.objects.filter(plan_id=plan.pk).aggregate(last=Max("pk"))["last"] or 0
        plan.last_activity = last
    return f"{plan.pk}.{plan.revision}.{plan.status}.{last}"


def reader_class(user, plan: Plan) -> str:
    """What changes what the document shows: members' content, and who may tick what."""
    access = access_for(user)
    member = plan.organisation_id in access.member
    if plan.status != PlanStatus.ADOPTED or not (access.tick or access.bodies):
        return "member" if member else "public"
    rights = f"{sorted(access.tick)}|{sorted(access.bodies)}"
    return f"{'member' if member else 'public'}-tick-{_digest(rights)[:16]}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def document_key(plan: Plan, user) -> str:
    parts = (
        plan_stamp(plan),
        names_generation(),
        reader_class(user, plan),
        translation.get_language() or settings.LANGUAGE_CODE,
        timezone.localdate().isoformat(),
    )
    return "plan-document:" + _digest(":".join(parts))


def cached_document(request, plan: Plan, render) -> SafeString:
    """The document as ``render()`` makes it, from the cache when nothing it shows changed.

    The forms in it carry a placeholder where the CSRF token goes; each reader
    gets their own token put in, so one reader's token is never served to another.
    """
    key = document_key(plan, request.user)
    html = cache.get(key)
    if html is None:
        html = render(CSRF_PLACEHOLDER)
        cache.set(key, html, TIMEOUT)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308 - rendered by our templates, escaped there


# The whole page, for a reader who comes back. What differs from request to
# request in a page that is otherwise the same — the CSP nonce and the CSRF
# token — is taken out before it is stored and put back for each reader.
NONCE_PLACEHOLDER = "__handlingsplan_nonce__"
CSRF_BYTES, NONCE_BYTES = CSRF_PLACEHOLDER.encode(), NONCE_PLACEHOLDER.encode()
# Splitting on a group keeps the placeholders as pieces of their own.
PLACEHOLDERS = re.compile(b"(" + re.escape(CSRF_BYTES) + b"|" + re.escape(NONCE_BYTES) + b")")


def _rights(user) -> str:
    access = access_for(user)
    sets = (access.member, access.officer, access.tick, access.edit, access.admin, access.bodies)
    return _digest("|".join(str(sorted(ids)) for ids in sets))


def page_plan(request, pk: int) -> Plan | None:
    """The plan as far as the cached page needs it (its stamp, its organisation's
    language), if the reader may see it: one light query, once per request.

    The query is written out once rather than built by the ORM on each request:
    compiling the scoped queryset took three times as long as serving the page from
    the cache. Who may read the row is decided by the permission module's
    ``Access.reads_plan``, the same rule as ``visible_to`` in Python.
    """
    found = request.__dict__.setdefault("_page_plans", {})
    if not 0 < pk <= MAX_ID:
        return None  # no such row, and more than the database's integers hold
    if pk not in found:
        with connection.cursor() as cursor:
            cursor.execute(_light_row_sql(), [pk])
            row = cursor.fetchone()
        plan = None
        if row is not None:
            plan = Plan(
                pk=row[0],
                revision=row[1],
                status=row[2],
                visibility=row[3],
                proposal_public=bool(row[4]),
                organisation_id=row[5],
            )
            plan.organisation_language = row[6]
            plan.last_activity = row[7] or 0
            if not access_for(request.user).reads_plan(plan):
                plan = None
        found[pk] = plan
    return found[pk]


@functools.cache
def _light_row_sql() -> str:
    quote = connection.ops.quote_name
    plan, organisation, activity = Plan._meta, Organisation._meta, Activity._meta

    def column(meta, name):
        return quote(meta.get_field(name).column)

    return (
        f"SELECT p.{column(plan, 'id')}, p.{column(plan, 'revision')}, p.{column(plan, 'status')},"
        f" p.{column(plan, 'visibility')}, p.{column(plan, 'proposal_public')},"
        f" p.{column(plan, 'organisation')}, o.{column(organisation, 'language')},"
        f" (SELECT MAX(a.{column(activity, 'id')}) FROM {quote(activity.db_table)} a"
        f"  WHERE a.{column(activity, 'plan')} = p.{column(plan, 'id')})"
        f" FROM {quote(plan.db_table)} p"
        f" JOIN {quote(organisation.db_table)} o"
        f"  ON o.{column(organisation, 'id')} = p.{column(plan, 'organisation')}"
        f" WHERE p.{column(plan, 'id')} = %s"
    )


class Page:
    """The reader's cached plan page: its key, the tokens it is valid under, and, when the
    cache has it, its encoded pieces around the placeholders."""

    def __init__(self, request, plan: Plan):
        self.key = None
        self.pieces = None
        self.tokens = ()
        if request.GET or len(get_messages(request)):
            return  # query strings are not cached; a message is shown once
        user = request.user
        parts = (
            plan_stamp(plan),
            plan.visibility,
            str(plan.proposal_public),
            str(getattr(user, "pk", "") or ""),
            translation.get_language() or settings.LANGUAGE_CODE,
            timezone.localdate().isoformat(),
            request.path,
            "htmx" if getattr(request, "htmx", False) else "",
        )
        self.key = "plan-page-pieces:" + _digest(":".join(parts))
        # A visitor's page shows names; a person's also their rights (what they may
        # see and tick, and their organisations in the menu).
        kinds = (NAMES, RIGHTS) if user.is_authenticated else (NAMES,)
        self.pieces, self.tokens = stored(self.key, *kinds)

    def etag(self, request) -> str | None:
        """The validator of the page, tied to the reader's CSRF secret (the page's forms
        carry a token made from it)."""
        if self.key is None:
            return None
        cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
        return _digest(f"{self.key}:{':'.join(self.tokens)}:{cookie}")[:40]


def cached_page(request, plan: Plan) -> Page:
    """The reader's page of ``plan`` (from the light row of ``page_plan``), once per request."""
    pages = request.__dict__.setdefault("_plan_pages", {})
    if plan.pk not in pages:
        pages[plan.pk] = Page(request, plan)
    return pages[plan.pk]


def page_response(request, page: Page, render):
    """The cached page with this request's nonce and CSRF token, or the response of
    ``render()``, kept when it is a plain 200 HTML page.

    The page is kept as its encoded pieces around the two placeholders, so serving it
    is one join, not a search through the whole text for each placeholder.
    """
    from django.http import HttpResponse

    if page.pieces is not None:
        fills = {NONCE_BYTES: str(request.csp_nonce).encode()}
        if CSRF_BYTES in page.pieces:
            fills[CSRF_BYTES] = get_token(request).encode()
        return HttpResponse(b"".join(fills.get(part, part) for part in page.pieces))
    response = render()
    if page.key is None or response.status_code != 200 or response.cookies:
        return response
    html = response.content.decode()
    token = _rendered_csrf_token(html)
    if token:
        html = html.replace(token, CSRF_PLACEHOLDER)
    nonce = str(getattr(request, "csp_nonce", "") or "")
    if nonce:
        html = html.replace(nonce, NONCE_PLACEHOLDER)
    keep(page.key, PLACEHOLDERS.split(html.encode()), page.tokens, TIMEOUT)
    response.headers.setdefault("ETag", f'"{page.etag(request)}"')
    return response


def _rendered_csrf_token(html: str) -> str:
    marker = 'name="csrfmiddlewaretoken" value="'
    start = html.find(marker)
    if start < 0:
        return ""
    start += len(marker)
    return html[start : html.index('"', start)]


# One measure at a time: after a tick, the next render of the page takes every
# other measure from the cache and renders only the one that changed.


def _measure_fingerprint(measure) -> str:
    """Everything a measure's entry shows: its fields, its lists, and the reader's state."""
    state = getattr(measure, "state", None)
    parts = [
        tuple(getattr(measure, field.attname) for field in measure._meta.concrete_fields),
        tuple(body.pk for body in measure.bodies),
        tuple((tag.pk, tag.name) for tag in measure.tag_list),
        tuple(organisation.pk for organisation in measure.delegate_list),
        tuple((t.pk, t.occurrence, t.assignment_id) for t in measure.tick_list),
        tuple((a.pk, a.status, a.completed_at, a.organisation_id) for a in measure.assignment_list),
    ]
    if state is not None:
        parts += [
            (state.can_tick, state.show_people, state.show_notes, state.overdue),
            tuple(note.pk for note in state.notes),
            tuple(a.pk for a in state.my_assignments),
        ]
    return _digest(repr(parts))


def render_measures(measures: list, context_key: str, render_one) -> None:
    """Put each measure's entry on ``measure.html``: from the cache, or ``render_one``."""
    keys = {
        measure.pk: f"plan-measure:{_digest(context_key + _measure_fingerprint(measure))}"
        for measure in measures
    }
    found = cache.get_many(list(keys.values()))
    missing = {}
    for measure in measures:
        html = found.get(keys[measure.pk])
        if html is None:
            html = missing[keys[measure.pk]] = render_one(measure)
        measure.html = mark_safe(html)  # noqa: S308 - rendered by our templates
    if missing:
        cache.set_many(missing, TIMEOUT)


def measure_context_key(plan: Plan) -> str:
    """What every measure's entry depends on besides the measure: names, language, day."""
    return ":".join(
        (
            str(plan.status),
            names_generation(),
            translation.get_language() or settings.LANGUAGE_CODE,
            timezone.localdate().isoformat(),
        )
    )


def everything_stamp() -> str:
    """Changes with any write to any plan, name or right: for rare, wide reads (exports)."""
    last = Activity.objects.aggregate(last=Max("pk"))["last"] or 0
    return f"{last}:{names_generation()}"


def reader_validator(request, *parts: str) -> str:
    """A validator for a download that shows what ``parts`` name, as this reader sees it."""
    user = request.user
    language = translation.get_language() or settings.LANGUAGE_CODE
    common = (
        _rights(user),
        str(getattr(user, "pk", "") or ""),
        language,
        timezone.localdate().isoformat(),
        request.get_full_path(),
    )
    return _digest(":".join((*parts, *common)))[:40]
