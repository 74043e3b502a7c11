"""Malformed query strings, form values and URL ids answer 200, 400 or 404, never 500."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest
from django.http import QueryDict
from django.urls import reverse

from calendar_app.models import Event
from calendar_app.services import feed_token_for
from goals.models import Assignment, Measure, Measurement, Target
from goals.services import goal_create, measure_create
from organisations.models import Body, Organisation, User
from organisations.params import (
    choice_param,
    date_param,
    id_list_param,
    int_param,
    month_param,
    month_shift,
)
from plans.models import Plan
from plans.services import plan_propose, section_create
from tests.factories import county_plan

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

HUGE = "99999999999999999999"

# Values a probe sends to anything that looks like a number, a month or a date.
JUNK = [
    "",
    " ",
    "abc",
    "²",
    "1²",
    "١٢",
    "-1",
    "0",
    "1e3",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "9" * 5000,
    "1\n",
    "1\r\nX-Injected: yes",
    "\x00",
    "NaN",
]
MONTHS = [
    "1-1",
    "0-1",
    "0001-01",
    "1899-12",
    "2201-01",
    "9999-12",
    "10000-01",
    "99999999999999999999-1",
    "2026-13",
    "2026-0",
    "2026--1",
    "2026-²",
    "²-1",
    "2026",
    "2026-01-01",
    "-2026-01",
    *JUNK,
]
DATES = ["0001-01-01", "1899-12-31", "2201-01-01", "9999-12-31", "2026-02-30", *JUNK]


def accepted(response) -> None:
    """The probe's rule: a sensible answer, never a server error."""
    assert response.status_code < 500, response.status_code


# The helper ------------------------------------------------------------------------


@pytest.mark.parametrize("value", JUNK)
def test_int_param_gives_the_default_for_anything_but_a_bounded_integer(value):
    query = QueryDict(mutable=True)
    query["page"] = value
    assert int_param(query, "page", default=7, min_value=1, max_value=1000) == 7


def test_int_param_reads_plain_integers_within_bounds():
    query = QueryDict("a=12&b=%2B3&c=2000&d=-4")
    assert int_param(query, "a", min_value=1, max_value=100) == 12
    assert int_param(query, "b") is None  # a sign is not something our links ever write
    assert int_param(query, "c", min_value=1, max_value=100) is None
    assert int_param(query, "d") == -4
    assert int_param(query, "d", default=0, min_value=0) == 0
    assert int_param(query, "missing", default=5) == 5
    assert int_param(QueryDict("a=150"), "a", min_value=1, max_value=100, clamp=True) == 100


@pytest.mark.parametrize("value", MONTHS)
def test_month_param_gives_none_for_a_malformed_or_absurd_month(value):
    assert month_param(QueryDict(mutable=True) | {"month": value}, "month") is None


def test_month_param_reads_a_month():
    assert month_param(QueryDict("month=2026-05"), "month") == date(2026, 5, 1)
    assert month_param(QueryDict("month=1900-01"), "month") == date(1900, 1, 1)
    assert month_param(QueryDict("month=2200-12"), "month") == date(2200, 12, 1)


@pytest.mark.parametrize("value", DATES)
def test_date_param_gives_the_default_for_a_malformed_or_absurd_date(value):
    assert date_param(QueryDict(mutable=True) | {"on": value}, "on", default=None) is None


