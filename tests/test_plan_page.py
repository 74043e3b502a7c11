import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.services import goal_create, measure_create, target_create
from organisations.models import Body, Organisation
from plans.models import Plan
from plans.services import plan_create, section_create

SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "rodt-national-handlingsplan-2023-2025.txt"
GOAL_HEADING = re.compile(r"^([A-I])\.\s+(.+)$")
SECTION_HEADING = re.compile(r"^\d\.\s")
LEAD_IN = "For å komme nærmere målet skal"


def seed_goals_and_measures() -> list[str]:
    """Goal titles and measure texts of the national seed, in document order.

    Read straight from the seed text (bullets joined across their hard line
    breaks), independently of the demo fixtures the page is built from.
    """
    items: list[str] = []
    in_goal = False
    title_open = False
    for raw in SEED.read_text(encoding="utf-8").splitlines():
        line = " ".join(raw.replace("•", " • ").split())
        if not line:
            continue
        if SECTION_HEADING.match(line):
            in_goal = False
            continue
        if match := GOAL_HEADING.match(line):
            items.append(f"{match[1]}. {match[2]}")
            in_goal, title_open = True, True
            continue
        if not in_goal:
            continue
        if line.startswith(LEAD_IN):
            title_open = False
        elif line.startswith("•"):
            title_open = False
            items.append(line.lstrip("• ").strip())
        elif title_open:
            items[-1] = f"{items[-1]} {line}"
        else:
            items[-1] = f"{items[-1]} {line}"
    return items


def page_text(content: bytes) -> str:
    text = re.sub(r"<[^>]+>", " ", content.decode())
    return " ".join(html.unescape(text).split())


def test_seed_reader_finds_all_goals_of_the_national_plan():
    goals = [item for item in seed_goals_and_measures() if GOAL_HEADING.match(item)]
    assert [goal[0] for goal in goals] == list("ABCDEFGHI") + list("ABCD")


def test_national_plan_page_shows_every_goal_and_measure_of_the_seed_in_order(client_for):
    plan = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    text = page_text(client_for(None).get(plan.get_absolute_url()).content)
    position = 0
    expected = seed_goals_and_measures()
    assert len(expected) == 13 + 89
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"missing or out of order: {item!r}"
        position = found + len(item)


def test_plan_page_shows_responsible_bodies_due_text_targets_and_derivation(client_for):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    text = page_text(client_for("member").get(plan.get_absolute_url()).content)
    assert "Fylkesleder" in text
    assert "Vedtatt av Fylkesårsmøtet 14. februar 2026" in text
    assert "Rødt: A. Å bygge et parti med aktive medlemmer som utløser bevegelser" in text
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    national_text = page_text(client_for(None).get(national.get_absolute_url()).content)
    assert "16 000 medlemmer" in national_text or "16000 medlemmer" in national_text
    assert "Frist: høsten 2023" in national_text


def _build_plan(organisation: Organisation, *, goals: int, measures: int, title: str) -> Plan:
    bodies = list(Body.objects.filter(organisation=organisation)[:3])
    plan = plan_create(
        organisation=organisation,
        title=title,
        kind="handlingsplan",
        first_year=2027,
        last_year=2028,
        language="nb",
        visibility="public",
    )
    section = section_create(plan=plan, title="Del 1", order=1)
    for g in range(goals):
        goal = goal_create(
            plan=plan, section=section, code=chr(65 + g % 26), title=f"Mål {g}", order=g
        )
        sub = goal_create(plan=plan, section=section, parent=goal, title=f"Delmål {g}", order=1)
        target_create(goal=goal, name=f"Mål {g}", target_value=100)
        for m in range(measures):
            measure_create(
                goal=goal if m % 2 else sub,
                text=f"Tiltak {g}.{m}",
                order=m,
                responsible=bodies,
                due="våren 2027",
                tags=["training", "campaign"],
            )
    plan.status = "adopted"
    plan.save()
    return plan


@pytest.mark.parametrize("persona", [None, "admin"])
def test_plan_page_query_count_does_not_grow_with_the_plan(client_for, persona):
    organisation = Organisation.objects.get(slug="rodt-akershus")
    small = _build_plan(organisation, goals=1, measures=1, title="Liten plan")
    large = _build_plan(organisation, goals=20, measures=10, title="Stor plan")
    client = client_for(persona)
    counts = []
    for plan in (small, large):
        client.get(plan.get_absolute_url())  # warm per-process caches (content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(plan.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    assert "Tiltak 19.9" in response.content.decode()
    assert counts[0] == counts[1], counts


def test_members_only_plan_is_not_found_for_another_party(client_for):
    plan = Plan.objects.get(organisation__slug="rodt-akershus", title="Handlingsplan 2026")
    assert client_for("outsider").get(reverse("plans:detail", args=[plan.pk])).status_code == 404
