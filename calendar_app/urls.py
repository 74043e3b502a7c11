from django.urls import path

from . import views, views_feeds, views_notifications

app_name = "calendar_app"

urlpatterns = [
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/cancel/", views.event_cancel_view, name="event_cancel"),
    path("org/<slug:slug>/", views.calendar_month, name="month"),
    path("org/<slug:slug>/agenda/", views.calendar_agenda, name="agenda"),
    path("org/<slug:slug>/events/new/", views.event_new, name="event_new"),
    path("org/<slug:slug>/wheel/", views.wheel, name="wheel"),
    path("org/<slug:slug>/wheel/add/", views.wheel_add, name="wheel_add"),
    path("org/<slug:slug>/wheel/generate/", views.wheel_generate, name="wheel_generate"),
    path("org/<slug:slug>/wheel/picture/", views.wheel_picture_view, name="wheel_picture"),
    path("wheel/<int:pk>/delete/", views.wheel_entry_delete, name="wheel_delete"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feed/<str:token>.ics", views_feeds.private_feed, name="private_feed"),
]

urlpatterns += [
    path("notifications/", views_notifications.notification_settings, name="notifications"),
    path(
        "notifications/unsubscribe/<str:token>/",
        views_notifications.unsubscribe,
        name="unsubscribe",
    ),
]
