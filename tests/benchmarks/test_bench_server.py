"""Benchmark, run on demand: the app under gunicorn as in production, measured with wrk.

How to run (all benchmarks print in one run; the normal test run skips this folder):

    uv run pytest tests/benchmarks -s                 # SQLite (a file), cache in Redis if up
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/handlingsplan_bench \\
        uv run pytest tests/benchmarks -s             # the same on PostgreSQL
    uv run pytest tests/benchmarks -s -k server       # this module only

Needs wrk (``apt-get install wrk``; without it a slower Python load generator stands
in and says so) and, for the production cache, Redis at 127.0.0.1:6379 (else each
worker's own memory). Takes about three minutes.

What it does: the demo data (loaded by tests/conftest.py) plus a plan of 30 goals and
300 measures of Rødt Asker and 500 public events, committed to the test database;
gunicorn with 2 sync workers, DEBUG=0, whitenoise and the Redis cache on a free port;
sessions for the member and the secretary of Rødt Asker made directly in the database.
Then, per row, after a 1-second wrk warm-up (so that both workers have loaded the URL
map and templates): "cold" is the median time of the first request after a tick on the
plan (a content change) and emptying the cache, on a new connection; "warm" is wrk's
steady state (requests/s, p50, p99). Ratios are to the minimal view
(/healthz, no database). Last, a 60-second run with 32 connections on the national plan.
"""

from __future__ import annotations

import statistics

from django.conf import settings
from django.test import Client, override_settings

from goals.models import Measure, MeasureStatus
from goals.progress import measure_tick
from organisations.models import Organisation, User
from plans.models import Plan
from tests.benchmarks import server as bench
from tests.benchmarks import test_bench_feed as bench_feed
from tests.conftest import PERSONAS
from tests.test_plan_page import _build_plan

REDIS_URL = "redis://127.0.0.1:6379/11"
WARM_SECONDS = 5
CONNECTIONS = 4  # two per worker: each worker always has the next request waiting
COLD_ROUNDS = 5
LOAD_SECONDS = 60
LOAD_CONNECTIONS = 32


def _session_cookie(email: str) -> dict:
    client = Client()
    client.force_login(User.objects.get(email=email))
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def _tick_controls(body: bytes) -> int:
    return body.count(b"/tick/")


def _cold_ms(server: bench.Server, url: str, headers: dict, measure: Measure, by: User) -> float:
    """Median first-request time after a content change (a tick) and an empty cache."""
    samples = []
    for round_ in range(COLD_ROUNDS):
        status = MeasureStatus.IN_PROGRESS if round_ % 2 == 0 else MeasureStatus.PLANNED
        measure_tick(measure=measure, by=by, status=status)
        server.clear_cache()
        response = bench.get(url, headers)
        assert response.status == 200, (url, response.status)
        samples.append(response.seconds * 1000)
    return statistics.median(samples)


def _warm_up(url: str, headers: dict) -> None:
    """Every worker has served the page: its first request loads the URL map and
    compiles templates (over a second), which is neither cold nor warm cache."""
    bench.load(url, seconds=1, connections=CONNECTIONS, headers=headers)


def _warm(server: bench.Server, url: str, headers: dict) -> bench.Load:
    _warm_up(url, headers)
    result = bench.load(url, seconds=WARM_SECONDS, connections=CONNECTIONS, headers=headers)
    assert result.errors == 0 and result.non_2xx_3xx == 0, (url, result)
    return result


