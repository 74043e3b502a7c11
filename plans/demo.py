"""Loads the demo data in fixtures/demo/ idempotently.

Everything is looked up by its natural key (slug, email, title), so running the
loader again creates nothing new and leaves what people changed in the app alone.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from calendar_app.models import CycleEntry, Event
from goals.models import Goal
from goals.services import goal_create, measure_create, target_create
from organisations.models import Body, Membership, Organisation, Position, User
from organisations.services import (
    admin_grant,
    body_create,
    membership_add,
    membership_end,
    organisation_create,
    position_add,
)

from .models import Plan, PlanStatus, Section
from .services import plan_adopt, plan_create, section_create

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "demo-passord"
# The fixtures name tags by key; people see them in the plan's language.
TAG_NAMES = {
    "training": "skolering",
    "recruitment": "rekruttering",
    "campaign": "kampanje",
    "cooperation": "samarbeid",
    "communication": "kommunikasjon",
    "election": "valg",
    "organisation": "organisasjon",
    "women": "kvinnepolitikk",
    "policy": "politikk",
}
DEMO_LOGINS = [
    ("admin@example.org", "org admin of rodt"),
    ("styre@example.org", "board member of rodt-akershus"),
    ("sekretaer@example.org", "secretary of rodt-asker"),
    ("medlem@example.org", "member of rodt-asker"),
    ("ap@example.org", "member of arbeiderpartiet"),
    ("komite@example.org", "committee member (Skoleringsutvalget) of rodt-akershus"),
    ("ap-admin@example.org", "org admin of arbeiderpartiet"),
]


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _organisations(rows: list[dict]) -> dict[str, Organisation]:
    by_slug = {o.slug: o for o in Organisation.objects.all()}
    for row in rows:
        if row["slug"] in by_slug:
            continue
        by_slug[row["slug"]] = organisation_create(
            name=row["name"],
            slug=row["slug"],
            kind=row["kind"],
            parent=by_slug[row["parent"]] if row["parent"] else None,
            language=row["language"],
            country=row["country"],
            time_zone=row["time_zone"],
        )
    return by_slug


def _bodies(rows: list[dict], orgs: dict[str, Organisation]) -> dict[tuple[str, str], Body]:
    existing = {
        (b.organisation.slug, b.name): b for b in Body.objects.select_related("organisation")
    }
    for row in rows:
        key = (row["organisation"], row["name"])
        if key not in existing:
            existing[key] = body_create(
                organisation=orgs[row["organisation"]], name=row["name"], kind=row["kind"]
            )
    return existing


def _people(rows: list[dict], orgs, bodies) -> None:
    from allauth.account.models import EmailAddress

    password = make_password(DEMO_PASSWORD)  # hashed once: hashing is slow by design
    for row in rows:
        person = User.objects.filter(email=row["email"]).first()
        if person is None:
            person = User.objects.create(
                email=row["email"],
                password=password,
                name=row["name"],
                language=row.get("language", "nb"),
            )
        EmailAddress.objects.get_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )
        for membership in row.get("memberships", []):
            _membership(person, membership, orgs)
        for position in row.get("positions", []):
            _position(person, position, bodies)
        for slug in row.get("admin_of", []):
            admin_grant(person=person, organisation=orgs[slug])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _membership(person: User, row: str | dict, orgs) -> None:
    """A slug (a member since the demo was loaded) or a membership with its dates."""
    row = {"organisation": row} if isinstance(row, str) else row
    organisation = orgs[row["organisation"]]
    if Membership.objects.filter(person=person, organisation=organisation).exists():
        return  # adding it again would reopen one the demo ended
    membership = membership_add(
        person=person, organisation=organisation, since=_day(row.get("since"))
    )
    if row.get("ends_on"):
        membership_end(membership=membership, on=_day(row["ends_on"]))


def _position(person: User, row: dict, bodies) -> None:
    """A term in a body: from the annual meeting that elected it, open unless it has ended."""
    body = bodies[(row["organisation"], row["body"])]
    starts_on = _day(row.get("starts_on")) or timezone.localdate()
    ends_on = _day(row.get("ends_on"))
    # Any term of the same place over those days (the demo's, or one an admin changed) stays.
    same_place = Position.objects.filter(person=person, body=body, role=row["role"]).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if (same_place.filter(starts_on__lte=ends_on) if ends_on else same_place).exists():
        return
    position_add(person=person, body=body, role=row["role"], starts_on=starts_on, ends_on=ends_on)


def _aware(value: str, organisation: Organisation) -> tuple[datetime, bool]:
    """'2027-02-04T19:00' or an all-day '2027-02-04', in the organisation's time zone."""
    all_day = "T" not in value
    naive = datetime.fromisoformat(value if not all_day else f"{value}T00:00")
    return timezone.make_aware(naive, organisation.zoneinfo), all_day


