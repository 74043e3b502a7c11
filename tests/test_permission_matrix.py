"""Every URL pattern × every persona → the expected status (DESIGN.md §5).

A new URL pattern of our apps makes this test fail until it is added to MATRIX.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from calendar_app.models import Event
from plans.models import Plan

PERSONAS = ["anonymous", "member", "secretary", "board", "admin", "outsider"]
OUR_NAMESPACES = {"organisations", "plans", "calendar_app"}


def plan_pk(org: str, title: str) -> int:
    return Plan.objects.get(organisation__slug=org, title=title).pk


def event_pk(org: str, title: str) -> int:
    return Event.objects.get(organisation__slug=org, title=title).pk


# (url name, kwargs factory, expected status per persona in PERSONAS order)
ALL_200 = (200, 200, 200, 200, 200, 200)
MATRIX = [
    ("home", dict, ALL_200),
    ("organisations:list", dict, ALL_200),
    ("organisations:detail", lambda: {"slug": "rodt"}, ALL_200),
    ("organisations:detail", lambda: {"slug": "rodt-asker"}, ALL_200),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt", "Handlingsplan 2023–2025")},  # public, adopted
        ALL_200,
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")},  # members only
        (302, 200, 200, 200, 200, 404),
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-asker", "Arbeidsplan 2026")},  # members only, branch
        (302, 200, 200, 200, 200, 404),
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-akershus", "Arbeidsutkast 2027")},  # draft
        (302, 404, 404, 200, 200, 404),
    ),
    (
        "calendar_app:event",
        lambda: {"pk": event_pk("rodt", "1. mai 2027")},  # public, for the branches
        ALL_200,
    ),
    (
        "calendar_app:event",
        lambda: {"pk": event_pk("rodt-asker", "Årsmøte i Rødt Asker")},  # members
        (302, 200, 200, 200, 200, 404),
    ),
    (
        "calendar_app:event",
        lambda: {"pk": event_pk("rodt-akershus", "Fylkesstyremøte")},  # board only
        (302, 404, 404, 200, 200, 404),
    ),
    ("account_login", dict, (200, 302, 302, 302, 302, 302)),
    ("account_reset_password", dict, ALL_200),
    ("admin:index", dict, (302, 302, 302, 302, 302, 302)),
]


def _our_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                if namespace in OUR_NAMESPACES:
                    names.add(f"{namespace}:{entry.name}")
                elif namespace is None and entry.name == "home":
                    names.add("home")

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_of_our_apps_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    assert _our_url_names() - covered == set()


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    MATRIX,
    ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(MATRIX)],
)
def test_status_per_persona(client_for, name, kwargs, expected):
    url = reverse(name, kwargs=kwargs())
    got = {}
    for persona in PERSONAS:
        client = client_for(None if persona == "anonymous" else persona)
        got[persona] = client.get(url).status_code
    assert got == dict(zip(PERSONAS, expected, strict=True)), url


def test_anonymous_is_sent_to_login_and_back(client_for):
    url = reverse("plans:detail", kwargs={"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")})
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_outsider_sees_no_member_names_on_a_branch_page(client_for):
    url = reverse("organisations:detail", kwargs={"slug": "rodt-asker"})
    secretary_name = "Sander Sekretær"
    assert secretary_name in client_for("member").get(url).content.decode()
    assert secretary_name not in client_for("outsider").get(url).content.decode()
    assert secretary_name not in client_for(None).get(url).content.decode()


def test_outsider_sees_only_public_plans_on_an_organisation_page(client_for):
    url = reverse("organisations:detail", kwargs={"slug": "rodt-akershus"})
    member_page = client_for("member").get(url).content.decode()
    outsider_page = client_for("outsider").get(url).content.decode()
    assert "Handlingsplan 2026" in member_page
    assert "Handlingsplan 2026" not in outsider_page
    assert "Arbeidsutkast 2027" not in member_page  # a draft
    assert "Arbeidsutkast 2027" in client_for("board").get(url).content.decode()
