"""Progress through the API lands where the pages' progress lands, by the same services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goals.models import Measure, Measurement, ProgressNote
from organisations.models import User
from organisations.tokens import api_token_create
from plans.models import Activity
from plans.pdf import render_report_pdf
from tests.test_pdf import plain, run
from tests.test_permission_matrix import asker_measure, asker_target

pytestmark = pytest.mark.django_db

NOTE = "Skolering holdt med tolv deltakere"


def secretary_api() -> Client:
    person = User.objects.get(email="sekretaer@example.org")
    _token, raw = api_token_create(person=person, name="Medlemsregister", scope="progress", days=30)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client: Client, name: str, pk: int | None, data: dict):
    url = reverse(name, kwargs={"pk": pk}) if pk is not None else reverse(name)
    return client.post(url, data, content_type="application/json")


def test_a_tick_through_the_api_shows_on_the_plan_page_in_the_log_and_in_the_report(
    client_for, tmp_path
):
    measure = asker_measure()
    log_url = reverse("plans:organisation_log", kwargs={"slug": "rodt-asker"})
    logged_before = client_for("admin").get(log_url).content.decode().count(str(measure))
    response = post(
        secretary_api(),
        "api:measure-tick",
        measure.pk,
        {"status": "done", "note": NOTE, "revision": measure.revision},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "done" and body["status_display"] == "Gjennomført"
    assert body["revision"] == measure.revision + 1
    assert body["notes"][0]["text"] == NOTE

    plan = measure.goal.plan
    page = client_for("member").get(plan.get_absolute_url()).content.decode()
    assert NOTE in page
    entry = Activity.objects.filter(plan=plan, action="measure.tick").latest("pk")
    assert entry.actor.email == "sekretaer@example.org"
    assert entry.changes == {"status": ["planned", "done"]}
    log = client_for("admin").get(log_url).content.decode()
    assert log.count(str(measure)) == logged_before + 1 and "Sander Sekretær" in log
    report = plain(run("pdftotext", render_report_pdf(plan, "members"), tmp_path))
    assert NOTE in report


def test_a_stale_revision_gets_409_with_the_current_state_and_changes_nothing():
    measure = asker_measure()
    client = secretary_api()
    read = client.get(reverse("api:measure-detail", kwargs={"pk": measure.pk})).json()
    first = post(client, "api:measure-tick", measure.pk, {"revision": read["revision"]})
    assert first.status_code == 200
    notes = ProgressNote.objects.filter(measure=measure).count()
    stale = post(
        client,
        "api:measure-tick",
        measure.pk,
        {"status": "cancelled", "note": "Avlyst", "revision": read["revision"]},
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "done"
    assert stale.json()["current"]["revision"] == read["revision"] + 1
    assert "først" in stale.json()["detail"]
    measure.refresh_from_db()
    assert measure.status == "done"
    assert ProgressNote.objects.filter(measure=measure).count() == notes
    again = post(client, "api:measure-tick", measure.pk, {"status": "planned", "revision": 2**31})
    assert again.status_code == 400  # beyond any revision: a wrong value, not a conflict


def test_occurrences_are_ticked_and_unticked_one_by_one():
    measure = (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            delegated=False,
        )
        .exclude(recurrence="")
        .order_by("pk")
        .first()
    )
    client = secretary_api()
    detail = client.get(reverse("api:measure-detail", kwargs={"pk": measure.pk})).json()
    open_day = next(o["date"] for o in detail["occurrences"] if not o["done"])
    done = post(client, "api:measure-tick", measure.pk, {"occurrence": open_day, "note": "Holdt"})
    assert done.status_code == 200
    assert {"date": open_day, "done": True} in done.json()["occurrences"]
    assert done.json()["progress"]["occurrences_done"] == detail["progress"]["occurrences_done"] + 1
    undone = post(
        client, "api:measure-tick", measure.pk, {"occurrence": open_day, "status": "planned"}
    )
    assert {"date": open_day, "done": False} in undone.json()["occurrences"]
    wrong = post(client, "api:measure-tick", measure.pk, {"occurrence": "2026-02-30"})
    assert wrong.status_code == 400


def test_the_services_rules_hold_for_the_api():
    measure = asker_measure()
    client = secretary_api()
    cancelled = post(client, "api:measure-tick", measure.pk, {"status": "cancelled"})
    assert cancelled.status_code == 400
    assert "Skriv hvorfor" in str(cancelled.json()) or "why" in str(cancelled.json())
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    ahead = post(client, "api:measure-tick", measure.pk, {"done_on": future})
    assert ahead.status_code == 400
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_a_measurement_through_the_api_shows_on_the_target_page(client_for):
    target = asker_target()
    response = post(
        secretary_api(),
        "api:target-measurements",
        target.pk,
        {"value": "203", "date": "2026-05-01", "source": "Medlemslista"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["recorded_by"] == "Sander Sekretær"
    page = client_for("member").get(reverse("goals:target", kwargs={"pk": target.pk}))
    assert "Medlemslista" in page.content.decode()
    assert Activity.objects.filter(action="measurement.create", plan=target.goal.plan).exists()
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    refused = post(
        secretary_api(), "api:target-measurements", target.pk, {"value": 1, "date": future}
    )
    assert refused.status_code == 400 and "date" in refused.json()


def test_the_membership_register_posts_a_count_for_an_organisation():
    target = asker_target()
    response = post(
        secretary_api(), "api:register-members", None, {"organisation": "rodt-asker", "count": 231}
    )
    assert response.status_code == 201, response.content
    measurement = Measurement.objects.filter(target=target).latest("pk")
    assert measurement.value == 231 and measurement.date == timezone.localdate()
    assert measurement.source == "Medlemsregister"
    unknown = post(
        secretary_api(), "api:register-members", None, {"organisation": "finnes-ikke", "count": 1}
    )
    assert unknown.status_code == 404
    negative = post(
        secretary_api(), "api:register-members", None, {"organisation": "rodt-asker", "count": -1}
    )
    assert negative.status_code == 400
