"""Reading through the API: the tree, versions, filters, pages, codes with their texts."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from goals.models import Measure
from goals.progress import measure_tick
from organisations.models import User
from organisations.tokens import api_token_create
from plans.models import Plan
from plans.services import plan_copy
from tests.test_permission_matrix import plan_pk

pytestmark = pytest.mark.django_db


def api_for(email: str) -> Client:
    person = User.objects.get(email=email)
    _token, raw = api_token_create(person=person, name="Les", scope="read", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def rows(client: Client, url: str) -> list[dict]:
    found = []
    while url:
        body = client.get(url).json()
        found += body["results"]
        url = body["next"]
    return found


def test_the_organisation_tree_has_parents_and_depths_and_a_subtree_filter():
    client = Client()
    tree = {o["slug"]: o for o in rows(client, reverse("api:organisation-list"))}
    assert tree["rodt"]["parent"] is None and tree["rodt"]["depth"] == 0
    assert tree["rodt-asker"]["parent"] == "rodt-akershus" and tree["rodt-asker"]["depth"] == 2
    assert tree["rodt-asker"]["kind"] == "branch" and tree["rodt-asker"]["kind_display"]
    below = rows(client, reverse("api:organisation-list") + "?within=rodt-akershus")
    assert {o["slug"] for o in below} == {"rodt-akershus", "rodt-asker", "rodt-baerum"}


def test_a_visitor_reads_only_public_plans():
    plans = rows(Client(), reverse("api:plan-list"))
    assert plans and {p["visibility"] for p in plans} == {"public"}
    assert {p["status"] for p in plans} <= {"adopted", "archived"}


def test_a_new_version_is_in_the_history_and_only_the_board_sees_the_draft():
    adopted = Plan.objects.get(pk=plan_pk("rodt-akershus", "Handlingsplan 2026"))
    draft = plan_copy(plan=adopted, by=None, new_version=True)
    url = reverse("api:plan-versions", kwargs={"pk": adopted.pk})
    board = api_for("styre@example.org").get(url).json()
    assert [p["id"] for p in board] == [adopted.pk, draft.pk]
    assert board[1]["previous_version"] == adopted.pk
    member = api_for("medlem@example.org").get(url).json()
    assert [p["id"] for p in member] == [adopted.pk]  # a draft is for the board
    current = rows(
        api_for("styre@example.org"),
        reverse("api:plan-list") + "?organisation=rodt-akershus&current=true",
    )
    assert adopted.pk in {p["id"] for p in current}


def test_measures_filter_by_organisation_status_due_window_and_updated_since():
    client = api_for("sekretaer@example.org")
    base = reverse("api:measure-list")
    asker = rows(client, base + "?organisation=rodt-asker")
    assert asker and {m["organisation"] for m in asker} == {"rodt-asker"}
    done = rows(client, base + "?organisation=rodt-akershus&status=done")
    assert done and {m["status"] for m in done} == {"done"}
    window = rows(client, base + "?due_after=2026-03-01&due_before=2026-06-30")
    assert window and all("2026-03-01" <= m["due_end"] <= "2026-06-30" for m in window)
    since = timezone.now().isoformat()
    assert rows(client, base + "?" + urlencode({"updated_since": since})) == []
    measure = Measure.objects.get(pk=asker[0]["id"])
    measure_tick(measure=measure, by=User.objects.get(email="sekretaer@example.org"))
    changed = rows(client, base + "?" + urlencode({"updated_since": since}))
    assert [m["id"] for m in changed] == [measure.pk]


def test_lists_are_paged():
    client = api_for("admin@example.org")
    first = client.get(reverse("api:measure-list")).json()
    assert len(first["results"]) == 50 and first["count"] > 50 and first["next"]
    second = client.get(first["next"]).json()
    assert not {m["id"] for m in first["results"]} & {m["id"] for m in second["results"]}


def test_codes_come_with_texts_in_the_plans_language():
    client = Client()
    plans = {p["title"]: p for p in rows(client, reverse("api:plan-list"))}
    swedish = plans["Verksamhetsplan 2026"]
    norwegian = plans["Handlingsplan 2023–2025"]
    assert swedish["language"] == "sv" and swedish["status"] == "adopted"
    with translation.override("sv"):
        assert swedish["status_display"] == str(Plan(status="adopted").get_status_display())
    with translation.override("nb"):
        assert norwegian["status_display"] == str(Plan(status="adopted").get_status_display())
    assert swedish["status_display"] != norwegian["status_display"]
