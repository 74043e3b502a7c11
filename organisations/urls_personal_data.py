from django.urls import path

from . import views_me
from . import views_personal_data as views

app_name = "personal_data"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("account/", views_me.me, name="me"),
    path("account/positions/<int:pk>/leave/", views_me.position_leave, name="position_leave"),
    path("account/memberships/<int:pk>/leave/", views_me.membership_leave, name="membership_leave"),
    path("account/data/", views.my_data, name="mine"),
    path("account/data.json", views.my_data_download, name="download"),
    path("account/delete/", views.account_delete, name="delete"),
]
