"""Benchmark, run on demand: the plan page of 30 goals and 300 measures, rendered cold.

    uv run pytest tests/benchmarks/test_bench_cold.py -s -p no:randomly
    uv run pytest tests/benchmarks/test_bench_cold.py -s -p no:randomly -k client  # no server

"Cold" as in test_bench_server: the first request after a tick on one measure (a
content change) and an emptied cache, so every measure's entry is rendered anew.
Each row is the median of ROUNDS such requests for a visitor, a member and the
secretary of Rødt Asker (who gets tick controls on every row).

``test_cold_plan_page_client`` times the view in this process with Django's test
client (DEBUG off, cache in local memory), with the number of queries and, with
``-s``, a profile of one cold visitor's request. The test environment sends a signal
for every template rendered (the client records them for assertions), which a server
does not: with 300 measures that is a thousand signals. So each row is timed twice,
as the test client has it and with Template._render as Django defines it ("served").

Python 3.11 frees and allocates its frame stack in chunks, and a loop of calls that
crosses a chunk's edge over and over runs two to three times slower
(https://github.com/python/cpython/issues/142183, fixed in 3.13 and 3.14). Where the
edge falls depends on how deep the view is called, which differs between the test
client and gunicorn and changes with any frame added above the view. The client test
therefore also times the visitor's request from several extra stack depths; the
spread says how much of a difference between two runs can be this and not the code.

``test_cold_plan_page_server`` times the same under gunicorn (2 sync workers, DEBUG=0)
with the Redis cache, as test_bench_server does; it needs Redis at 127.0.0.1:6379,
since emptying the cache of a worker's own memory is not possible from outside.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.base import Template
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from goals.models import Measure, MeasureStatus
from goals.progress import measure_tick
from organisations.models import Organisation, User
from plans.models import Plan
from tests.benchmarks import server as bench
from tests.conftest import PERSONAS
from tests.test_plan_page import _build_plan

ROUNDS = 7
PEOPLE = (None, "member", "secretary")
STACK_OFFSETS = range(0, 161, 20)  # extra frames above the request, for the spread
PROFILE_LINES = 25
PROFILE_FILE = os.environ.get("BENCH_PROFILE_FILE")  # for pstats or snakeviz
PROFILE_WHO = os.environ.get("BENCH_PROFILE_WHO") or None  # member or secretary; else a visitor
REDIS_URL = "redis://127.0.0.1:6379/11"


@dataclass
class Cold:
    ms: float  # median wall-clock time
    cpu_ms: float  # median CPU time of this process: steadier on a busy machine
    queries: int  # of the last request
    body: bytes


def _large_plan() -> tuple[Plan, Measure, User]:
    """The plan, the measure each round ticks, and who ticks it (as test_bench_server)."""
    plan = _build_plan(
        Organisation.objects.get(slug="rodt-asker"), goals=30, measures=10, title="Stor plan"
    )
    measure = (
        Measure.objects.filter(goal__plan=plan, recurrence="", delegated=False)
        .order_by("pk")
        .first()
    )
    return plan, measure, User.objects.get(email=PERSONAS["admin"])


def _tick(measure: Measure, by: User, round_: int) -> None:
    status = MeasureStatus.IN_PROGRESS if round_ % 2 == 0 else MeasureStatus.PLANNED
    measure_tick(measure=measure, by=by, status=status)


# In this process, with the test client.


def _served_render(self, context):
    """Template._render without the test environment's signal (django.test.utils)."""
    return self.nodelist.render(context)


def _client(persona: str | None) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(User.objects.get(email=PERSONAS[persona]))
    return client


def _at_depth(frames: int, call: Callable):
    return call() if frames == 0 else _at_depth(frames - 1, call)


