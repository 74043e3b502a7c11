"""Every API route × every persona's token (and no token) → the page matrix's answer.

The API follows the pages to the letter: what a page answers with 200 the API
answers with 200; 403 and 404 stay; the login page a visitor is sent to becomes
404 for a read (a visitor sees only what is public) and 401 for a write; a
write's redirect becomes 200 or 201. tests/test_permission_matrix.py checks
that every /api/ route has a row here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from calendar_app.models import Event
from goals.models import Goal, Measure, Target
from organisations.models import Organisation, User
from organisations.tokens import api_token_create
from plans.models import Plan, Section
from tests.conftest import PERSONAS as EMAILS
from tests.test_permission_matrix import (
    ALL_200,
    PERSONAS,
    akershus_measure,
    asker_assignment,
    asker_measure,
    asker_target,
    event_pk,
    plan_pk,
)

pytestmark = pytest.mark.django_db

# An adopted members-only plan of Rødt Akershus; of Rødt Asker; a draft of Rødt Akershus.
AKERSHUS = (404, 200, 200, 200, 200, 404, 200, 404)
ASKER = (404, 200, 200, 200, 200, 404, 404, 404)
DRAFT = (404, 404, 404, 200, 200, 404, 404, 404)
BOARD_EVENT = (404, 404, 404, 200, 200, 404, 404, 404)
# Progress on Rødt Asker's plan: its secretary and the party's admin (page: 302 → 200).
ASKER_TICK = (401, 403, 200, 403, 200, 404, 404, 404)
ASKER_MEASUREMENT = (401, 403, 201, 403, 201, 404, 404, 404)


def akershus_plan() -> int:
    return plan_pk("rodt-akershus", "Handlingsplan 2026")


def draft_plan() -> int:
    return plan_pk("rodt-akershus", "Arbeidsutkast 2027")


def first_section(plan: int) -> int:
    return Section.objects.filter(plan_id=plan).order_by("order", "pk").first().pk


def first_goal(plan: int) -> int:
    return Goal.objects.filter(plan_id=plan).order_by("pk").first().pk


API_MATRIX = [
    ("api:organisation-list", dict, "get", None, ALL_200),
    ("api:organisation-detail", lambda: {"slug": "rodt-akershus"}, "get", None, ALL_200),
    ("api:plan-list", dict, "get", None, ALL_200),
    (
        "api:plan-detail",
        lambda: {"pk": plan_pk("rodt", "Handlingsplan 2023–2025")},
        "get",
        None,
        ALL_200,
    ),
    ("api:plan-detail", lambda: {"pk": akershus_plan()}, "get", None, AKERSHUS),
    (
        "api:plan-detail",
        lambda: {"pk": plan_pk("rodt-asker", "Arbeidsplan 2026")},
        "get",
        None,
        ASKER,
    ),
    ("api:plan-detail", lambda: {"pk": draft_plan()}, "get", None, DRAFT),
    ("api:plan-versions", lambda: {"pk": akershus_plan()}, "get", None, AKERSHUS),
    ("api:plan-versions", lambda: {"pk": draft_plan()}, "get", None, DRAFT),
    ("api:section-list", dict, "get", None, ALL_200),
    (
        "api:section-detail",
        lambda: {"pk": first_section(akershus_plan())},
        "get",
        None,
        AKERSHUS,
    ),
    ("api:section-detail", lambda: {"pk": first_section(draft_plan())}, "get", None, DRAFT),
    ("api:goal-list", dict, "get", None, ALL_200),
    ("api:goal-detail", lambda: {"pk": first_goal(akershus_plan())}, "get", None, AKERSHUS),
    ("api:goal-detail", lambda: {"pk": first_goal(draft_plan())}, "get", None, DRAFT),
    ("api:measure-list", dict, "get", None, ALL_200),
    ("api:measure-detail", lambda: {"pk": asker_measure().pk}, "get", None, ASKER),
    (
        "api:measure-detail",
        lambda: {"pk": akershus_measure("Fylkesstyret").pk},
        "get",
        None,
        AKERSHUS,
    ),
    (
        "api:measure-tick",
        lambda: {"pk": asker_measure().pk},
        "post",
        {"status": "done"},
        ASKER_TICK,
    ),
    (
        "api:measure-tick",
        lambda: {"pk": asker_assignment().measure_id},
        "post",
        lambda: {"status": "done", "assignment": asker_assignment().pk},
        (401, 403, 200, 403, 200, 404, 403, 404),
    ),
    (
        "api:measure-tick",
        lambda: {"pk": akershus_measure("Skoleringsutvalget").pk},
        "post",
        {"status": "done"},
        (401, 403, 403, 200, 200, 404, 200, 404),
    ),
    (
        "api:measure-tick",
        lambda: {"pk": akershus_measure("Fylkesstyret").pk},
        "post",
        {"status": "done"},
        (401, 403, 403, 200, 200, 404, 403, 404),
    ),
    ("api:target-list", dict, "get", None, ALL_200),
    ("api:target-detail", lambda: {"pk": asker_target().pk}, "get", None, ASKER),
    (
        "api:target-measurements",
        lambda: {"pk": asker_target().pk},
        "post",
        {"value": "150", "date": "2026-06-01"},
        ASKER_MEASUREMENT,
    ),
    (
        "api:register-members",
        dict,
        "post",
        {"organisation": "rodt-asker", "count": 150},
        ASKER_MEASUREMENT,
    ),
    ("api:event-list", dict, "get", None, ALL_200),
    ("api:event-detail", lambda: {"pk": event_pk("rodt", "1. mai 2027")}, "get", None, ALL_200),
    (
        "api:event-detail",
        lambda: {"pk": event_pk("rodt-asker", "Årsmøte i Rødt Asker")},
        "get",
        None,
        ASKER,
    ),
    (
        "api:event-detail",
        lambda: {"pk": event_pk("rodt-akershus", "Fylkesstyremøte")},
        "get",
        None,
        BOARD_EVENT,
    ),
    ("api:wheel", lambda: {"slug": "rodt-akershus"}, "get", None, AKERSHUS),
    ("api:schema", dict, "get", None, ALL_200),
    ("api:docs", dict, "get", None, ALL_200),
]


def token_client(persona: str | None, scope: str = "progress") -> Client:
    """A client that sends the persona's new token; no token at all for None."""
    if persona is None:
        return Client()
    person = User.objects.get(email=EMAILS[persona])
    _token, raw = api_token_create(person=person, name="Test", scope=scope, days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize(
    ("name", "kwargs", "method", "data", "expected"),
    API_MATRIX,
    ids=[f"{row[0]}-{row[2]}-{i}" for i, row in enumerate(API_MATRIX)],
)
def test_status_per_persona_token(name, kwargs, method, data, expected):
    got, urls = {}, {}
    for persona in PERSONAS:
        url = reverse(name, kwargs=kwargs())
        client = token_client(None if persona == "anonymous" else persona)
        payload = data() if callable(data) else data
        if method == "post":
            response = client.post(url, payload, content_type="application/json")
        else:
            response = client.get(url)
        got[persona], urls[persona] = response.status_code, url
    assert got == dict(zip(PERSONAS, expected, strict=True)), urls


def _rodt_non_public() -> dict[str, list[int]]:
    """Every object of Rødt's tree that a visitor may not see, by API route."""
    rodt = Organisation.objects.descendants(
        Organisation.objects.get(slug="rodt"), include_self=True
    ).values_list("pk", flat=True)
    rodt = list(rodt)
    public_plans = Plan.objects.visible_to(None)
    plans = Plan.objects.filter(organisation__in=rodt).exclude(pk__in=public_plans)
    return {
        "api:plan-detail": list(plans.values_list("pk", flat=True)),
        "api:section-detail": list(
            Section.objects.filter(plan__in=plans).values_list("pk", flat=True)
        ),
        "api:goal-detail": list(Goal.objects.filter(plan__in=plans).values_list("pk", flat=True)),
        "api:measure-detail": list(
            Measure.objects.filter(goal__plan__in=plans).values_list("pk", flat=True)
        ),
        "api:target-detail": list(
            Target.objects.filter(goal__plan__in=plans).values_list("pk", flat=True)
        ),
        "api:event-detail": list(
            Event.objects.filter(organisation__in=rodt)
            .exclude(visibility="public")
            .values_list("pk", flat=True)
        ),
    }


@pytest.mark.parametrize("persona", ["outsider", None], ids=["ap-token", "anonymous"])
def test_another_partys_token_and_a_visitor_get_404_for_everything_non_public_of_rodt(persona):
    client = token_client(persona)
    hidden = _rodt_non_public()
    assert all(hidden.values()), hidden  # the demo has something of each kind to hide
    for name, ids in hidden.items():
        for pk in ids:
            assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 404, (name, pk)
        listed = client.get(reverse(name.replace("-detail", "-list")) + "?page_size=1000")
        assert not {row["id"] for row in _all_rows(client, listed)} & set(ids), name
    for pk in hidden["api:measure-detail"][:5]:
        url = reverse("api:measure-tick", kwargs={"pk": pk})
        expected = 401 if persona is None else 404
        assert client.post(url, {}, content_type="application/json").status_code == expected


def _all_rows(client: Client, response) -> list[dict]:
    rows = []
    while True:
        assert response.status_code == 200
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = client.get(body["next"])


def test_outsider_sees_that_a_measure_was_done_never_by_whom():
    measure = asker_measure()
    token_client("secretary").post(
        reverse("api:measure-tick", kwargs={"pk": measure.pk}),
        {"status": "done", "note": "Holdt i Asker."},
        content_type="application/json",
    )
    Plan.objects.filter(pk=measure.goal.plan_id).update(visibility="public")
    url = reverse("api:measure-detail", kwargs={"pk": measure.pk})
    member = token_client("member").get(url).json()
    assert member["status"] == "done" and member["completed_by"] == "Sander Sekretær"
    assert member["notes"][0]["author"] == "Sander Sekretær"
    for persona in ("outsider", None):
        seen = token_client(persona).get(url).json()
        assert seen["status"] == "done"
        assert seen["completed_by"] is None
        assert seen["notes"] == []  # notes are members' content
        assert "Sander" not in str(seen)
