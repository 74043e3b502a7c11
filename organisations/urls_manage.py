"""The organisation admin's pages, under /org/<slug>/manage/ (names in "organisations")."""

from django.urls import path

from . import views_manage as views
from . import views_manage_people as people

urlpatterns = [
    path("", views.manage_overview, name="manage"),
    path("new/", views.manage_child_create, name="manage_child_create"),
    path("rename/", views.manage_rename, name="manage_rename"),
    path("move/", views.manage_move, name="manage_move"),
    path("close/", views.manage_close, name="manage_close"),
    path("bodies/", views.manage_bodies, name="manage_bodies"),
    path("bodies/new/", views.manage_body_create, name="manage_body_create"),
    path("bodies/<int:pk>/", views.manage_body, name="manage_body"),
    path("bodies/<int:pk>/rename/", views.manage_body_rename, name="manage_body_rename"),
    path("bodies/<int:pk>/dissolve/", views.manage_body_dissolve, name="manage_body_dissolve"),
    path("bodies/<int:pk>/holders/new/", people.manage_position_add, name="manage_position_add"),
    path("bodies/<int:pk>/hand-over/", people.manage_hand_over, name="manage_hand_over"),
    path("positions/<int:pk>/end/", people.manage_position_end, name="manage_position_end"),
    path("members/", people.manage_members, name="manage_members"),
    path("members/new/", people.manage_member_add, name="manage_member_add"),
    path("members/<int:pk>/end/", people.manage_member_end, name="manage_member_end"),
]
