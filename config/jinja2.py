"""The Jinja2 environment of the plan's text on its page (README: Architecture).

The plan page draws a measure's entry, and a secretary's tick controls, hundreds of
times, inside the goals and sections of the document; Jinja2 compiles a template to
Python and draws these several times faster than Django's engine. Everything else
stays in Django's templates. The filters are Django's own, so dates, numbers and
words look the same in both.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.text import capfirst
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext
from jinja2 import Environment

from goals.notes import notes_count
from plans.markup import render_markdown


def _date(value, arg: str | None = None) -> str:
    # Django's engine shows an aware datetime in the current time zone before formatting.
    return django_date(template_localtime(value), arg)


_PK = 2_147_483_647  # stands for the primary key in a reversed URL


@functools.cache
def _url_pattern(name: str, prefix: str, urlconf: str) -> str:
    return reverse(name, args=[_PK], urlconf=urlconf)


def _pk_url(name: str, pk: int) -> str:
    """``url(name, pk)`` for a URL whose one argument is a primary key, without
    reversing it anew for each of the hundreds of rows on a page."""
    pattern = _url_pattern(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return pattern.replace(str(_PK), str(int(pk)), 1)


def environment(**options) -> Environment:
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    # Old-style gettext: the messages keep their %(name)s placeholders, filled with
    # |format, so makemessages finds them as _("...") and the catalogues stay one.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals["_"] = gettext  # not through the extension's alias: one call less per message
    env.globals["pk_url"] = _pk_url
    env.globals["notes_count"] = notes_count
    env.filters["date"] = _date
    env.filters["capfirst"] = capfirst
    env.filters["floatformat"] = floatformat
    env.filters["markdown"] = render_markdown
    return env
