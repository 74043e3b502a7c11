from django.urls import path

from calendar_app import views_feeds

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/dashboard/", views.organisation_dashboard, name="dashboard"),
    path("<slug:slug>/calendar.ics", views_feeds.public_feed, name="calendar_feed"),
]
