"""A Django superuser may do everything an organisation admin may, in every party."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import Organisation, User
from organisations.permissions import compute_access, must_use_mfa
from plans.models import Plan
from tests.conftest import give_admins_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_user() -> User:
    user = User.objects.create_superuser(email="root@example.org", password="x-long-pass-1")
    give_admins_totp()
    return user


@pytest.fixture
def root_client(client, root_user):
    client.force_login(root_user)
    return client


@pytest.mark.parametrize("slug", ["rodt", "rodt-akershus", "arbeiderpartiet", "v-uppsala"])
def test_superuser_opens_the_wheel_and_dashboard_of_every_party(root_client, slug):
    for name in ("calendar_app:wheel", "organisation_dashboard"):
        response = root_client.get(reverse(name, args=[slug]))
        assert response.status_code == 200, (name, slug)


def test_superuser_can_edit_a_draft_of_any_organisation(root_client):
    draft = Plan.objects.get(organisation__slug="rodt-akershus", title="Arbeidsutkast 2027")
    assert root_client.get(reverse("plans:edit", args=[draft.pk])).status_code == 200
    response = root_client.post(
        reverse("plans:section_add", args=[draft.pk]), {"title": "Lagt til av drift"}
    )
    assert response.status_code == 302
    assert draft.sections.filter(title="Lagt til av drift").exists()


def test_superuser_manages_every_organisation(root_client):
    response = root_client.get(reverse("organisations:manage", args=["arbeiderpartiet"]))
    assert response.status_code == 200


def test_superuser_is_admin_everywhere_with_the_same_number_of_queries(root_user, persona):
    access = compute_access(root_user)
    assert access.admin == frozenset(Organisation.objects.values_list("pk", flat=True))
    assert access.edit >= access.admin and access.member >= access.admin
    with CaptureQueriesContext(connection) as superuser_queries:
        compute_access(root_user)
    with CaptureQueriesContext(connection) as admin_queries:
        compute_access(persona("admin"))
    assert len(superuser_queries) <= len(admin_queries)


def test_superuser_must_use_a_second_factor(client):
    user = User.objects.create_superuser(email="root2@example.org", password="x-long-pass-1")
    assert must_use_mfa(user)
    client.force_login(user)
    response = client.get(reverse("organisation_dashboard", args=["rodt"]))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
