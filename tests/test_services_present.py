"""The real PostgreSQL and Redis: CI fails here if they are missing or not used."""

import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import REQUIRE_SERVICES, missing_service


@pytest.mark.postgres
def test_tests_run_against_postgresql_when_required(db):
    if connection.vendor != "postgresql":
        missing_service("DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]


@pytest.mark.redis
def test_celery_broker_round_trips_a_message_through_redis():
    from config.celery import app

    url = settings.CELERY_BROKER_URL or os.environ.get("REDIS_URL", "")
    if not url:
        missing_service("No CELERY_BROKER_URL/REDIS_URL set")
    name = f"handlingsplan-test-{uuid.uuid4().hex}"
    try:
        with app.connection_for_write(url) as conn:
            conn.ensure_connection(max_retries=1)
            queue = conn.SimpleQueue(name)
            queue.put({"hello": "verden"})
            message = queue.get(timeout=5)
            assert message.payload == {"hello": "verden"}
            message.ack()
            queue.close()
    except OSError as error:
        missing_service(f"Redis at {url} is not reachable: {error}")


def test_the_switch_is_set_in_ci():
    if os.environ.get("CI") == "true":
        assert REQUIRE_SERVICES, "CI must run with HANDLINGSPLAN_REQUIRE_SERVICES=1"
