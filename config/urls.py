from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from organisations import views as organisation_views
from organisations import views_account

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("org/", include("organisations.urls")),
    path("plans/", include("plans.urls")),
    path("goals/", include("goals.urls")),
    path("calendar/", include("calendar_app.urls")),
    path("", include("organisations.urls_personal_data")),
    path("accounts/security/", views_account.security, name="account_security"),
    path("accounts/", include("allauth.urls")),
    path("language/", organisation_views.language_set, name="language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