def test_server_throughput(committed_world):
    redis_url = REDIS_URL if bench.redis_available(REDIS_URL) else ""
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    asker = Organisation.objects.get(slug="rodt-asker")
    asker_plan = Plan.objects.filter(organisation=asker, status="adopted").first()
    large = _build_plan(asker, goals=30, measures=10, title="Stor plan")
    feed_organisation = bench_feed.feed_organisation()
    admin = User.objects.get(email=PERSONAS["admin"])
    people = {
        "anonymous": {},
        "member": _session_cookie(PERSONAS["member"]),
        "secretary": _session_cookie(PERSONAS["secretary"]),
    }
    pages = [
        ("national plan (13 goals, 89 measures)", national),
        ("plan of 30 goals, 300 measures", large),
    ]
    if asker_plan is not None:
        pages.append((f"Rødt Asker: {asker_plan.title}", asker_plan))
    cache = (
        {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "",  # set below, to the server's
            }
        }
        if redis_url
        else None
    )
    rows = []
    with bench.gunicorn(redis_url=redis_url) as server:
        # What this process writes goes to the server's cache too, as another worker's would.
        overrides = {}
        if cache:
            cache["default"]["KEY_PREFIX"] = server.key_prefix
            overrides["CACHES"] = cache
        with override_settings(**overrides):
            minimal = _warm(server, server.url("/healthz"), {})
            rows.append(("minimal view (/healthz)", "anonymous", minimal, None, None))
            for name, plan in pages:
                url = server.url(plan.get_absolute_url())
                measure = (
                    Measure.objects.filter(goal__plan=plan, recurrence="", delegated=False)
                    .order_by("pk")
                    .first()
                )
                for persona, headers in people.items():
                    if plan == asker_plan and persona != "secretary":
                        continue  # the secretary's own branch's plan: tick controls on each row
                    _warm_up(url, headers)
                    first = bench.get(url, headers)
                    assert first.status == 200, (name, persona, first.status)
                    if persona != "anonymous":
                        assert b"logout" in first.body.lower(), f"{persona} is not logged in"
                    cold = _cold_ms(server, url, headers, measure, admin)
                    rows.append(
                        (
                            name,
                            persona,
                            _warm(server, url, headers),
                            cold,
                            _tick_controls(first.body),
                        )
                    )
            feed = server.url(f"/org/{feed_organisation.slug}/calendar.ics")
            first = bench.get(feed)
            assert first.status == 200 and "etag" in first.headers, first.headers
            rows.append(
                ("feed, 500 events", "no If-None-Match", _warm(server, feed, {}), None, None)
            )
            conditional = {"If-None-Match": first.headers["etag"]}
            assert bench.get(feed, conditional).status == 304
            rows.append(
                (
                    "feed, 500 events",
                    "If-None-Match: 304",
                    _warm(server, feed, conditional),
                    None,
                    None,
                )
            )
            organisation_page = server.url(f"/org/{feed_organisation.slug}/")
            rows.append(
                ("organisation page", "anonymous", _warm(server, organisation_page, {}), None, None)
            )
            long_run = bench.load(
                server.url(national.get_absolute_url()),
                seconds=LOAD_SECONDS,
                connections=LOAD_CONNECTIONS,
                threads=2,
            )
    _print(rows, long_run, redis_url)
    assert long_run.errors == 0 and long_run.non_2xx_3xx == 0, long_run


def _print(rows, long_run: bench.Load, redis_url: str) -> None:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    minimal = rows[0][2].rps
    tool = rows[0][2].tool
    print(
        f"\ngunicorn, {bench.WORKERS} sync workers, DEBUG=0, database {engine}, cache "
        f"{'Redis' if redis_url else 'per-process memory'}; warm: {tool} {CONNECTIONS} "
        f"connections {WARM_SECONDS} s; cold: median of {COLD_ROUNDS} first requests after a "
        f"tick and an empty cache"
    )
    print(
        f"  {'page':<40} {'who':<20} {'req/s':>8} {'÷ min':>6} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'cold ms':>8} {'tick links':>10}"
    )
    for name, who, result, cold, ticks in rows:
        print(
            f"  {name[:40]:<40} {who:<20} {result.rps:8.0f} {result.rps / minimal:6.2f}"
            f" {result.p50_ms:7.1f} {result.p99_ms:7.1f}"
            f" {'' if cold is None else f'{cold:8.1f}':>8} {'' if ticks is None else ticks:>10}"
        )
    by_key = {(name, who): result for name, who, result, _cold, _ticks in rows}
    national = by_key.get(("national plan (13 goals, 89 measures)", "anonymous"))
    large = by_key.get(("plan of 30 goals, 300 measures", "anonymous"))
    feed = by_key.get(("feed, 500 events", "no If-None-Match"))
    organisation = by_key.get(("organisation page", "anonymous"))
    if national and large:
        print(
            f"  300-measure plan warm time ÷ national plan's: {national.rps / large.rps:.2f}"
            " (target ≤ 1.5)"
        )
    if feed and organisation:
        print(
            f"  feed warm time ÷ organisation page's: {organisation.rps / feed.rps:.2f}"
            " (target ≤ 1.0)"
        )
    print(
        "  targets: national plan ≥ 0.25 of the minimal view (anonymous, member), a secretary's"
        " page with tick controls ≥ 0.15; 300-measure plan cold < 100 ms"
    )
    print(
        f"  load run, national plan, {LOAD_CONNECTIONS} connections, {LOAD_SECONDS} s "
        f"({long_run.tool}): {long_run.requests} requests, {long_run.rps:.0f} req/s, "
        f"errors {long_run.errors}, non-2xx/3xx {long_run.non_2xx_3xx}, "
        f"p50 {long_run.p50_ms:.1f} ms, p99 {long_run.p99_ms:.1f} ms"
    )
