"""The pages an invitation's link opens, under /invitation/<token>/."""

from django.urls import path

from . import views_invitations as views

app_name = "invitations"

urlpatterns = [
    path("<str:token>/", views.invitation_show, name="show"),
    path("<str:token>/accept/", views.invitation_accept_view, name="accept"),
    path("<str:token>/signup/", views.invitation_signup, name="signup"),
]
