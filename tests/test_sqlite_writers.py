"""Two writers at once on the embedded SQLite database: they wait, they never fail.

A small organisation runs on the default SQLite file. Two people saving the same
goal at the same moment must end as one saved and one edit conflict, and two
ticks of the same measure must keep both notes; "database is locked" must not
happen. The test builds its own SQLite file (whatever the main test database is)
and runs the real services in two threads with separate connections, started
together by a barrier, in a subprocess that uses the project's settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
ROUNDS = 15


@pytest.fixture(scope="module")
def outcome(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("sqlite-writers")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):  # tasks run in-process, as in the demo
        env.pop(name, None)
    result_file = folder / "outcome.json"
    completed = subprocess.run(
        [sys.executable, "-m", "tests.test_sqlite_writers", str(ROUNDS), str(result_file)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(result_file.read_text(encoding="utf-8"))


def test_the_sqlite_file_is_written_ahead_and_waits_for_the_other_writer(outcome):
    assert outcome["journal_mode"] == "wal"
    assert outcome["busy_timeout_ms"] >= 20_000


def test_two_people_saving_the_same_goal_at_once_get_one_save_and_one_conflict(outcome):
    rounds = outcome["goal_saves"]
    assert len(rounds) == ROUNDS
    assert [r for r in rounds if sorted(r) != ["conflict", "saved"]] == []


def test_two_ticks_of_one_measure_at_once_keep_both_notes(outcome):
    rounds = outcome["ticks"]
    assert len(rounds) == ROUNDS
    assert [r for r in rounds if r["errors"]] == []
    assert [r for r in rounds if sorted(r["notes"]) != ["Andre", "Første"]] == []
    assert all(r["status"] == "done" for r in rounds)


# The subprocess: python -m tests.test_sqlite_writers <rounds> <result file>


def _together(jobs: list) -> list[str]:
    """Run the jobs in threads released at once; each returns its outcome or an error."""
    from django.db import connections

    barrier = threading.Barrier(len(jobs), timeout=30)
    outcomes: list[str] = [""] * len(jobs)

    def run(index: int, job) -> None:
        try:
            prepare, act = job
            prepared = prepare()  # read what the person had on screen, outside a transaction
            barrier.wait()
            outcomes[index] = act(prepared)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test asserts
            outcomes[index] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _main(rounds: int, result_file: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from goals.models import Goal, Measure, ProgressNote
    from goals.progress import measure_tick
    from goals.services import goal_update, measure_create
    from organisations.models import User
    from plans.demo import load_demo
    from plans.editing import EditConflict
    from tests.factories import adopt, county_plan

    assert connection.vendor == "sqlite" and connection.settings_dict["NAME"] != ":memory:"
    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    admin = User.objects.get(email="admin@example.org")
    board = User.objects.get(email="styre@example.org")
    _, goal = county_plan("Samtidig lagring")
    plan, tick_goal = county_plan("Samtidig avkrysning")
    measures = [measure_create(goal=tick_goal, text=f"Tiltak {n}") for n in range(rounds)]
    adopt(plan)

    def save(by, title):
        def prepare():
            return Goal.objects.get(pk=goal.pk)

        def act(opened):
            try:
                goal_update(goal=opened, expected_revision=opened.revision, values=title, by=by)
            except EditConflict:
                return "conflict"
            return "saved"

        return prepare, act

    def tick(measure, by, note):
        def prepare():
            return Measure.objects.get(pk=measure.pk)

        def act(opened):
            measure_tick(measure=opened, by=by, note=note)
            return "ticked"

        return prepare, act

    goal_saves = []
    for number in range(rounds):
        goal_saves.append(
            _together(
                [
                    save(admin, {"title": f"Mål (Ada, runde {number})"}),
                    save(board, {"title": f"Mål (Siri, runde {number})"}),
                ]
            )
        )
    ticks = []
    for measure in measures:
        outcomes = _together([tick(measure, admin, "Første"), tick(measure, board, "Andre")])
        measure.refresh_from_db()
        ticks.append(
            {
                "errors": [o for o in outcomes if o != "ticked"],
                "notes": list(
                    ProgressNote.objects.filter(measure=measure).values_list("text", flat=True)
                ),
                "status": measure.status,
            }
        )
    with connection.cursor() as cursor:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
    result_file.write_text(
        json.dumps(
            {
                "journal_mode": journal_mode,
                "busy_timeout_ms": busy_timeout,
                "goal_saves": goal_saves,
                "ticks": ticks,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    _main(int(sys.argv[1]), Path(sys.argv[2]))
