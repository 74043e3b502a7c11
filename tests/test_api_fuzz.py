"""Schemathesis sends what the schema allows, and what it does not, to the live server.

Every answer is below 500; every refusal says what is wrong. The examples are
derandomised, so a run is repeatable and a failure shows its request.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.generation.modes import GenerationMode

from organisations.models import User
from organisations.tokens import api_token_create
from plans.demo import load_demo

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))


@pytest.fixture
def live_api(live_server, transactional_db, tmp_path):
    set_hypothesis_home_dir(str(tmp_path / "hypothesis"))  # nothing left in the project
    load_demo()  # a live-server test before this one may have emptied the database
    person = User.objects.get(email="sekretaer@example.org")
    _token, raw = api_token_create(person=person, name="Fuzz", scope="progress", days=30)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")
    return live_server.url, {"Authorization": f"Bearer {raw}"}, schema


def _check(case, base_url: str, headers: dict) -> None:
    response = case.call(base_url=base_url, headers=headers, timeout=30)
    asked = f"{case.method} {case.formatted_path} {case.query} {case.body!r}"
    request = f"{response.status_code} {asked}"[:500]
    assert response.status_code < 500, request
    if 400 <= response.status_code < 500:
        # A message, not an empty refusal or an HTML page.
        assert response.headers.get("content-type") == ["application/json"], request
        assert response.json(), request


def test_no_request_the_schema_allows_or_forbids_gets_a_500(live_api):
    base_url, headers, schema = live_api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                _check(case, base_url, headers)

            run()
