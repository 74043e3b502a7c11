"""Delegation down the whole tree: every branch below, a chosen kind, or named organisations."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from goals.forms import MeasureForm
from goals.models import Measure
from goals.progress import measure_tick
from goals.rollup import rollup
from goals.services import measure_create, measure_update
from organisations.models import Organisation, User
from organisations.services import organisation_create
from plans.services import plan_copy
from tests.factories import adopt, county_plan

HTMX = {"HTTP_HX_REQUEST": "true"}


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def shares(measure: Measure) -> set[str]:
    return set(measure.assignments.values_list("organisation__slug", flat=True))


@pytest.fixture
def romerike(db) -> Organisation:
    """Akershus with a region level: Romerike holds two branches of its own."""
    region = organisation_create(
        name="Rødt Romerike", slug="rodt-romerike", kind="region", parent=org("rodt-akershus")
    )
    for name, slug in (
        ("Rødt Lillestrøm", "rodt-lillestrom"),
        ("Rødt Lørenskog", "rodt-lorenskog"),
    ):
        organisation_create(name=name, slug=slug, kind="branch", parent=region)
    return region


ALL_BRANCHES = {"rodt-asker", "rodt-baerum", "rodt-lillestrom", "rodt-lorenskog"}


def test_a_delegated_measure_reaches_every_branch_below_the_region(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    measure = measure_create(goal=goal, text="Alle lokallag skal ha åpent møte", delegated=True)
    assert measure.delegate_kind == "branch"
    assert shares(measure) == ALL_BRANCHES  # the region itself carries no share


def test_a_branch_created_later_under_the_region_gets_its_share(romerike):
    plan, goal = county_plan("Handlingsplan med regioner")
    measure = measure_create(goal=goal, text="Alle lokallag skal verve", delegated=True)
    adopt(plan)
    organisation_create(name="Rødt Nittedal", slug="rodt-nittedal", kind="branch", parent=romerike)
    organisation_create(
        name="Rødt Follo", slug="rodt-follo", kind="region", parent=org("rodt-akershus")
    )
    assert shares(measure) == ALL_BRANCHES | {"rodt-nittedal"}


def test_a_chosen_kind_reaches_every_organisation_of_that_kind_below(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    measure = measure_create(
        goal=goal, text="Alle regionteam skal møtes", delegated=True, delegate_kind="region"
    )
    assert shares(measure) == {"rodt-romerike"}
    organisation_create(
        name="Rødt Follo", slug="rodt-follo", kind="region", parent=org("rodt-akershus")
    )
    organisation_create(name="Rødt Nittedal", slug="rodt-nittedal", kind="branch", parent=romerike)
    assert shares(measure) == {"rodt-romerike", "rodt-follo"}


def test_a_kind_that_cannot_be_below_is_refused(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    with pytest.raises(ValidationError):
        measure_create(goal=goal, text="Feil", delegated=True, delegate_kind="national")


def test_named_organisations_at_any_depth_get_shares_and_the_list_does_not_grow(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    named = [org("rodt-lillestrom"), org("rodt-asker")]
    measure = measure_create(goal=goal, text="Pilotlag skal teste", delegate_to=named)
    assert measure.delegated and measure.delegate_kind == ""
    assert shares(measure) == {"rodt-lillestrom", "rodt-asker"}
    organisation_create(name="Rødt Nittedal", slug="rodt-nittedal", kind="branch", parent=romerike)
    assert shares(measure) == {"rodt-lillestrom", "rodt-asker"}
    assert measure.delegation_text == "Rødt Asker, Rødt Lillestrøm"


def test_named_organisations_outside_the_subtree_are_refused(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    with pytest.raises(ValidationError):
        measure_create(goal=goal, text="Feil", delegate_to=[org("rodt-grunerlokka")])


def test_changing_the_delegation_of_a_draft_moves_the_shares(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    measure = measure_create(goal=goal, text="Alle lag", delegated=True)
    common = {"text": "Alle lag", "responsible": [], "due": "", "recurrence": "", "tags": []}
    measure = measure_update(
        measure=measure,
        expected_revision=measure.revision,
        delegated=True,
        delegate_kind="region",
        by=None,
        **common,
    )
    assert shares(measure) == {"rodt-romerike"}
    measure = measure_update(
        measure=measure,
        expected_revision=measure.revision,
        delegated=True,
        delegate_to=[org("rodt-lorenskog")],
        by=None,
        **common,
    )
    assert shares(measure) == {"rodt-lorenskog"}
    # Saving without naming the delegation (as older callers do) keeps it.
    measure = measure_update(
        measure=measure, expected_revision=measure.revision, delegated=True, by=None, **common
    )
    assert measure.delegate_kind == "" and shares(measure) == {"rodt-lorenskog"}
    measure = measure_update(
        measure=measure, expected_revision=measure.revision, delegated=False, by=None, **common
    )
    assert not measure.delegated and shares(measure) == set()
    assert not measure.delegate_to.exists()


def test_a_new_version_keeps_whom_each_measure_is_delegated_to(romerike):
    admin = User.objects.get(email="admin@example.org")
    plan, goal = county_plan("Handlingsplan med regioner")
    measure_create(goal=goal, text="Alle lag", delegated=True)
    measure_create(goal=goal, text="Regionene", delegated=True, delegate_kind="region")
    measure_create(goal=goal, text="Pilot", delegate_to=[org("rodt-lorenskog")])
    copy = plan_copy(plan=adopt(plan), by=admin, new_version=True)
    copied = {m.text: m for m in Measure.objects.filter(goal__plan=copy)}
    assert shares(copied["Alle lag"]) == ALL_BRANCHES
    assert shares(copied["Regionene"]) == {"rodt-romerike"}
    assert shares(copied["Pilot"]) == {"rodt-lorenskog"}
    assert [o.slug for o in copied["Pilot"].delegate_to.all()] == ["rodt-lorenskog"]


def test_the_roll_up_and_the_matrix_count_each_share_below_the_region(romerike, client_for):
    admin = User.objects.get(email="admin@example.org")
    plan, goal = county_plan("Handlingsplan med regioner")
    measure = measure_create(goal=goal, text="Alle lokallag skal ha åpent møte", delegated=True)
    adopt(plan)
    share = measure.assignments.get(organisation__slug="rodt-lillestrom")
    measure_tick(measure=measure, by=admin, assignment=share, note="Holdt i mars")
    result = rollup(Measure.objects.filter(goal__plan=plan))
    assert (result.total.done, result.total.units) == (1, 4)
    html = client_for("board").get(reverse("goals:delegation", args=[plan.pk])).content.decode()
    assert "Rødt Lillestrøm" in html and "Rødt Lørenskog" in html and "Holdt i mars" in html


def test_the_measure_says_whom_it_is_delegated_to(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    branches = measure_create(goal=goal, text="Alle lag", delegated=True)
    youth = measure_create(goal=goal, text="Ungdom", delegated=True, delegate_kind="youth")
    named = measure_create(goal=goal, text="Pilot", delegate_to=[org("rodt-lorenskog")])
    with translation.override("en"):
        meta = {
            m.text: render_to_string("goals/_measure_meta.html", {"measure": m})
            for m in (branches, youth, named)
        }
    assert "Delegated: all local branches below" in meta["Alle lag"]
    assert "Delegated: all youth organisations below" in meta["Ungdom"]
    assert "Delegated to Rødt Lørenskog" in meta["Pilot"]
    assert not any("All organisations below" in text for text in meta.values())


ROUND_TRIPS = [
    ({"delegated": ""}, (False, [])),
    ({"delegated": "branches"}, (True, sorted(ALL_BRANCHES))),
    ({"delegated": "kind", "delegate_kind": "region"}, (True, ["rodt-romerike"])),
    ({"delegated": "chosen", "delegate_to": ["rodt-lillestrom", "rodt-asker"]}, (True, None)),
]


@pytest.mark.parametrize(
    ("choice", "expected"), ROUND_TRIPS, ids=["no", "branches", "kind", "named"]
)
def test_the_editor_form_round_trips_each_delegation_choice(romerike, client_for, choice, expected):
    _plan, goal = county_plan("Handlingsplan med regioner")
    prefix = f"goal-{goal.pk}-add-measure"
    data = {f"{prefix}-text": "Nytt tiltak", f"{prefix}-revision": 1}
    for name, value in choice.items():
        if name == "delegate_to":
            value = [org(slug).pk for slug in value]
        data[f"{prefix}-{name}"] = value
    board = client_for("board")
    response = board.post(reverse("goals:measure_add", args=[goal.pk]), data, **HTMX)
    assert response.status_code == 200
    measure = Measure.objects.get(goal=goal, text="Nytt tiltak")
    delegated, slugs = expected
    assert measure.delegated is delegated
    assert sorted(shares(measure)) == sorted(slugs or choice.get("delegate_to", []))

    # The edit form shows the choice as stored, and saving it unchanged keeps it.
    form = MeasureForm.for_measure(measure, bodies=None)
    assert form.initial["delegated"] == choice["delegated"]
    assert form.initial["delegate_kind"] == choice.get("delegate_kind", "")
    shown = form.initial["delegate_to"]
    assert sorted(shown) == sorted(org(slug).pk for slug in choice.get("delegate_to", []))
    page = board.get(reverse("goals:measure_edit", args=[measure.pk]), **HTMX).content.decode()
    radio = re.search(
        rf'<input type="radio" name="measure-{measure.pk}-delegated"[^>]*checked', page
    )
    assert radio and f'value="{choice["delegated"]}"' in radio[0]
    posted = {
        f"measure-{measure.pk}-{name}": value
        for name, value in {
            "revision": measure.revision,
            "text": "Nytt tiltak, endret",
            "delegated": form.initial["delegated"],
            "delegate_kind": form.initial["delegate_kind"],
            "delegate_to": shown,
        }.items()
    }
    board.post(reverse("goals:measure_edit", args=[measure.pk]), posted, **HTMX)
    measure.refresh_from_db()
    assert measure.text == "Nytt tiltak, endret"
    assert measure.delegated is delegated
    assert sorted(shares(measure)) == sorted(slugs or choice.get("delegate_to", []))


@pytest.mark.parametrize(
    ("choice", "field"),
    [({"delegated": "kind"}, "delegate_kind"), ({"delegated": "chosen"}, "delegate_to")],
)
def test_the_form_asks_for_the_kind_or_the_organisations(romerike, choice, field):
    _plan, goal = county_plan("Handlingsplan med regioner")
    prefix = f"goal-{goal.pk}-add-measure"
    data = {f"{prefix}-text": "Nytt", f"{prefix}-revision": 1}
    data.update({f"{prefix}-{name}": value for name, value in choice.items()})
    form = MeasureForm.for_goal(goal, bodies=None, data=data)
    assert not form.is_valid()
    assert field in form.errors


def test_the_form_offers_only_the_organisations_below(romerike):
    _plan, goal = county_plan("Handlingsplan med regioner")
    form = MeasureForm.for_goal(goal, bodies=None)
    offered = {o.slug for o in form.fields["delegate_to"].queryset}
    assert ALL_BRANCHES | {"rodt-romerike"} <= offered
    assert "rodt-akershus" not in offered and "rodt-grunerlokka" not in offered


def test_the_plan_page_spends_the_same_queries_on_one_or_many_named_delegations(client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 6):
        plan, goal = county_plan(f"Navngitt delegering {size}")
        for number in range(size):
            measure_create(goal=goal, text=f"Tiltak {number}", delegate_to=[org("rodt-asker")])
        client = client_for("board")
        client.get(reverse("plans:detail", args=[plan.pk]))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("plans:detail", args=[plan.pk]))
        assert page.content.decode().count("Rødt Asker") >= size
        counts.append(len(queries))
    assert counts[0] == counts[1]