def test_month_shift_stays_within_the_years_we_show():
    assert month_shift(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert month_shift(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert month_shift(date(1900, 1, 1), -1) is None
    assert month_shift(date(2200, 12, 1), 1) is None


def test_id_list_param_refuses_the_whole_list_for_one_bad_id():
    assert id_list_param(QueryDict("ids=3&ids=1"), "ids") == [3, 1]
    assert id_list_param(QueryDict("ids=3&ids=%C2%B2"), "ids") is None
    assert id_list_param(QueryDict(f"ids={HUGE}"), "ids") is None
    assert id_list_param(QueryDict(""), "ids") == []


def test_date_param_and_choice_param_read_good_values():
    assert date_param(QueryDict("on=2026-05-17"), "on") == date(2026, 5, 17)
    assert choice_param("up", ("up", "down"), "") == "up"
    assert choice_param("up\r\nX: y", ("up", "down"), "") == ""
    assert choice_param(None, ("up", "down"), "down") == "down"


# The calendar month ------------------------------------------------------------------


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("who", [None, "admin"])
def test_calendar_month_with_a_bad_month_shows_this_month(client_for, who, month):
    response = client_for(who).get(reverse("calendar_app:month", args=["rodt"]), {"month": month})
    assert response.status_code == 200
    assert 'rel="prev"' in response.content.decode()


@pytest.mark.parametrize("month", ["1900-01", "2200-12"])
def test_calendar_month_at_the_edge_of_the_range_links_only_inwards(client_for, month):
    response = client_for(None).get(reverse("calendar_app:month", args=["rodt"]), {"month": month})
    assert response.status_code == 200
    html = response.content.decode()
    assert ('rel="prev"' in html) != ('rel="next"' in html)
    assert "1899-12" not in html and "2201-01" not in html


def test_calendar_month_shows_the_month_asked_for(client_for):
    response = client_for(None).get(
        reverse("calendar_app:month", args=["rodt"]), {"month": "2027-05"}
    )
    html = response.content.decode()
    assert "1. mai 2027" in html
    assert "month=2027-04" in html and "month=2027-06" in html


@pytest.mark.parametrize(
    "query",
    [
        {"organisation": "\x00"},
        {"organisation": "x" * 5000},
        {"kind": "wheel\n"},
        {"kind": ["wheel", "measure"]},
    ],
)
def test_calendar_filters_ignore_junk(client_for, query):
    for name in ("month", "agenda"):
        accepted(client_for("admin").get(reverse(f"calendar_app:{name}", args=["rodt"]), query))


# Comparing plan versions -----------------------------------------------------------


def _version() -> Plan:
    return Plan.objects.filter(previous_version__isnull=False).order_by("pk").first() or (
        Plan.objects.filter(organisation__slug="rodt").order_by("pk").first()
    )


@pytest.mark.parametrize("other", JUNK)
def test_comparing_with_a_malformed_version_shows_the_default_comparison(client_for, other):
    plan = _version()
    response = client_for("admin").get(reverse("plans:compare", args=[plan.pk]), {"with": other})
    assert response.status_code in (200, 404)


def test_comparing_with_a_version_of_another_party_is_a_404(client_for):
    plan = _version()
    foreign = Plan.objects.filter(organisation__slug="arbeiderpartiet").first()
    response = client_for("admin").get(
        reverse("plans:compare", args=[plan.pk]), {"with": foreign.pk}
    )
    assert response.status_code == 404


# Huge ids in URLs ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/plans/{HUGE}/",
        f"/plans/{HUGE}/compare/",
        f"/plans/{HUGE}/history/",
        f"/plans/{HUGE}/plan.pdf",
        f"/plans/sections/{HUGE}/",
        f"/calendar/events/{HUGE}/",
        f"/calendar/events/{HUGE}/edit/",
        f"/calendar/wheel/{HUGE}/delete/",
        f"/goals/{HUGE}/",
        f"/goals/measures/{HUGE}/",
        f"/goals/targets/{HUGE}/",
        f"/goals/plans/{HUGE}/delegation/",
    ],
)
@pytest.mark.parametrize("who", [None, "admin"])
def test_a_huge_id_in_the_url_is_not_found(client_for, who, path):
    response = client_for(who).get(path)
    assert response.status_code in (302, 404)


@pytest.mark.parametrize(
    "path", [f"/goals/measures/{HUGE}/tick/", f"/goals/{HUGE}/move/", f"/plans/{HUGE}/adopt/"]
)
def test_posting_to_a_huge_id_is_not_found(client_for, path):
    assert client_for("admin").post(path, {"direction": "up"}).status_code == 404


# Events out of any sane range --------------------------------------------------------


def _event_post(**fields) -> dict:
    return {
        "title": "Probe",
        "date": "2027-03-01",
        "start_time": "18:00",
        "visibility": "public",
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"date": "0001-01-01", "start_time": "00:00"},
        {"date": "0001-01-01", "all_day": "on"},
        {"date": "1899-12-31"},
        {"date": "2201-01-01"},
        {"date": "9999-12-31", "start_time": "23:59"},
        {"date": "9999-12-31", "all_day": "on"},
        {"end_date": "9999-12-31", "end_time": "23:59"},
        {"end_date": "0001-01-01"},
    ],
)
def test_an_event_outside_the_sane_years_is_refused_with_a_message(client_for, fields):
    before = Event.objects.count()
    response = client_for("admin").post(
        reverse("calendar_app:event_new", args=["rodt"]), _event_post(**fields)
    )
    assert response.status_code == 200
    assert "1900" in response.content.decode() and "2200" in response.content.decode()
    assert Event.objects.count() == before


