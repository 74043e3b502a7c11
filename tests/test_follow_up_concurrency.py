"""Concurrent ticks against the real PostgreSQL: none lost, none doubled, no errors."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from goals.models import Measure, ProgressNote
from goals.progress import measure_tick
from goals.services import measure_create
from organisations.models import User
from tests.conftest import missing_service
from tests.factories import adopt, county_plan

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def adopted_measures():
    if connection.vendor != "postgresql":
        missing_service("concurrent ticks need PostgreSQL (DATABASE_URL)")
    from plans.demo import load_demo

    load_demo()
    admin = User.objects.get(email="admin@example.org")
    plan, goal = county_plan("Samtidig")
    measures = [measure_create(goal=goal, text=f"Tiltak {n}") for n in range(21)]
    adopt(plan)
    return admin, measures


def _run_in_threads(work: list) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(work))

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_twenty_concurrent_ticks_on_different_measures_are_all_recorded(adopted_measures):
    admin, measures = adopted_measures
    jobs = [
        (lambda m=m: measure_tick(measure=m, by=admin, note=f"notat {m.pk}")) for m in measures[:20]
    ]
    assert _run_in_threads(jobs) == []
    ids = [m.pk for m in measures[:20]]
    assert Measure.objects.filter(pk__in=ids, status="done").count() == 20
    assert ProgressNote.objects.filter(measure_id__in=ids).count() == 20


def test_two_concurrent_ticks_of_one_measure_leave_it_done_once_with_both_notes(
    adopted_measures,
):
    admin, measures = adopted_measures
    secretary = User.objects.get(email="styre@example.org")
    measure = measures[20]
    jobs = [
        lambda: measure_tick(measure=measure, by=admin, note="Første"),
        lambda: measure_tick(measure=measure, by=secretary, note="Andre"),
    ]
    assert _run_in_threads(jobs) == []
    measure.refresh_from_db()
    assert measure.status == "done"
    notes = list(ProgressNote.objects.filter(measure=measure).order_by("created_at", "pk"))
    assert sorted(n.text for n in notes) == ["Andre", "Første"]
    # One of them made it done; the other found it done already.
    assert [(n.status_before, n.status_after) for n in notes] == [
        ("planned", "done"),
        ("done", "done"),
    ]
