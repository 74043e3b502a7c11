"""Every URL pattern × every persona → the expected status (DESIGN.md §5).

A new URL pattern of our apps makes this test fail until it is added to MATRIX.
Each persona gets fresh objects (the kwargs factory runs once per persona), so a
POST that succeeds for one persona cannot change what the next one sees.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.timezone import localdate as _today

from calendar_app.models import Event
from goals.models import Goal, Measure
from goals.services import goal_create, measure_create
from organisations.models import Body, Organisation
from plans.importing.review import plan_import_read
from plans.models import Plan, PlanImport
from plans.services import plan_adopt, plan_create, plan_propose, section_create
from tests import test_invitations as invitations_test
from tests.test_manage_organisation import (
    fresh_body,
    fresh_branch,
    fresh_membership,
    fresh_position,
    today,
)

# committee: a Rødt Bærum member in Rødt Akershus's Skoleringsutvalget (no board seat);
# other_admin: the organisation admin of Arbeiderpartiet, another party.
PERSONAS = [
    "anonymous",
    "member",
    "secretary",
    "board",
    "admin",
    "outsider",
    "committee",
    "other_admin",
]
OUR_NAMESPACES = {
    "organisations",
    "plans",
    "goals",
    "calendar_app",
    "personal_data",
    "invitations",
}
# Our patterns outside a namespace (config/urls.py), among allauth's and admin's.
ROOT_NAMES = {
    "home",
    "language",
    "organisation_dashboard",
    "calendar_feed",
    "api_tokens",
    "api_token_revoke",
    "organisation_webhooks",
    "organisation_webhook",
    "organisation_webhook_delete",
}
# The API's routes have their own matrix, per token: tests/test_api_permissions.py.
API_NAMESPACE = "api"


def plan_pk(org: str, title: str) -> int:
    return Plan.objects.get(organisation__slug=org, title=title).pk


def event_pk(org: str, title: str) -> int:
    return Event.objects.get(organisation__slug=org, title=title).pk


def asker_measure() -> Measure:
    """A measure of Rødt Asker's adopted plan that its board is responsible for."""
    return (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-asker",
            goal__plan__status="adopted",
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )


def akershus_measure(body: str) -> Measure:
    """A one-off measure of Rødt Akershus's adopted Handlingsplan 2026 that ``body`` answers for."""
    return (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-akershus",
            goal__plan__title="Handlingsplan 2026",
            responsible__name=body,
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )


def member_token() -> str:
    from calendar_app.services import feed_token_for
    from organisations.models import User

    return feed_token_for(User.objects.get(email="medlem@example.org")).token


def secretary_position() -> int:
    """The secretary's latest term in Rødt Asker's board."""
    styret = Body.objects.get(organisation__slug="rodt-asker", name="Styret")
    terms = styret.positions.filter(person__email="sekretaer@example.org")
    return terms.order_by("-starts_on").first().pk


def member_api_token() -> int:
    """A new token of the member's: only the member may revoke it."""
    from organisations.models import User
    from organisations.tokens import api_token_create

    person = User.objects.get(email="medlem@example.org")
    return api_token_create(person=person, name="Nettside", scope="read", days=30)[0].pk


def akershus_webhook() -> dict:
    """A new webhook of Rødt Akershus (its admin is the national admin)."""
    from calendar_app.webhooks import webhook_create
    from organisations.models import User

    endpoint = webhook_create(
        organisation=Organisation.objects.get(slug="rodt-akershus"),
        url="https://example.org/hooks",
        events=["measure.done"],
        by=User.objects.get(email="admin@example.org"),
    )
    return {"slug": "rodt-akershus", "pk": endpoint.pk}


def member_membership() -> int:
    """The member's membership of Rødt Asker."""
    asker = Organisation.objects.get(slug="rodt-asker")
    return asker.memberships.get(person__email="medlem@example.org").pk


def unsubscribe_for_member() -> str:
    from calendar_app.emails import unsubscribe_token
    from organisations.models import User

    return unsubscribe_token(User.objects.get(email="medlem@example.org").pk, ["event_tomorrow"])


def akershus_cycle_entry() -> int:
    from calendar_app.models import CycleEntry

    return CycleEntry.objects.filter(organisation__slug="rodt-akershus").first().pk


def asker_target():
    from goals.models import Target

    return Target.objects.get(goal__plan__organisation__slug="rodt-asker", kind="members")


