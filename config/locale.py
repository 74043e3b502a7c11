"""The interface language: what the person chose, else the organisation's own language.

Django's LocaleMiddleware also reads the browser's Accept-Language, which would
show a Norwegian party's pages in English to anyone with an English browser.
Here the language comes, in order, from the choice made in the language menu
on this device (the cookie), the logged-in person's saved choice, the language
of the organisation the page belongs to, and settings.LANGUAGE_CODE. It lives
in config because it reads both organisations and plans.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers

from organisations.models import Organisation
from plans.models import Plan
from plans.page_cache import page_plan

# URL names (namespace:name) whose ``pk`` is a plan's: the plan's pages and PDFs.
PLAN_PAGES = {
    f"plans:{name}"
    for name in (
        "detail",
        "edit",
        "settings",
        "history",
        "compare",
        "pdf",
        "report_pdf",
        "adopt",
        "propose",
        "new_version",
        "duplicate",
        "delete",
        "original",
        "lines",
        "lines_pdf",
        "amendments",
        "amendment_new",
        "booklet_pdf",
        "votes",
    )
} | {"goals:delegation"}
# Our URLs whose ``slug`` names an organisation (every ``slug`` of ours does).
ORGANISATION_NAMESPACES = {"organisations", "calendar_app", "plans", "goals", ""}


def supported(language: str | None) -> str | None:
    """The language if the interface speaks it, else None."""
    if language and language in dict(settings.LANGUAGES):
        return language
    return None


def organisation_language(request) -> str | None:
    """The language of the organisation the page belongs to, if the URL tells (one query)."""
    resolver_match = request.resolver_match
    if resolver_match is None:
        return None
    kwargs = resolver_match.kwargs
    route = resolver_match.view_name
    if route == "plans:detail" and isinstance(kwargs.get("pk"), int):
        # The plan page reads the same light row for its cache key: one query for both.
        plan = page_plan(request, kwargs["pk"])
        if plan is not None:
            return plan.organisation_language
    if resolver_match.namespace in ORGANISATION_NAMESPACES and isinstance(kwargs.get("slug"), str):
        return (
            Organisation.objects.filter(slug=kwargs["slug"])
            .values_list("language", flat=True)
            .first()
        )
    if route in PLAN_PAGES and isinstance(kwargs.get("pk"), int):
        return (
            Plan.objects.filter(pk=kwargs["pk"])
            .values_list("organisation__language", flat=True)
            .first()
        )
    return None


class OrganisationLocaleMiddleware(LocaleMiddleware):
    """LocaleMiddleware without Accept-Language, falling back on the organisation's language."""

    def process_request(self, request):
        # The person and the page are known only later (process_view); until then
        # the chosen language or the default, never the browser's.
        language = supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        request.language_chosen = language is not None
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.language_chosen:
            return None
        user = getattr(request, "user", None)
        language = None
        if user is not None and user.is_authenticated:
            language = supported(user.language)
        language = language or supported(organisation_language(request))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return None

    def process_response(self, request, response):
        # No i18n_patterns here, so none of LocaleMiddleware's redirects; and no
        # "Vary: Accept-Language", as that header no longer changes the page.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
