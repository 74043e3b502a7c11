from django.urls import include, path

from . import views, views_register

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/manage/", include("organisations.urls_manage")),
    path("<slug:slug>/invitations/", include("organisations.urls_invitations")),
    path("<slug:slug>/register/", views_register.register_upload, name="register_upload"),
    path(
        "<slug:slug>/register/<int:pk>/",
        views_register.register_result,
        name="register_result",
    ),
    path(
        "<slug:slug>/register/<int:pk>/columns/",
        views_register.register_mapping,
        name="register_mapping",
    ),
    path(
        "<slug:slug>/register/<int:pk>/preview/",
        views_register.register_preview,
        name="register_preview",
    ),
    path(
        "<slug:slug>/register/<int:pk>/apply/",
        views_register.register_apply,
        name="register_apply",
    ),
    path(
        "<slug:slug>/register/<int:pk>/discard/",
        views_register.register_discard,
        name="register_discard",
    ),
]
