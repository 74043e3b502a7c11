"""The interface speaks the organisation's language unless the person chose another."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from organisations.models import User
from plans.models import Plan

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
SWEDISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9"}


def page_language(response) -> str:
    assert response.status_code == 200
    return re.search(r'<html lang="([a-z-]+)"', response.content.decode()).group(1)


def test_an_english_browser_alone_sees_a_norwegian_party_in_bokmal(client):
    response = client.get(reverse("organisations:detail", args=["rodt"]), **ENGLISH_BROWSER)
    assert page_language(response) == "nb"
    assert response["Content-Language"] == "nb"
    assert "Logg inn" in response.content.decode()


def test_a_visitor_sees_a_swedish_party_in_swedish_whatever_the_browser(client):
    response = client.get(reverse("organisations:detail", args=["v-uppsala"]), **ENGLISH_BROWSER)
    assert page_language(response) == "sv"
    assert "Logga in" in response.content.decode()


def test_a_plan_page_speaks_the_language_of_its_organisation(client):
    plan = Plan.objects.filter(organisation__slug="v-uppsala", visibility="public").first()
    response = client.get(reverse("plans:detail", args=[plan.pk]), **ENGLISH_BROWSER)
    assert page_language(response) == "sv"


def test_the_home_page_is_in_bokmal_for_any_browser(client):
    assert page_language(client.get(reverse("home"), **SWEDISH_BROWSER)) == "nb"


def test_after_choosing_english_in_the_menu_a_visitor_reads_english(client):
    page = reverse("organisations:detail", args=["rodt"])
    response = client.post(reverse("language"), {"language": "en", "next": page})
    assert response.status_code == 302
    response = client.get(page, **ENGLISH_BROWSER)
    assert page_language(response) == "en"
    assert "Log in" in response.content.decode()
    # The choice holds on a Swedish party's page too.
    assert page_language(client.get(reverse("organisations:detail", args=["v-uppsala"]))) == "en"


def test_a_logged_in_person_reads_their_saved_language_everywhere(client_for, persona):
    member = persona("member")
    User.objects.filter(pk=member.pk).update(language="sv")
    client = client_for("member")
    for url in (reverse("organisations:detail", args=["rodt"]), reverse("personal_data:me")):
        assert page_language(client.get(url, **ENGLISH_BROWSER)) == "sv", url


def test_choosing_a_language_while_logged_in_is_kept_on_the_profile(client_for, persona):
    client = client_for("member")
    client.post(reverse("language"), {"language": "nn", "next": "/"})
    assert User.objects.get(pk=persona("member").pk).language == "nn"
    fresh = Client()  # another device: no cookie, the profile decides
    fresh.force_login(persona("member"))
    assert page_language(fresh.get(reverse("organisations:detail", args=["rodt"]))) == "nn"


def test_a_language_the_interface_does_not_speak_is_ignored(client):
    client.cookies["django_language"] = "de"
    response = client.get(reverse("organisations:detail", args=["rodt"]))
    assert page_language(response) == "nb"