def _cold(client: Client, url: str, measure: Measure, by: User, *, rounds=ROUNDS, depth=0) -> Cold:
    """The first request after a tick and an empty cache, ``rounds`` times."""
    wall, cpu = [], []
    for round_ in range(rounds):
        _tick(measure, by, round_)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = _at_depth(depth, lambda: client.get(url))
            cpu.append((time.process_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return Cold(statistics.median(wall), statistics.median(cpu), len(queries), response.content)


def _profile(client: Client, url: str, measure: Measure, by: User) -> str:
    _tick(measure, by, 0)
    cache.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    response = client.get(url)
    profiler.disable()
    assert response.status_code == 200
    if PROFILE_FILE:
        profiler.dump_stats(PROFILE_FILE)
    out = io.StringIO()
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(PROFILE_LINES)
    return out.getvalue()


@override_settings(DEBUG=False)
def test_cold_plan_page_client(db, monkeypatch):
    plan, measure, admin = _large_plan()
    url = plan.get_absolute_url()
    rows = []
    for persona in PEOPLE:
        client = _client(persona)
        assert client.get(url).status_code == 200  # URL map, templates, content types
        instrumented = _cold(client, url, measure, admin)
        with monkeypatch.context() as patch:
            patch.setattr(Template, "_render", _served_render)
            served = _cold(client, url, measure, admin)
        assert served.body.count(b"/tick/") == instrumented.body.count(b"/tick/")
        rows.append((persona or "anonymous", instrumented, served))
    print(f"\nplan of 30 goals, 300 measures, cold: median of {ROUNDS} requests, test client")
    print(
        f"  {'who':<12} {'client ms':>10} {'served ms':>10} {'served cpu':>10} {'queries':>8}"
        f" {'tick links':>10} {'bytes':>8}"
    )
    for who, instrumented, served in rows:
        print(
            f"  {who:<12} {instrumented.ms:10.1f} {served.ms:10.1f} {served.cpu_ms:10.1f}"
            f" {served.queries:8d} {served.body.count(b'/tick/'):10d} {len(served.body):8d}"
        )
    assert rows[2][2].body.count(b"/tick/") > 0, "the secretary sees no tick controls"

    monkeypatch.setattr(Template, "_render", _served_render)
    client = _client(None)
    spread = {
        depth: _cold(client, url, measure, admin, rounds=3, depth=depth).ms
        for depth in STACK_OFFSETS
    }
    print(
        "  anonymous, served, from deeper in the stack (extra frames: median ms of 3): "
        + ", ".join(f"+{depth}: {ms:.0f}" for depth, ms in spread.items())
    )
    print(f"profile of one cold request, {PROFILE_WHO or 'anonymous'}, served:")
    print(_profile(_client(PROFILE_WHO), url, measure, admin))


# Under gunicorn, as in production.


def _session_cookie(email: str) -> dict:
    client = Client()
    client.force_login(User.objects.get(email=email))
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def test_cold_plan_page_server(committed_world):
    if not bench.redis_available(REDIS_URL):
        pytest.skip(f"no Redis at {REDIS_URL}: a worker's own cache cannot be emptied")
    plan, measure, admin = _large_plan()
    people = {
        persona or "anonymous": _session_cookie(PERSONAS[persona]) if persona else {}
        for persona in PEOPLE
    }
    rows = []
    with bench.gunicorn(redis_url=REDIS_URL) as server:
        url = server.url(plan.get_absolute_url())
        for who, headers in people.items():
            for _ in range(2 * bench.WORKERS):  # each worker has loaded the URL map and templates
                _tick(measure, admin, 0)
                server.clear_cache()
                assert bench.get(url, headers).status == 200
            samples = []
            for round_ in range(ROUNDS):
                _tick(measure, admin, round_)
                server.clear_cache()
                response = bench.get(url, headers)
                assert response.status == 200, (who, response.status)
                samples.append(response.seconds * 1000)
            rows.append((who, statistics.median(samples), min(samples), response.body))
    print(
        f"\nplan of 30 goals, 300 measures, cold under gunicorn ({bench.WORKERS} sync workers,"
        f" DEBUG=0, Redis): {ROUNDS} requests, each on a new connection"
    )
    print(f"  {'who':<12} {'median ms':>10} {'min ms':>8} {'tick links':>10}")
    for who, median, fastest, body in rows:
        print(f"  {who:<12} {median:10.1f} {fastest:8.1f} {body.count(b'/tick/'):10d}")
    print("  target: under 100 ms")
