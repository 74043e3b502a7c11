from django.urls import path

from . import views

app_name = "calendar_app"

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event"),
]