def asker_assignment():
    from goals.models import Assignment

    return (
        Assignment.objects.filter(
            organisation__slug="rodt-asker",
            measure__goal__plan__organisation__slug="rodt-akershus",
            measure__goal__plan__status="adopted",
            measure__recurrence="",
        )
        .order_by("pk")
        .first()
    )


def fresh_plan(status: str = "draft", organisation: str = "rodt-akershus") -> Plan:
    """A small members-only plan of the organisation (Rødt Akershus) in the given status."""
    organisation = Organisation.objects.get(slug=organisation)
    plan = plan_create(
        organisation=organisation,
        title=f"Matriseplan ({status})",
        kind="handlingsplan",
        first_year=2027,
        last_year=2027,
        language="nb",
        visibility="members",
    )
    section = section_create(plan=plan, title="Del", order=1)
    goal = goal_create(plan=plan, section=section, code="A", title="Mål")
    goal_create(plan=plan, section=section, parent=goal, title="Delmål")
    measure_create(goal=goal, text="Tiltak én", due="våren 2027")
    measure_create(goal=goal, text="Tiltak to")
    if status in ("proposed", "adopted"):
        plan_propose(plan=plan, by=None)
    if status == "adopted":
        meeting = Body.objects.get(organisation=organisation, kind="meeting")
        plan_adopt(plan=plan, meeting=meeting, on=date(2026, 11, 1))
    return plan


def proposal_data() -> dict:
    meeting = Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesårsmøtet")
    return {
        "meeting": meeting.pk,
        "meeting_on": (_today() + timedelta(days=30)).isoformat(),
        "deadline": (_today() + timedelta(days=14)).isoformat(),
        "from_members": "on",
    }


PROPOSE = (302, 404, 404, 403, 302, 404, 404, 404)
SENT = (302, 302, 302, 302, 302, 404, 302, 404)


def meeting_plan() -> dict:
    """A fresh plan proposed to Fylkesårsmøtet, with one amendment by the member."""
    from organisations.models import User
    from plans.meeting.services import amendment_submit, plan_propose_to_meeting

    plan = fresh_plan("draft")
    proposal = plan_propose_to_meeting(
        plan=plan,
        meeting=Body.objects.get(organisation=plan.organisation, name="Fylkesårsmøtet"),
        meeting_on=_today() + timedelta(days=30),
        deadline=_today() + timedelta(days=14),
        by=None,
    )
    amendment_submit(
        proposal=proposal,
        by=User.objects.get(email="medlem@example.org"),
        values={"action": "delete", "first_line": 2},
    )
    return {"pk": plan.pk}


def meeting_amendment() -> dict:
    from plans.models import Amendment

    plan = meeting_plan()["pk"]
    return {"pk": Amendment.objects.get(proposal__plan_id=plan).pk}


def amendment_data() -> dict:
    return {"sender": "self", "action": "delete", "first_line": "1"}


def pending_import() -> dict:
    """A document of Rødt Akershus read and waiting for review (no plan yet)."""
    plan_import = plan_import_read(
        organisation=Organisation.objects.get(slug="rodt-akershus"),
        data="Handlingsplan 2027\n\nA. Mål\n\n- Et tiltak.\n".encode(),
        filename="plan.txt",
        by=None,
    )
    return {"slug": "rodt-akershus", "pk": plan_import.pk}


def draft_with_document() -> dict:
    plan = fresh_plan("draft")
    PlanImport.objects.create(
        organisation=plan.organisation,
        filename="plan.txt",
        content_type="text/plain",
        data=b"A. Mal",
        read={},
        plan=plan,
    )
    return {"pk": plan.pk}


def _goal(plan: Plan) -> Goal:
    return plan.goals.get(parent=None)


def _measure(plan: Plan) -> Measure:
    return Measure.objects.filter(goal__plan=plan).order_by("pk").last()


def on(status: str, what: str, organisation: str = "rodt-akershus"):
    """kwargs factory: a fresh plan in ``status``, pointing at its plan/section/goal/measure."""

    def make() -> dict:
        plan = fresh_plan(status, organisation)
        return {
            "plan": {"pk": plan.pk},
            "section": {"pk": plan.sections.get().pk},
            "goal": {"pk": _goal(plan).pk},
            "measure": {"pk": _measure(plan).pk},
        }[what]

    return make


