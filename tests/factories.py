"""Plans for tests, made through the services as people would make them."""

from __future__ import annotations

from datetime import date

from goals.models import Goal
from goals.services import goal_create
from organisations.models import Body, Organisation, User
from plans.models import Plan
from plans.services import plan_adopt, plan_create, plan_propose, section_create


def county_plan(title: str, *, year: int = 2026) -> tuple[Plan, Goal]:
    """A draft of Rødt Akershus with one section and one goal, ready for measures."""
    plan = plan_create(
        organisation=Organisation.objects.get(slug="rodt-akershus"),
        title=title,
        kind="handlingsplan",
        first_year=year,
        last_year=year,
        language="nb",
        visibility="members",
    )
    goal = goal_create(
        plan=plan, section=section_create(plan=plan, title="Del", order=1), title="Mål"
    )
    return plan, goal


def adopt(plan: Plan, on: date = date(2026, 1, 10)) -> Plan:
    """Propose the plan and record its adoption by the county's annual meeting."""
    admin = User.objects.get(email="admin@example.org")
    plan_propose(plan=plan, by=admin)
    meeting = Body.objects.get(organisation=plan.organisation, name="Fylkesårsmøtet")
    return plan_adopt(plan=plan, meeting=meeting, on=on, by=admin)
