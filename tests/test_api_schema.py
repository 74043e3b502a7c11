"""The OpenAPI schema passes drf-spectacular's check; the docs page loads nothing from outside."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse


def test_the_schema_validates_without_a_warning(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/measures/{id}/tick/" in paths and "/api/v1/register/members/" in paths
    assert schema["components"]["securitySchemes"]["personalAccessToken"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_documentation_page_uses_only_our_own_files():
    response = Client().get(reverse("api:docs"))
    page = response.content.decode()
    assert response.status_code == 200
    addresses = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert addresses and all(a.startswith("/") for a in addresses), addresses
    assert "<script>" not in page and "<style" not in page  # no inline code under the CSP
    assert "script-src" in response["Content-Security-Policy"]
    script = Client().get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
