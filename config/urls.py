from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from calendar_app import views_feeds as calendar_feeds
from calendar_app import views_webhooks
from config.api import not_found
from goals import views_dashboard
from organisations import views as organisation_views
from organisations import views_account, views_tokens


class FaviconView(RedirectView):
    """Browsers and crawlers ask for /favicon.ico whatever the page names: our SVG icon."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")  # at request time: the hashed name once collected


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmarks' minimal view: the process answers."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    # Unnamed on purpose: not pages of ours, so not in the permission matrix.
    path("favicon.ico", FaviconView.as_view()),
    path("healthz", healthz),
    path("", organisation_views.home, name="home"),
    # Pages of the apps above that live at an organisation's address: the public feed's
    # address is in people's calendar apps, so it never changes.
    path(
        "org/<slug:slug>/dashboard/",
        views_dashboard.organisation_dashboard,
        name="organisation_dashboard",
    ),
    path("org/<slug:slug>/calendar.ics", calendar_feeds.public_feed, name="calendar_feed"),
    path("org/<slug:slug>/webhooks/", views_webhooks.webhooks, name="organisation_webhooks"),
    path(
        "org/<slug:slug>/webhooks/<int:pk>/",
        views_webhooks.webhook_detail,
        name="organisation_webhook",
    ),
    path(
        "org/<slug:slug>/webhooks/<int:pk>/delete/",
        views_webhooks.webhook_delete_view,
        name="organisation_webhook_delete",
    ),
    path("org/", include("organisations.urls")),
    path("plans/", include("plans.urls")),
    path("goals/", include("goals.urls")),
    path("calendar/", include("calendar_app.urls")),
    path("invitation/", include("organisations.urls_invitee")),
    path("", include("organisations.urls_personal_data")),
    path("accounts/security/", views_account.security, name="account_security"),
    # Not account_*: an admin must have a second factor before making a token.
    path("accounts/tokens/", views_tokens.api_tokens, name="api_tokens"),
    path(
        "accounts/tokens/<int:pk>/revoke/",
        views_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("accounts/", include("allauth.urls")),
    path("language/", organisation_views.language_set, name="language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
]

handler404 = not_found