def test_editing_an_event_into_year_one_is_refused(client_for):
    event = Event.objects.filter(organisation__slug="rodt").order_by("pk").first()
    response = client_for("admin").post(
        reverse("calendar_app:event_edit", args=[event.pk]),
        _event_post(date="0001-01-01", start_time="00:00"),
    )
    assert response.status_code == 200
    assert "1900" in response.content.decode()
    assert Event.objects.get(pk=event.pk).starts_at == event.starts_at


@pytest.fixture
def absurd_events(db):
    """Events at the very ends of what the database holds, as old data may have them.

    Forms, services and the admin refuse such dates now, so they are written directly.
    """
    rodt = Organisation.objects.get(slug="rodt")
    events = [
        Event.objects.create(
            organisation=rodt,
            title=f"Absurd {n}",
            starts_at=moment,
            ends_at=None,
            all_day=all_day,
            visibility="public",
            for_descendants=True,
        )
        for n, (moment, all_day) in enumerate(
            [
                (datetime(1, 1, 1, 1, 0, tzinfo=UTC), False),
                (datetime(1, 1, 1, 1, 0, tzinfo=UTC), True),
                (datetime(9999, 12, 31, 22, 30, tzinfo=UTC), False),
                (datetime(9999, 12, 31, 22, 30, tzinfo=UTC), True),
            ]
        )
    ]
    yield events
    Event.objects.filter(pk__in=[event.pk for event in events]).delete()


def test_absurd_events_do_not_break_any_page_or_feed(client_for, absurd_events):
    admin = client_for("admin")
    for event in absurd_events:
        accepted(admin.get(event.get_absolute_url()))
        accepted(admin.get(reverse("calendar_app:event_edit", args=[event.pk])))
    for name in ("month", "agenda"):
        accepted(admin.get(reverse(f"calendar_app:{name}", args=["rodt"])))
    accepted(admin.get(reverse("home")))
    accepted(admin.get(reverse("organisations:detail", args=["rodt"])))
    public = client_for(None).get(reverse("calendar_feed", args=["rodt-asker"]))
    assert public.status_code == 200
    icalendar.Calendar.from_ical(public.content)
    token = feed_token_for(User.objects.get(email="admin@example.org"))
    private = client_for(None).get(token.get_absolute_url())
    assert private.status_code == 200
    icalendar.Calendar.from_ical(private.content)


# Moving things: the direction goes into a response header --------------------------

DIRECTIONS = ["up\nX-Injected: yes", "up\r\n", "down\x00", "é" * 10, "x" * 5000, "sideways"]


@pytest.fixture
def draft(db):
    """A draft with two sections, two goals with a subgoal each, and two measures."""
    plan, goal = county_plan(title="Probe plan")
    second = goal_create(plan=plan, section=goal.section, title="Andre mål")
    for parent in (goal, second):
        goal_create(plan=plan, section=goal.section, parent=parent, title="Delmål")
        measure_create(goal=parent, text="Første tiltak")
        measure_create(goal=parent, text="Andre tiltak")
    section_create(plan=plan, title="Andre del", order=2)
    return plan


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_moving_with_a_forged_direction_changes_nothing_and_answers(client_for, draft, direction):
    goal = draft.goals.filter(parent=None).order_by("order").last()
    measure = goal.measures.order_by("order").last()
    section = draft.sections.order_by("order").last()
    board = client_for("board")
    for url in (
        reverse("goals:goal_move", args=[goal.pk]),
        reverse("goals:measure_move", args=[measure.pk]),
        reverse("plans:section_move", args=[section.pk]),
    ):
        for headers in ({}, HTMX):
            response = board.post(url, {"direction": direction}, **headers)
            assert response.status_code in (200, 302, 400)
            assert "X-Injected" not in response
            assert direction not in response.get("HX-Trigger-After-Settle", "")


@pytest.mark.parametrize(
    "ids",
    [["a", "b"], ["²"], [HUGE], ["-1"], ["1.5"], [""], ["9" * 5000]],
)
def test_reordering_with_junk_ids_is_refused_with_a_message(client_for, draft, ids):
    goal = draft.goals.filter(parent=None).order_by("order").first()
    section = draft.sections.order_by("order").first()
    board = client_for("board")
    for url in (
        reverse("goals:goals_reorder", args=[section.pk]),
        reverse("goals:subgoals_reorder", args=[goal.pk]),
        reverse("goals:measures_reorder", args=[goal.pk]),
    ):
        response = board.post(url, {"ids": ids}, **HTMX)
        assert response.status_code in (200, 302)