def akershus_register_import(step: str):
    """kwargs factory: a register file of Rødt Akershus, uploaded by the national admin."""

    def make() -> dict:
        from organisations.models import User
        from organisations.register import services

        register_import = services.register_import_start(
            organisation=Organisation.objects.get(slug="rodt-akershus"),
            by=User.objects.get(email="admin@example.org"),
            filename="matrise.csv",
            data=b"Medlemsnummer;Navn;E-post\n90001;Mari Matrise;matrise@example.org\n",
        )
        if step != "uploaded":
            services.register_import_map(
                register_import=register_import, mapping=register_import.mapping["guess"]
            )
        if step == "applied":
            services.register_import_apply(register_import=register_import, by=None)
        return {"slug": "rodt-akershus", "pk": register_import.pk}

    return make


ALL_200 = (200, 200, 200, 200, 200, 200, 200, 200)
# Who may edit a draft of Rødt Akershus: its board and the national admin.
DRAFT_GET = (302, 404, 404, 200, 200, 404, 404, 404)
DRAFT_POST_REDIRECT = (302, 404, 404, 302, 302, 404, 404, 404)
DRAFT_POST_FRAGMENT = (302, 404, 404, 200, 200, 404, 404, 404)
# Redirect for a page request, a fragment for an htmx request.
DRAFT_POST_EITHER = {"page": DRAFT_POST_REDIRECT, "htmx": DRAFT_POST_FRAGMENT}
# An adopted members-only plan: members can read it, nobody may edit it.
ADOPTED_EDIT = (302, 403, 403, 403, 403, 404, 403, 404)

