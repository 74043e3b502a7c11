"""The benchmarks' database is a file, even on SQLite, so a gunicorn started by the
server benchmark reads the same data (pytest-django's default SQLite test database
lives in this process's memory)."""

import pytest
from django.conf import settings

from plans.demo import load_demo
from tests.conftest import give_admins_totp


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "bench.sqlite3")


@pytest.fixture
def committed_world(transactional_db):
    """Writes commit, as in production (and so another process sees them).

    transactional_db empties every table after the test (pytest-django runs these
    tests after the others), so the demo is loaded again where an earlier one left
    the database empty.
    """
    from organisations.models import Organisation

    if not Organisation.objects.filter(slug="rodt").exists():
        load_demo()
        give_admins_totp()