# Ticking ---------------------------------------------------------------------------


def _tickable() -> Measure:
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


@pytest.mark.parametrize("value", [v for v in [*JUNK, HUGE] if v])  # "" means no assignment
def test_ticking_with_a_junk_assignment_or_occurrence_is_refused(client_for, value):
    measure = _tickable()
    secretary = client_for("secretary")
    url = reverse("goals:tick", args=[measure.pk])
    for data in (
        {"status": "done", "assignment": value},
        {"status": "done", "occurrence": value},
        {"status": value},
    ):
        response = secretary.post(url, data, **HTMX)
        assert response.status_code in (200, 403, 404)
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_ticking_with_the_assignment_of_another_measure_is_refused(client_for):
    assignment = Assignment.objects.filter(organisation__slug="rodt-asker").first()
    other = (
        Measure.objects.filter(goal__plan__status="adopted")
        .exclude(pk=assignment.measure_id)
        .first()
    )
    response = client_for("secretary").post(
        reverse("goals:tick", args=[other.pk]),
        {"status": "done", "assignment": assignment.pk},
        **HTMX,
    )
    assert response.status_code in (403, 404)


@pytest.mark.parametrize("value", DATES)
def test_ticking_an_occurrence_with_an_absurd_date_is_refused(client_for, value):
    measure = (
        Measure.objects.filter(goal__plan__status="adopted")
        .exclude(recurrence="")
        .filter(goal__plan__organisation__slug="rodt-akershus")
        .first()
    )
    response = client_for("board").post(
        reverse("goals:tick", args=[measure.pk]), {"status": "done", "occurrence": value}, **HTMX
    )
    assert response.status_code in (200, 403)


# Lists, pages, exports, the wheel --------------------------------------------------


@pytest.mark.parametrize("value", [*JUNK, "2026-02-30", "0001-01-01", "9999-12-31"])
def test_lists_and_pages_ignore_junk_in_the_query_string(client_for, value):
    plan = Plan.objects.filter(organisation__slug="rodt-akershus", status="adopted").first()
    admin = client_for("admin")
    for url, query in [
        (reverse("goals:list"), {"page": value}),
        (reverse("goals:list"), {"due_after": value, "due_before": value}),
        (reverse("goals:list"), {"organisation": value, "goal": value, "tags": value}),
        (reverse("goals:list"), {"status": value, "overdue": value, "responsible": value}),
        (reverse("goals:mine"), {"page": value}),
        (reverse("plans:history", args=[plan.pk]), {"page": value}),
        (reverse("calendar_app:wheel", args=["rodt"]), {"first": value, "last": value}),
        (reverse("calendar_app:wheel_picture", args=["rodt"]), {"year": value}),
        (reverse("plans:due_preview", args=[plan.pk]), {"due": value}),
    ]:
        accepted(admin.get(url, query))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf", "csv\r\nX-Injected: yes", "é", "x" * 500])
def test_export_in_an_unknown_format_is_not_found(client_for, fmt):
    response = client_for("admin").get(reverse("goals:export", args=["csv"]).replace("csv", fmt))
    if fmt in ("csv", "xlsx"):
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="tiltak.{fmt}"'
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    "data",
    [
        {"first": "²", "last": "2027"},
        {"first": HUGE, "last": HUGE},
        {"first": "2027", "last": "1"},
        {"first": "", "last": ""},
    ],
)
def test_wheel_generate_with_bad_years_puts_nothing_in_the_calendar(client_for, data):
    before = Event.objects.count()
    response = client_for("admin").post(reverse("calendar_app:wheel_generate", args=["rodt"]), data)
    assert response.status_code == 302
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "data",
    [
        {"value": "1", "date": "0001-01-01"},
        {"value": "1", "date": "1899-12-31"},
        {"value": "NaN", "date": "2026-01-01"},
        {"value": "Infinity", "date": "2026-01-01"},
        {"value": "1e400", "date": "2026-01-01"},
        {"value": HUGE, "date": "2026-01-01"},
        {"value": "²", "date": "2026-01-01"},
    ],
)
def test_a_measurement_with_an_absurd_value_or_date_is_refused(client_for, data):
    target = Target.objects.get(goal__plan__organisation__slug="rodt-asker", kind="members")
    before = Measurement.objects.count()
    response = client_for("secretary").post(
        reverse("goals:measurement_add", args=[target.pk]), data
    )
    assert response.status_code == 200
    assert Measurement.objects.count() == before
    accepted(client_for("secretary").get(reverse("goals:target", args=[target.pk])))