MATRIX = [
    # (url name, kwargs factory, method, data, expected per persona)
    ("home", dict, "get", None, ALL_200),
    (
        "language",
        dict,
        "post",
        {"language": "sv", "next": "/"},
        (302, 302, 302, 302, 302, 302, 302, 302),
    ),
    ("organisations:list", dict, "get", None, ALL_200),
    ("organisations:detail", lambda: {"slug": "rodt"}, "get", None, ALL_200),
    ("organisations:detail", lambda: {"slug": "rodt-asker"}, "get", None, ALL_200),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt", "Handlingsplan 2023–2025")},
        "get",
        None,
        ALL_200,
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-asker", "Arbeidsplan 2026")},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 404, 404),
    ),
    (
        "plans:detail",
        lambda: {"pk": plan_pk("rodt-akershus", "Arbeidsutkast 2027")},
        "get",
        None,
        DRAFT_GET,
    ),
    (
        "plans:create",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "plans:create",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {"title": ""},
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "plans:import",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "plans:import",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {},
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    ("plans:import_review", pending_import, "get", None, (302, 403, 403, 200, 200, 404, 403, 404)),
    (
        "plans:import_review",
        pending_import,
        "post",
        {"title": ""},
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    ("plans:original", draft_with_document, "get", None, DRAFT_GET),
    ("plans:edit", on("draft", "plan"), "get", None, DRAFT_GET),
    ("plans:edit", on("adopted", "plan"), "get", None, ADOPTED_EDIT),
    ("plans:settings", on("draft", "plan"), "get", None, DRAFT_GET),
    ("plans:settings", on("adopted", "plan"), "post", {"title": "x"}, ADOPTED_EDIT),
    ("plans:preview", on("draft", "plan"), "post", {"text": "**x**"}, DRAFT_POST_FRAGMENT),
    ("plans:due_preview", on("draft", "plan"), "get", None, DRAFT_GET),
    ("plans:section_add", on("draft", "plan"), "post", {"title": "Ny"}, DRAFT_POST_REDIRECT),
    ("plans:section_add", on("adopted", "plan"), "post", {"title": "Ny"}, ADOPTED_EDIT),
    ("plans:section", on("draft", "section"), "get", None, DRAFT_GET),
    ("plans:section_edit", on("draft", "section"), "get", None, DRAFT_GET),
    ("plans:section_edit", on("adopted", "section"), "post", {}, ADOPTED_EDIT),
    ("plans:section_delete", on("draft", "section"), "get", None, DRAFT_GET),
    ("plans:section_delete", on("draft", "section"), "post", {}, DRAFT_POST_REDIRECT),
    (
        "plans:section_move",
        on("draft", "section"),
        "post",
        {"direction": "up"},
        DRAFT_POST_REDIRECT,
    ),
    ("plans:propose", on("draft", "plan"), "get", None, (302, 404, 404, 403, 200, 404, 404, 404)),
    # Without the meeting's details the form comes back with its errors.
    ("plans:propose", on("draft", "plan"), "post", {}, (302, 404, 404, 403, 200, 404, 404, 404)),
    ("plans:propose", on("draft", "plan"), "post", proposal_data, PROPOSE),
    (
        "plans:withdraw",
        on("proposed", "plan"),
        "post",
        {},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    ("plans:adopt", on("proposed", "plan"), "get", None, (302, 403, 403, 403, 200, 404, 403, 404)),
    ("plans:archive", on("adopted", "plan"), "post", {}, (302, 403, 403, 403, 302, 404, 403, 404)),
    (
        "plans:new_version",
        on("adopted", "plan"),
        "post",
        {},
        (302, 403, 403, 302, 302, 404, 403, 404),
    ),
    (
        "plans:duplicate",
        on("adopted", "plan"),
        "post",
        {},
        (302, 403, 403, 302, 302, 404, 403, 404),
    ),
    # Arbeiderpartiet's admin runs their own party's plans; Rødt's people cannot.
    (
        "plans:propose",
        on("draft", "plan", "arbeiderpartiet"),
        "post",
        {},
        (302, 404, 404, 404, 404, 404, 404, 200),
    ),
    (
        "plans:archive",
        on("adopted", "plan", "arbeiderpartiet"),
        "post",
        {},
        (302, 404, 404, 404, 404, 403, 404, 302),
    ),
    ("plans:delete", on("draft", "plan"), "get", None, DRAFT_GET),
    ("plans:delete", on("draft", "plan"), "post", {}, DRAFT_POST_REDIRECT),
    ("plans:history", on("adopted", "plan"), "get", None, (302, 403, 403, 200, 200, 404, 403, 404)),
    (
        "plans:compare",
        lambda: {"pk": plan_pk("rodt", "Handlingsplan 2023–2025")},
        "get",
        None,
        ALL_200,
    ),
    ("plans:compare", on("adopted", "plan"), "get", None, (302, 200, 200, 200, 200, 404, 200, 404)),
    (
        "plans:pdf",
        lambda: {"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    ("plans:pdf", lambda: {"pk": plan_pk("rodt", "Handlingsplan 2023–2025")}, "get", None, ALL_200),
    (
        "plans:report_pdf",
        lambda: {"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    ("goals:goal_add", on("draft", "section"), "get", None, DRAFT_GET),
    ("goals:goal_add", on("adopted", "section"), "post", {}, ADOPTED_EDIT),
    ("goals:goals_reorder", on("draft", "section"), "post", {"ids": []}, DRAFT_POST_EITHER),
    ("goals:goal", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:goal_edit", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:goal_edit", on("adopted", "goal"), "post", {}, ADOPTED_EDIT),
    ("goals:goal_delete", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:goal_delete", on("adopted", "goal"), "post", {}, ADOPTED_EDIT),
    ("goals:goal_move", on("draft", "goal"), "post", {"direction": "down"}, DRAFT_POST_EITHER),
    ("goals:subgoal_add", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:subgoals_reorder", on("draft", "goal"), "post", {"ids": []}, DRAFT_POST_EITHER),
    ("goals:measures", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:measure_add", on("draft", "goal"), "get", None, DRAFT_GET),
    ("goals:measure_add", on("adopted", "goal"), "post", {}, ADOPTED_EDIT),
    ("goals:measures_reorder", on("draft", "goal"), "post", {"ids": []}, DRAFT_POST_EITHER),
    ("goals:measure", on("draft", "measure"), "get", None, DRAFT_GET),
    ("goals:measure_edit", on("draft", "measure"), "get", None, DRAFT_GET),
    ("goals:measure_edit", on("adopted", "measure"), "post", {}, ADOPTED_EDIT),
    ("goals:measure_delete", on("draft", "measure"), "get", None, DRAFT_GET),
    ("goals:measure_delete", on("adopted", "measure"), "post", {}, ADOPTED_EDIT),
    ("goals:measure_move", on("draft", "measure"), "post", {"direction": "up"}, DRAFT_POST_EITHER),
    ("goals:mine", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("goals:list", dict, "get", None, ALL_200),
    ("goals:export", lambda: {"fmt": "csv"}, "get", None, ALL_200),
    ("goals:export", lambda: {"fmt": "xlsx"}, "get", None, ALL_200),
    (
        "organisation_dashboard",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    (
        "goals:target",
        lambda: {"pk": asker_target().pk},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 404, 404),
    ),
    (
        "goals:measurement_add",
        lambda: {"pk": asker_target().pk},
        "post",
        {"value": "150", "date": "2026-06-01"},
        (302, 403, 302, 403, 302, 404, 404, 404),
    ),
    (
        "goals:from_register",
        lambda: {"pk": asker_target().pk},
        "post",
        {},
        (302, 403, 302, 403, 302, 404, 404, 404),
    ),
    (
        "goals:delegation",
        lambda: {"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")},
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "goals:tick",
        lambda: {"pk": asker_measure().pk},
        "post",
        {"status": "done"},
        {
            "page": (302, 403, 302, 403, 302, 404, 404, 404),
            "htmx": (302, 403, 200, 403, 200, 404, 404, 404),
        },
    ),
    (
        "goals:tick",
        lambda: {"pk": asker_assignment().measure_id},
        "post",
        lambda: {"status": "done", "assignment": asker_assignment().pk},
        {
            "page": (302, 403, 302, 403, 302, 404, 403, 404),
            "htmx": (302, 403, 200, 403, 200, 404, 403, 404),
        },
    ),
    # A committee member ticks the measures their committee answers for, and no others.
    (
        "goals:tick",
        lambda: {"pk": akershus_measure("Skoleringsutvalget").pk},
        "post",
        {"status": "done"},
        {
            "page": (302, 403, 403, 302, 302, 404, 302, 404),
            "htmx": (302, 403, 403, 200, 200, 404, 200, 404),
        },
    ),
    (
        "goals:tick",
        lambda: {"pk": akershus_measure("Fylkesstyret").pk},
        "post",
        {"status": "done"},
        {
            "page": (302, 403, 403, 302, 302, 404, 403, 404),
            "htmx": (302, 403, 403, 200, 200, 404, 403, 404),
        },
    ),
    ("calendar_app:month", lambda: {"slug": "rodt-asker"}, "get", None, ALL_200),
    ("calendar_app:agenda", lambda: {"slug": "rodt-asker"}, "get", None, ALL_200),
    ("calendar_feed", lambda: {"slug": "rodt-asker"}, "get", None, ALL_200),
    ("calendar_app:private_feed", lambda: {"token": member_token()}, "get", None, ALL_200),
    ("calendar_app:feed_settings", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("calendar_app:notifications", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("calendar_app:unsubscribe", lambda: {"token": unsubscribe_for_member()}, "get", None, ALL_200),
    (
        "calendar_app:unsubscribe",
        lambda: {"token": "forged:token"},
        "post",
        None,
        (404, 404, 404, 404, 404, 404, 404, 404),
    ),
    (
        "calendar_app:event_new",
        lambda: {"slug": "rodt-asker"},
        "get",
        None,
        (302, 403, 200, 403, 200, 404, 404, 404),
    ),
    (
        "calendar_app:event_new",
        lambda: {"slug": "rodt-asker"},
        "post",
        {"title": ""},
        (302, 403, 200, 403, 200, 404, 404, 404),
    ),
    (
        "calendar_app:event_edit",
        lambda: {"pk": event_pk("rodt-asker", "Årsmøte i Rødt Asker")},
        "get",
        None,
        (302, 403, 200, 403, 200, 404, 404, 404),
    ),
    (
        "calendar_app:event_cancel",
        lambda: {"pk": event_pk("rodt-asker", "Årsmøte i Rødt Asker")},
        "get",
        None,
        (302, 403, 200, 403, 200, 404, 404, 404),
    ),
    (
        "calendar_app:wheel",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    (
        "calendar_app:wheel_picture",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 200, 404),
    ),
    (
        "calendar_app:wheel_add",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "calendar_app:wheel_generate",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {"first": 2027, "last": 2027},
        (302, 403, 403, 302, 302, 404, 403, 404),
    ),
    (
        "calendar_app:wheel_delete",
        lambda: {"pk": akershus_cycle_entry()},
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    ("calendar_app:event", lambda: {"pk": event_pk("rodt", "1. mai 2027")}, "get", None, ALL_200),
    (
        "calendar_app:event",
        lambda: {"pk": event_pk("rodt-asker", "Årsmøte i Rødt Asker")},
        "get",
        None,
        (302, 200, 200, 200, 200, 404, 404, 404),
    ),
    (
        "calendar_app:event",
        lambda: {"pk": event_pk("rodt-akershus", "Fylkesstyremøte")},
        "get",
        None,
        (302, 404, 404, 200, 200, 404, 404, 404),
    ),
    # A person's own page; leaving is only ever about one's own position or membership.
    ("personal_data:me", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    (
        "personal_data:position_leave",
        lambda: {"pk": secretary_position()},
        "get",
        None,
        (302, 404, 200, 404, 404, 404, 404, 404),
    ),
    (
        "personal_data:position_leave",
        lambda: {"pk": secretary_position()},
        "post",
        {},
        (302, 404, 302, 404, 404, 404, 404, 404),
    ),
    (
        "personal_data:membership_leave",
        lambda: {"pk": member_membership()},
        "get",
        None,
        (302, 200, 404, 404, 404, 404, 404, 404),
    ),
    (
        "personal_data:membership_leave",
        lambda: {"pk": member_membership()},
        "post",
        {},
        (302, 302, 404, 404, 404, 404, 404, 404),
    ),
    # The activity log of a subtree is for its admins; a member of the party gets 403.
    (
        "plans:organisation_log",
        lambda: {"slug": "rodt"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "plans:organisation_log",
        lambda: {"slug": "arbeiderpartiet"},
        "get",
        None,
        (302, 404, 404, 404, 404, 403, 404, 200),
    ),
    # The membership register of Rødt Akershus is for its admins (the national admin here).
    (
        "organisations:register_upload",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:register_upload",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {},
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:register_mapping",
        akershus_register_import("uploaded"),
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:register_mapping",
        akershus_register_import("uploaded"),
        "post",
        {},
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:register_preview",
        akershus_register_import("mapped"),
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:register_apply",
        akershus_register_import("mapped"),
        "post",
        {},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:register_discard",
        akershus_register_import("mapped"),
        "post",
        {},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:register_result",
        akershus_register_import("applied"),
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    # The organisation admin's own pages: its admins only; a member of the party gets 403.
    (
        "organisations:manage",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_child_create",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_rename",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_move",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_close",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_bodies",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_body_create",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_members",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_member_add",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage",
        lambda: {"slug": "arbeiderpartiet"},
        "get",
        None,
        (302, 404, 404, 404, 404, 403, 404, 200),
    ),
    (
        "organisations:manage_body",
        lambda: {
            "slug": "rodt-akershus",
            "pk": Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret").pk,
        },
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_body_rename",
        lambda: {
            "slug": "rodt-akershus",
            "pk": Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret").pk,
        },
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_body_dissolve",
        lambda: {
            "slug": "rodt-akershus",
            "pk": Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret").pk,
        },
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_position_add",
        lambda: {
            "slug": "rodt-akershus",
            "pk": Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret").pk,
        },
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_hand_over",
        lambda: {
            "slug": "rodt-akershus",
            "pk": Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret").pk,
        },
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_position_end",
        lambda: {"slug": "rodt-akershus", "pk": fresh_position().pk},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_member_end",
        lambda: {"slug": "rodt-akershus", "pk": fresh_membership().pk},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:manage_child_create",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {
            "name": "Matriselaget",
            "slug": "matriselaget",
            "kind": "branch",
            "language": "nb",
            "country": "NO",
            "time_zone": "Europe/Oslo",
        },
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_rename",
        lambda: {"slug": fresh_branch().slug},
        "post",
        {"name": "Omdøpt lag"},
        (302, 404, 404, 403, 302, 404, 404, 404),
    ),
    (
        "organisations:manage_move",
        lambda: {"slug": fresh_branch().slug},
        "post",
        lambda: {"parent": Organisation.objects.get(slug="rodt-oslo").pk},
        (302, 404, 404, 403, 302, 404, 404, 404),
    ),
    (
        "organisations:manage_close",
        lambda: {"slug": fresh_branch().slug},
        "post",
        lambda: {"on": today()},
        (302, 404, 404, 403, 302, 404, 404, 404),
    ),
    (
        "organisations:manage_body_create",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {"name": "Matriseutvalget", "kind": "committee"},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_body_rename",
        lambda: {"slug": "rodt-akershus", "pk": fresh_body().pk},
        "post",
        {"name": "Omdøpt utvalg"},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_body_dissolve",
        lambda: {"slug": "rodt-akershus", "pk": fresh_body().pk},
        "post",
        lambda: {"on": today()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_position_add",
        lambda: {"slug": "rodt-akershus", "pk": fresh_body().pk},
        "post",
        lambda: {"person": "medlem@example.org", "role": "member", "starts_on": today()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_hand_over",
        lambda: {"slug": "rodt-akershus", "pk": fresh_body("board").pk},
        "post",
        lambda: {
            "starts_on": today(),
            "holders-TOTAL_FORMS": "1",
            "holders-INITIAL_FORMS": "0",
            "holders-0-person": "medlem@example.org",
            "holders-0-role": "leader",
        },
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_position_end",
        lambda: {"slug": "rodt-akershus", "pk": fresh_position().pk},
        "post",
        lambda: {"on": today()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_member_add",
        lambda: {"slug": "rodt-akershus"},
        "post",
        lambda: {"person": "medlem@example.org", "since": today()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:manage_member_end",
        lambda: {"slug": "rodt-akershus", "pk": fresh_membership().pk},
        "post",
        lambda: {"on": today()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    # Invitations: the admin's pages, then the pages the link opens (for anyone holding
    # it; only the invited address accepts).
    (
        "organisations:invitations",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:invitation_new",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:invitation_new",
        lambda: {"slug": "rodt-akershus"},
        "post",
        lambda: {"email": invitations_test.fresh_address()},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:invitation_resend",
        lambda: {"slug": "rodt-akershus", "pk": invitations_test.fresh_invitation().pk},
        "post",
        None,
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisations:invitation_withdraw",
        lambda: {"slug": "rodt-akershus", "pk": invitations_test.fresh_invitation().pk},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisations:invitation_withdraw",
        lambda: {"slug": "rodt-akershus", "pk": invitations_test.fresh_invitation().pk},
        "post",
        None,
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "invitations:show",
        lambda: {"token": invitations_test.token_of(invitations_test.fresh_invitation())},
        "get",
        None,
        ALL_200,
    ),
    (
        "invitations:accept",
        lambda: {
            "token": invitations_test.token_of(
                invitations_test.fresh_invitation("medlem@example.org")
            )
        },
        "post",
        None,
        (302, 302, 403, 403, 403, 403, 403, 403),
    ),
    (
        "invitations:signup",
        lambda: {"token": invitations_test.token_of(invitations_test.fresh_invitation())},
        "get",
        None,
        (302, 302, 302, 302, 302, 302, 302, 302),
    ),
    ("account_signup", dict, "get", None, (200, 302, 302, 302, 302, 302, 302, 302)),
    ("account_login", dict, "get", None, (200, 302, 302, 302, 302, 302, 302, 302)),
    ("account_reset_password", dict, "get", None, ALL_200),
    ("admin:index", dict, "get", None, (302, 302, 302, 302, 302, 302, 302, 302)),
    ("account_security", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("mfa_index", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("usersessions_list", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("api_tokens", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    (
        "api_tokens",
        dict,
        "post",
        {"name": "Nettside", "scope": "read", "days": "30"},
        (302, 200, 200, 200, 200, 200, 200, 200),
    ),
    (
        "api_token_revoke",
        lambda: {"pk": member_api_token()},
        "post",
        None,
        (302, 302, 404, 404, 404, 404, 404, 404),
    ),
    (
        "organisation_webhooks",
        lambda: {"slug": "rodt-akershus"},
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisation_webhooks",
        lambda: {"slug": "rodt-akershus"},
        "post",
        {"url": "https://example.org/hooks", "events": ["plan.adopted"]},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    (
        "organisation_webhook",
        akershus_webhook,
        "get",
        None,
        (302, 403, 403, 403, 200, 404, 403, 404),
    ),
    (
        "organisation_webhook_delete",
        akershus_webhook,
        "post",
        None,
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    ("personal_data:privacy", dict, "get", None, ALL_200),
    ("personal_data:mine", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("personal_data:download", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    ("personal_data:delete", dict, "get", None, (302, 200, 200, 200, 200, 200, 200, 200)),
    (
        "personal_data:delete",
        dict,
        "post",
        {"confirmation": "wrong"},
        (302, 200, 200, 200, 200, 200, 200, 200),
    ),
]

# The annual meeting: a members-only proposal of Rødt Akershus with one amendment
# by the member; the readers of the proposal see it, Arbeiderpartiet's people do not.
MEETING_READERS = (302, 200, 200, 200, 200, 404, 200, 404)
ONLY_THE_SUBMITTER = (302, 200, 403, 403, 403, 404, 403, 404)
MATRIX += [
    ("plans:lines", meeting_plan, "get", None, MEETING_READERS),
    ("plans:lines_pdf", meeting_plan, "get", None, MEETING_READERS),
    ("plans:amendments", meeting_plan, "get", None, MEETING_READERS),
    ("plans:booklet_pdf", meeting_plan, "get", None, MEETING_READERS),
    ("plans:amendment_new", meeting_plan, "get", None, MEETING_READERS),
    ("plans:amendment_new", meeting_plan, "post", {}, MEETING_READERS),
    ("plans:amendment_new", meeting_plan, "post", amendment_data, SENT),
    ("plans:amendment_edit", meeting_amendment, "get", None, ONLY_THE_SUBMITTER),
    ("plans:amendment_edit", meeting_amendment, "post", {}, ONLY_THE_SUBMITTER),
    ("plans:amendment_withdraw", meeting_amendment, "get", None, ONLY_THE_SUBMITTER),
    (
        "plans:amendment_withdraw",
        meeting_amendment,
        "post",
        {},
        (302, 302, 403, 403, 403, 404, 403, 404),
    ),
    # No drafting committee: the board recommends (and the admin may).
    (
        "plans:amendment_recommend",
        meeting_amendment,
        "get",
        None,
        (302, 403, 403, 200, 200, 404, 403, 404),
    ),
    (
        "plans:amendment_recommend",
        meeting_amendment,
        "post",
        {"recommendation": "adopt", "revision": "1"},
        (302, 403, 403, 302, 302, 404, 403, 404),
    ),
    ("plans:votes", meeting_plan, "get", None, (302, 403, 403, 403, 200, 404, 403, 404)),
    (
        "plans:votes",
        meeting_plan,
        "post",
        {"amendment": "1", "outcome": "fell"},
        (302, 403, 403, 403, 302, 404, 403, 404),
    ),
    ("plans:adopt", meeting_plan, "get", None, (302, 403, 403, 403, 200, 404, 403, 404)),
    (
        "plans:adopt",
        meeting_plan,
        "post",
        lambda: {"on": _today().isoformat()},
        (302, 403, 403, 403, 200, 404, 403, 404),  # the amendment has no vote yet
    ),
]


def _our_url_names(namespaces=OUR_NAMESPACES, root_names=ROOT_NAMES) -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                if namespace in namespaces:
                    names.add(f"{namespace}:{entry.name}")
                elif namespace is None and entry.name in root_names:
                    names.add(entry.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_of_our_apps_is_in_the_matrix():
    covered = {row[0] for row in MATRIX}
    assert _our_url_names() - covered == set()


def test_every_api_route_is_in_the_api_matrix():
    from tests.test_api_permissions import API_MATRIX

    api_names = _our_url_names({API_NAMESPACE}, set())
    assert len(api_names) > 10  # the walk finds the router's routes
    assert api_names - {row[0] for row in API_MATRIX} == set()


@pytest.mark.parametrize(
    ("name", "kwargs", "method", "data", "expected"),
    MATRIX,
    ids=[f"{row[0]}-{row[2]}-{i}" for i, row in enumerate(MATRIX)],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_status_per_persona(client_for, name, kwargs, method, data, expected, htmx):
    if isinstance(expected, dict):
        expected = expected["htmx" if htmx else "page"]
    got, urls = {}, {}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for persona in PERSONAS:
        url = reverse(name, kwargs=kwargs())
        client = client_for(None if persona == "anonymous" else persona)
        payload = data() if callable(data) else (data or {})
        response = getattr(client, method)(url, payload, **headers)
        got[persona], urls[persona] = response.status_code, url
    assert got == dict(zip(PERSONAS, expected, strict=True)), urls


def test_anonymous_is_sent_to_login_and_back(client_for):
    url = reverse("plans:detail", kwargs={"pk": plan_pk("rodt-akershus", "Handlingsplan 2026")})
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url


def test_outsider_sees_no_member_names_on_a_branch_page(client_for):
    url = reverse("organisations:detail", kwargs={"slug": "rodt-asker"})
    secretary_name = "Sander Sekretær"
    assert secretary_name in client_for("member").get(url).content.decode()
    assert secretary_name not in client_for("outsider").get(url).content.decode()
    assert secretary_name not in client_for(None).get(url).content.decode()


def test_outsider_sees_only_public_plans_on_an_organisation_page(client_for):
    url = reverse("organisations:detail", kwargs={"slug": "rodt-akershus"})
    member_page = client_for("member").get(url).content.decode()
    outsider_page = client_for("outsider").get(url).content.decode()
    assert "Handlingsplan 2026" in member_page
    assert "Handlingsplan 2026" not in outsider_page
    assert "Arbeidsutkast 2027" not in member_page  # a draft
    assert "Arbeidsutkast 2027" in client_for("board").get(url).content.decode()
