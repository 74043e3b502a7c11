"""An admin's invitations, under /org/<slug>/invitations/ (names in "organisations")."""

from django.urls import path

from . import views_invitations as views

urlpatterns = [
    path("", views.invitations, name="invitations"),
    path("new/", views.invitation_new, name="invitation_new"),
    path("<int:pk>/resend/", views.invitation_send_again, name="invitation_resend"),
    path("<int:pk>/withdraw/", views.invitation_cancel, name="invitation_withdraw"),
]
