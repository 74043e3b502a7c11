from django.urls import path

from calendar_app import views as calendar_views

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/dashboard/", views.organisation_dashboard, name="dashboard"),
    path("<slug:slug>/calendar.ics", calendar_views.public_feed, name="calendar_feed"),
]
