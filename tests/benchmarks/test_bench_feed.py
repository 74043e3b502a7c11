"""Benchmark, run on demand: uv run pytest tests/benchmarks -s

Prints the time of an organisation's public feed with 500 events beside the
time of a minimal view (the public organisation list of a small tree).
"""

import statistics
import time

from django.test import Client
from django.utils import timezone

from calendar_app.models import Event
from organisations.models import Organisation

ROUNDS = 20


def _median_ms(client: Client, url: str) -> float:
    client.get(url)
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def feed_organisation() -> Organisation:
    """A branch with 500 public events (the feed's size in the issue); shared with
    test_bench_server."""
    organisation = Organisation.objects.create(
        name="Benkelag",
        slug="benkelag",
        kind="branch",
        parent=Organisation.objects.get(slug="rodt"),
    )
    start = timezone.now()
    Event.objects.bulk_create(
        [
            Event(
                organisation=organisation,
                title=f"Møte {n}",
                visibility="public",
                location="Folkets hus",
                starts_at=start + timezone.timedelta(days=n),
            )
            for n in range(500)
        ]
    )
    return organisation


def test_feed_timing(db):
    feed_organisation()
    client = Client()
    feed = _median_ms(client, "/org/benkelag/calendar.ics")
    minimal = _median_ms(client, "/org/benkelag/")
    print(
        f"\npublic feed, 500 events: {feed:.1f} ms; organisation page: {minimal:.1f} ms;"
        f" ratio {feed / minimal:.1f} (median of {ROUNDS})"
    )
