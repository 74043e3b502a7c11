"""Bad input to the API gets a 4xx with a clear message, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from goals.models import Measure, ProgressNote
from organisations.api_auth import MAX_BODY_BYTES
from organisations.models import User
from organisations.tokens import api_token_create
from tests.test_permission_matrix import asker_measure, asker_target

pytestmark = pytest.mark.django_db

HUGE_ID = 2**70


@pytest.fixture
def api() -> Client:
    person = User.objects.get(email="sekretaer@example.org")
    _token, raw = api_token_create(person=person, name="Fuzz", scope="progress", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def tick_url() -> str:
    return reverse("api:measure-tick", kwargs={"pk": asker_measure().pk})


def send(client: Client, url: str, body, content_type: str = "application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data, content_type=content_type)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "detail"),
        ('{"status": "done",}', "detail"),
        ("[1, 2]", "detail"),
        ('"done"', "detail"),
        (b"\xff\xfe", "detail"),
        ({"status": 5}, "status"),
        ({"status": "finished"}, "status"),
        ({"note": ["a"]}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "nul\x00byte"}, "note"),
        ({"note": "bell\x07"}, "note"),
        ({"occurrence": "yesterday"}, "occurrence"),
        ({"done_on": "9999-12-31"}, "done_on"),
        ({"done_on": 20260101}, "done_on"),
        ({"assignment": "one"}, "assignment"),
        ({"assignment": HUGE_ID}, "assignment"),
        ({"revision": -1}, "revision"),
        ({"revision": True}, "revision"),
        ({"stauts": "done"}, "stauts"),
        ({"status": "done", "completed_by": 1}, "completed_by"),
    ],
)
def test_a_bad_tick_gets_400_naming_what_is_wrong(api, body, field):
    response = send(api, tick_url(), body)
    assert response.status_code == 400, response.content
    problems = response.json()
    assert field in problems and problems[field], problems
    assert asker_measure().status == "planned"


def test_a_huge_body_gets_413_before_it_is_read(api):
    body = json.dumps({"note": "x" * (MAX_BODY_BYTES + 10)})
    response = send(api, tick_url(), body)
    assert response.status_code == 413
    assert "for stort" in response.json()["detail"]


def test_a_body_that_is_not_json_gets_415(api):
    response = send(api, tick_url(), "status=done", "application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "detail" in response.json()


@pytest.mark.parametrize("pk", [0, -1, HUGE_ID, 999_999_999])
def test_forged_ids_in_the_path_get_404(api, pk):
    for name in ("api:measure-detail", "api:plan-detail", "api:target-detail"):
        url = reverse(name, kwargs={"pk": 1}).replace("/1/", f"/{pk}/")
        assert api.get(url).status_code == 404, url
    url = tick_url().replace(f"/{asker_measure().pk}/", f"/{pk}/")
    assert send(api, url, {}).status_code == 404


def test_an_assignment_of_another_measure_is_refused(api):
    other = Measure.objects.filter(delegated=True, goal__plan__status="adopted").first()
    share = other.assignments.first()
    response = send(api, tick_url(), {"assignment": share.pk})
    assert response.status_code == 403
    assert not ProgressNote.objects.filter(assignment=share, author__email="sekretaer@").exists()


@pytest.mark.parametrize(
    "query",
    [
        "plan=abc",
        f"plan={HUGE_ID}",
        "plan=-5",
        "status=finished",
        "due_after=2026-13-01",
        "due_before=9999-01-01",
        "updated_since=tomorrow",
        "updated_since=9999-12-31T23:59:59Z",
        "overdue=maybe",
        "page=0",
        "page=abc",
        f"page={HUGE_ID}",
    ],
)
def test_bad_filters_get_4xx_with_a_message(api, query):
    response = api.get(reverse("api:measure-list") + "?" + query)
    assert 400 <= response.status_code < 500, (query, response.content)
    assert response.json()


def test_a_bad_year_range_of_the_wheel_gets_400(api):
    url = reverse("api:wheel", kwargs={"slug": "rodt-asker"})
    for query in ("first=abc", "first=2026&last=2060", "first=2030&last=2026", f"first={HUGE_ID}"):
        response = api.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert response.json()


def test_a_bad_measurement_gets_400(api):
    url = reverse("api:target-measurements", kwargs={"pk": asker_target().pk})
    for body in (
        {},
        {"value": "many"},
        {"value": 10**20},
        {"value": "1.234"},
        {"value": 1, "date": "2026-02-30"},
        {"value": 1, "date": "1066-10-14"},
        {"value": 1, "source": "x" * 201},
        {"value": 1, "unit": "kr"},
    ):
        response = send(api, url, body)
        assert response.status_code == 400, body
        assert response.json()


def test_a_bad_register_count_gets_400(api):
    url = reverse("api:register-members")
    for body in (
        {"organisation": "rodt-asker"},
        {"organisation": "rodt-asker", "count": "many"},
        {"organisation": "rodt-asker", "count": 10**12},
        {"organisation": "../etc", "count": 1},
        {"organisation": ["rodt-asker"], "count": 1},
    ):
        assert send(api, url, body).status_code == 400, body


def test_a_person_without_the_right_hears_so_before_the_body_is_read():
    person = User.objects.get(email="medlem@example.org")
    _token, raw = api_token_create(person=person, name="Fuzz", scope="progress", days=30)
    member = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert send(member, tick_url(), {"status": "finished"}).status_code == 403