def test_adopting_with_an_absurd_date_is_refused(client_for):
    plan, _goal = county_plan(title="Probe adoption")
    plan_propose(plan=plan, by=User.objects.get(email="admin@example.org"))
    meeting = Body.objects.get(organisation=plan.organisation, name="Fylkesårsmøtet")
    admin = client_for("admin")
    for on, pk in [("2026-01-10", HUGE), ("²", meeting.pk), (HUGE, meeting.pk)]:
        response = admin.post(reverse("plans:adopt", args=[plan.pk]), {"on": on, "meeting": pk})
        accepted(response)
    plan.refresh_from_db()
    assert plan.status == "proposed"
    response = admin.post(
        reverse("plans:adopt", args=[plan.pk]), {"on": "0001-01-01", "meeting": meeting.pk}
    )
    accepted(response)
    for url in (plan.get_absolute_url(), reverse("plans:history", args=[plan.pk])):
        accepted(admin.get(url))


# Multiple choices of objects: an id no database integer holds ------------------------


@pytest.mark.parametrize("pk", [HUGE, f"-{HUGE}", "9" * 5000, "²", "abc"])
def test_a_measure_responsible_body_with_a_forged_id_is_refused(client_for, draft, pk):
    goal = draft.goals.filter(parent=None).order_by("order").first()
    before = goal.measures.count()
    prefix = f"goal-{goal.pk}-add-measure"
    response = client_for("board").post(
        reverse("goals:measure_add", args=[goal.pk]),
        {f"{prefix}-revision": 1, f"{prefix}-text": "Probe", f"{prefix}-responsible": [pk]},
        **HTMX,
    )
    assert response.status_code == 200
    assert goal.measures.count() == before


@pytest.mark.parametrize("pk", [HUGE, f"-{HUGE}", "²"])
def test_a_plan_taking_over_goals_with_a_forged_id_is_refused(client_for, pk):
    national = Plan.objects.get(organisation__slug="rodt", title="Handlingsplan 2023–2025")
    before = Plan.objects.count()
    response = client_for("board").post(
        reverse("plans:create", args=["rodt-akershus"]),
        {
            "title": "Probe",
            "kind": "handlingsplan",
            "first_year": 2028,
            "last_year": 2028,
            "language": "nb",
            "visibility": "members",
            "implements": national.pk,
            "derived_goals": [pk],
        },
    )
    assert response.status_code == 200
    assert Plan.objects.count() == before


@pytest.mark.parametrize("target", ["/x\r\nX-Injected: yes", "//evil.example/", "\x00", "é"])
def test_ticking_with_a_forged_next_stays_on_the_site(client_for, target):
    measure = _tickable()
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]), {"status": "planned", "next": target}
    )
    assert response.status_code == 302
    assert "X-Injected" not in response and "evil" not in response["Location"]


@pytest.mark.parametrize("due", ["0001", "31.12.9999", "9999-12-31", "1. januar 0001"])
def test_a_measure_due_at_the_end_of_time_breaks_no_page(client_for, draft, due):
    goal = draft.goals.filter(parent=None).order_by("order").first()
    prefix = f"goal-{goal.pk}-add-measure"
    board = client_for("board")
    response = board.post(
        reverse("goals:measure_add", args=[goal.pk]),
        {f"{prefix}-revision": 1, f"{prefix}-text": "Probe", f"{prefix}-due": due},
        **HTMX,
    )
    accepted(response)
    for url in (draft.get_edit_url(), draft.get_absolute_url(), reverse("goals:list")):
        accepted(board.get(url))
    accepted(board.get(reverse("goals:export", args=["csv"])))
    accepted(board.get(reverse("goals:export", args=["xlsx"])))


def test_a_forged_feed_token_is_not_found(client_for):
    # A NUL character would make PostgreSQL refuse the query itself.
    for token in ("%00", "a%00b", "x" * 200, "%C2%B2"):
        assert client_for(None).get(f"/calendar/feed/{token}.ics").status_code == 404
