from django.urls import path

from . import views_personal_data as views

app_name = "personal_data"

urlpatterns = [
    path("privacy/", views.privacy, name="privacy"),
    path("account/data/", views.my_data, name="mine"),
    path("account/data.json", views.my_data_download, name="download"),
    path("account/delete/", views.account_delete, name="delete"),
]
