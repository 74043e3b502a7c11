"""Benchmark, run on demand: uv run pytest tests/benchmarks -s

Prints the time of the plan page for the national plan and for a synthetic
plan of 30 goals and 300 measures, beside the home page of a visitor.
"""

import statistics
import time

from django.test import Client

from organisations.models import Organisation
from plans.models import Plan
from tests.test_plan_page import _build_plan

ROUNDS = 20


def _time(client: Client, url: str) -> float:
    client.get(url)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return statistics.median(samples) * 1000


def test_plan_page_timings(db):
    client = Client()
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    large = _build_plan(
        Organisation.objects.get(slug="rodt-akershus"), goals=30, measures=10, title="Stor plan"
    )
    rows = [
        ("home page, visitor", _time(client, "/")),
        ("national plan (13 goals, 89 measures)", _time(client, national.get_absolute_url())),
        ("synthetic plan (30 goals, 300 measures)", _time(client, large.get_absolute_url())),
    ]
    print(f"\nmedian of {ROUNDS} requests")
    for name, ms in rows:
        print(f"  {name:<42} {ms:8.1f} ms")