def _events(rows: list[dict], orgs) -> None:
    for row in rows:
        organisation = orgs[row["organisation"]]
        starts_at, all_day = _aware(row["start"], organisation)
        ends_at = _aware(row["end"], organisation)[0] if row.get("end") else None
        Event.objects.get_or_create(
            organisation=organisation,
            title=row["title"],
            starts_at=starts_at,
            defaults={
                "ends_at": ends_at,
                "all_day": all_day,
                "location": row.get("location", ""),
                "description": row.get("description", ""),
                "visibility": row["visibility"],
                "for_descendants": row.get("for_descendants", False),
                "is_annual_meeting": row.get("annual_meeting", False),
            },
        )


def _find_goal(ref: dict) -> Goal:
    return Goal.objects.get(
        plan__organisation__slug=ref["organisation"],
        plan__title=ref["plan"],
        section__title=ref["section"],
        code=ref["code"],
    )


def _goal(data: dict, *, plan: Plan, section: Section, order: int, parent, bodies) -> None:
    goal = goal_create(
        plan=plan,
        section=section,
        parent=parent,
        code=data.get("code", ""),
        title=data["title"],
        description=data.get("description", ""),
        lead_in=data.get("lead_in", ""),
        order=order,
        derived_from=_find_goal(data["derived_from"]) if data.get("derived_from") else None,
    )
    slug = plan.organisation.slug
    for number, measure in enumerate(data.get("measures", []), start=1):
        measure_create(
            goal=goal,
            text=measure["text"],
            order=number,
            responsible=[bodies[(slug, name)] for name in measure.get("responsible", [])],
            due=measure.get("due", ""),
            recurrence=measure.get("recurrence", ""),
            delegated=measure.get("delegated", False),
            delegate_kind=measure.get("delegate_kind", "branch"),
            tags=[TAG_NAMES.get(tag, tag) for tag in measure.get("tags", [])],
        )
    for target in data.get("targets", []):
        target_create(
            goal=goal,
            name=target["name"],
            kind=target.get("kind", "count"),
            unit=target.get("unit", ""),
            target_value=Decimal(str(target["target_value"])),
            target_date=date.fromisoformat(target["target_date"])
            if target.get("target_date")
            else None,
            baseline_value=Decimal(str(target["baseline_value"]))
            if target.get("baseline_value") is not None
            else None,
            baseline_date=date.fromisoformat(target["baseline_date"])
            if target.get("baseline_date")
            else None,
            direction=target.get("direction", "increase"),
        )
    for number, sub in enumerate(data.get("subgoals", []), start=1):
        _goal(sub, plan=plan, section=section, order=number, parent=goal, bodies=bodies)


