"""Every model is in the admin, and every admin list and form opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from organisations.models import User
from tests.conftest import give_admins_totp

OUR_APPS = {"organisations", "plans", "goals", "calendar_app"}


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser(email="root@example.org", password="x-long-pass-1")
    give_admins_totp()  # a superuser is an admin everywhere, with a second factor
    client.force_login(user)
    return client


def test_every_model_of_our_apps_is_registered():
    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    assert ours - set(admin.site._registry) == set()


def test_every_admin_list_and_add_form_opens(superuser_client):
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        response = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
        assert response.status_code == 200, info
        if model_admin.has_add_permission(response.wsgi_request):
            assert superuser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200


def test_an_event_dated_year_one_is_refused_in_the_admin_with_a_message(superuser_client):
    from calendar_app.models import Event
    from organisations.models import Organisation

    organisation = Organisation.objects.get(slug="rodt-asker")
    before = Event.objects.count()
    response = superuser_client.post(
        reverse("admin:calendar_app_event_add"),
        {
            "organisation": organisation.pk,
            "title": "Gammelt møte",
            "starts_at_0": "0001-01-01",
            "starts_at_1": "00:00",
            "visibility": "public",
            "status": "confirmed",
        },
    )
    assert response.status_code == 200
    assert Event.objects.count() == before
    assert "1900" in response.content.decode()
