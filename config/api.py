"""The one router of the API (/api/v1/), its schema and its documentation page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from calendar_app.api import EventViewSet, WheelView
from goals.api import GoalViewSet, MeasureViewSet
from goals.api_targets import MembersCountView, TargetViewSet
from organisations.api import OrganisationViewSet
from plans.api import PlanViewSet, SectionViewSet


class Router(DefaultRouter):
    include_root_view = False  # the schema and its page say what is here


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), script by URL: CSP holds."""

    template_name = "api/docs.html"


router = Router(trailing_slash=True)
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("plans", PlanViewSet, basename="plan")
router.register("sections", SectionViewSet, basename="section")
router.register("goals", GoalViewSet, basename="goal")
router.register("measures", MeasureViewSet, basename="measure")
router.register("targets", TargetViewSet, basename="target")
router.register("events", EventViewSet, basename="event")

app_name = "api"
urlpatterns = [
    *router.urls,
    path("organisations/<slug:slug>/wheel/", WheelView.as_view(), name="wheel"),
    path("register/members/", MembersCountView.as_view(), name="register-members"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address under /api/ that is no route answers in JSON, like the API; pages as ever."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