def _plan(data: dict, orgs, bodies) -> None:
    organisation = orgs[data["organisation"]]
    if Plan.objects.filter(organisation=organisation, title=data["title"]).exists():
        return
    implements = None
    if data.get("implements"):
        implements = Plan.objects.get(
            organisation__slug=data["implements"]["organisation"],
            title=data["implements"]["title"],
        )
    plan = plan_create(
        organisation=organisation,
        title=data["title"],
        kind=data["kind"],
        first_year=data["first_year"],
        last_year=data["last_year"],
        language=data.get("language", organisation.language),
        visibility=data["visibility"],
        preamble=data.get("preamble", ""),
        implements=implements,
    )
    for number, section_data in enumerate(data.get("sections", []), start=1):
        section = section_create(
            plan=plan,
            title=section_data["title"],
            intro=section_data.get("intro", ""),
            order=number,
        )
        for goal_number, goal_data in enumerate(section_data.get("goals", []), start=1):
            _goal(
                goal_data, plan=plan, section=section, order=goal_number, parent=None, bodies=bodies
            )
    for entry in data.get("cycle", []):
        CycleEntry.objects.create(
            organisation=organisation,
            plan=plan,
            title=entry["title"],
            month=entry["month"],
            end_month=entry.get("end_month"),
            day=entry.get("day"),
            when_text=entry.get("when_text", ""),
            year_types=entry.get("year_types", []),
        )
    if data.get("adopted"):
        plan_adopt(
            plan=plan,
            meeting=bodies[(organisation.slug, data["adopted"]["body"])],
            on=date.fromisoformat(data["adopted"]["date"]),
        )
        _progress(plan, data)
    elif data.get("status") == PlanStatus.PROPOSED:
        Plan.objects.filter(pk=plan.pk).update(
            status=PlanStatus.PROPOSED, proposed_at=timezone.now()
        )


def _progress(plan: Plan, data: dict) -> None:
    """The follow-up so far: ticks, occurrences, branches' shares and measurements."""
    from goals.models import Measure, Target
    from goals.progress import measure_tick
    from goals.services import measurement_record

    people = {user.email: user for user in User.objects.all()}
    for item in data.get("progress", []):
        measure = Measure.objects.get(goal__plan=plan, text=item["measure"])
        by = people[item["by"]]
        assignment = (
            measure.assignments.get(organisation__slug=item["assignment"])
            if item.get("assignment")
            else None
        )
        for day in item.get("occurrences", []):
            measure_tick(
                measure=measure,
                by=by,
                occurrence=date.fromisoformat(day),
                note=item.get("note", ""),
                assignment=assignment,
            )
        if item.get("status"):
            measure_tick(
                measure=measure,
                by=by,
                status=item["status"],
                note=item.get("note", ""),
                assignment=assignment,
            )
    for item in data.get("measurements", []):
        target = Target.objects.get(goal__plan=plan, name=item["target"])
        measurement_record(
            target=target,
            value=Decimal(str(item["value"])),
            date=date.fromisoformat(item["date"]),
            source=item.get("source", ""),
            by=None,
        )


def _plan_files() -> list[dict]:
    """Plans ordered so that a plan comes after the plans it implements or derives from."""
    pending = [_read(path) for path in sorted((DEMO_DIR / "plans").glob("*.json"))]
    ordered: list[dict] = []
    known: set[tuple[str, str]] = set()

    def refs(data: dict) -> set[tuple[str, str]]:
        found = set()
        if data.get("implements"):
            found.add((data["implements"]["organisation"], data["implements"]["title"]))

        def walk(goals: list[dict]) -> None:
            for goal in goals:
                if goal.get("derived_from"):
                    found.add((goal["derived_from"]["organisation"], goal["derived_from"]["plan"]))
                walk(goal.get("subgoals", []))

        for section in data.get("sections", []):
            walk(section.get("goals", []))
        return found

    while pending:
        ready = [p for p in pending if refs(p) <= known]
        if not ready:
            raise ValueError("Demo plans refer to plans that are not in fixtures/demo/plans.")
        for data in ready:
            ordered.append(data)
            known.add((data["organisation"], data["title"]))
            pending.remove(data)
    return ordered


@transaction.atomic
def load_demo() -> None:
    from calendar_app.elections import seed_elections
    from calendar_app.models import Election

    seed_elections(Election)  # present after migrate, but a flushed database lacks them
    tree = _read(DEMO_DIR / "tree.json")
    orgs = _organisations(tree["organisations"])
    bodies = _bodies(tree["bodies"], orgs)
    _people(tree["people"], orgs, bodies)
    _events(tree["events"], orgs)
    for data in _plan_files():
        _plan(data, orgs, bodies)
