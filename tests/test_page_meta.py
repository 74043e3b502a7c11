"""What an audit looks for on every page: an icon the app serves, and a description."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def description(response) -> str:
    assert response.status_code == 200
    found = DESCRIPTION.findall(response.content.decode())
    assert len(found) == 1, found
    return html.unescape(found[0])


def test_favicon_ico_leads_to_the_icon_the_pages_name(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    page = client.get(reverse("home")).content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert response["Location"] == icon
    assert finders.find("favicon.svg").endswith("static/favicon.svg")


def test_every_page_has_a_description_and_plan_and_organisation_pages_their_own(client):
    default = description(client.get(reverse("home")))
    assert default
    assert description(client.get(reverse("organisations:list"))) == default

    organisation = description(client.get(reverse("organisations:detail", args=["rodt"])))
    assert organisation != default and organisation.startswith("Rødt")

    plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    text = description(client.get(plan.get_absolute_url()))
    assert text != default and text.startswith("Rødt: Handlingsplan 2023–2025")
    assert "2023–2025" in text
