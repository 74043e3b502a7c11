"""Benchmark, run on demand: uv run pytest tests/benchmarks -s

Prints the time of a county dashboard with 50 branches and 2,000 measures.
"""

import statistics
import time

from django.test import Client

from organisations.models import User
from tests.test_dashboard import build_county

ROUNDS = 10


def test_county_dashboard_timing(db):
    client = Client()
    client.force_login(User.objects.get(email="admin@example.org"))
    county = build_county("bench", branches=50, measures_per_branch=40)
    url = f"/org/{county.slug}/dashboard/"
    client.get(url)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples) * 1000
    print(
        f"\ncounty dashboard, 50 branches, 2,040 measures: median {median:.1f} ms ({ROUNDS} runs)"
    )
