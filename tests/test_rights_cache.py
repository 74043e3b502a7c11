"""A person's account, rights and organisations are read from the cache: every write
that changes them is seen by the next request, and nothing leaks to those who may not
see a plan."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.accounts import person_deactivate, person_language_set
from organisations.models import Body, Organisation, User
from organisations.permissions import access_for, compute_access
from organisations.services import body_dissolve, position_add
from plans.models import Plan
from tests.conftest import PERSONAS
from tests.test_register_import import admin, apply, preview, to_csv  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def asker_plan() -> Plan:
    return Plan.objects.get(organisation__slug="rodt-asker", status="adopted")


def tick_controls(client, plan) -> int:
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode().count('name="status"')


def test_a_position_given_and_a_body_dissolved_change_the_cached_rights_at_once(client_for):
    plan = asker_plan()
    member = client_for("member")
    assert tick_controls(member, plan) == 0  # rights and page now in the cache
    person = User.objects.get(email=PERSONAS["member"])
    board = Body.objects.get(organisation=plan.organisation, kind="board")
    position_add(person=person, body=board, role="secretary")
    assert tick_controls(member, plan) > 0
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    position = person.positions.get(body=board)
    position.starts_on = yesterday - timezone.timedelta(days=30)
    position.save()
    body_dissolve(body=board, on=yesterday, by=None)
    assert tick_controls(member, plan) == 0


def test_a_membership_the_register_adds_in_bulk_is_a_right_at_once(admin, client_for):  # noqa: F811
    plan = asker_plan()
    plan.visibility = "members"
    plan.save()
    outsider = client_for("outsider")
    assert outsider.get(plan.get_absolute_url()).status_code == 404
    rows = [["4242", "Arne Partiløs", PERSONAS["outsider"], "Asker"]]
    register_import, preview_plan, _page = preview(
        admin, to_csv(rows, header=["Medlemsnr.", "Navn", "E-post", "Lokallag"])
    )
    apply(admin, register_import, preview_plan)  # bulk_create: no signal
    assert outsider.get(plan.get_absolute_url()).status_code == 200


def test_a_deactivated_account_is_signed_out_at_its_next_request(client_for):
    plan = asker_plan()
    member = client_for("member")
    assert b"logout" in member.get(plan.get_absolute_url()).content.lower()
    person_deactivate(person=User.objects.get(email=PERSONAS["member"]))
    response = member.get(plan.get_absolute_url())
    assert b"logout" not in response.content.lower()


def test_a_language_chosen_in_the_menu_is_used_at_the_next_request(client_for):
    plan = asker_plan()
    member = client_for("member")
    assert member.get(plan.get_absolute_url())["Content-Language"] == "nb"
    person_language_set(person=User.objects.get(email=PERSONAS["member"]), language="sv")
    assert member.get(plan.get_absolute_url())["Content-Language"] == "sv"


def test_a_closed_branch_takes_its_rights_with_it(client_for):
    from organisations.services import organisation_close

    plan = asker_plan()
    plan.visibility = "members"
    plan.save()
    member = client_for("member")
    assert member.get(plan.get_absolute_url()).status_code == 200
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    organisation_close(organisation=plan.organisation, on=yesterday, by=None)
    assert member.get(plan.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_reads_plan_is_the_rule_of_visible_to(persona):
    """The plan page checks its light row in Python: the same answer as the queryset,
    for every plan, and for a plan of a branch in every state it can be in."""
    user = User.objects.get(email=PERSONAS[persona]) if persona else AnonymousUser()
    access = access_for(user)
    plan = asker_plan()
    answers = set()
    for status in ("draft", "proposed", "adopted", "archived"):
        for visibility in ("public", "members"):
            for proposal_public in (False, True):
                Plan.objects.filter(pk=plan.pk).update(
                    status=status, visibility=visibility, proposal_public=proposal_public
                )
                visible = set(Plan.objects.visible_to(user).values_list("pk", flat=True))
                for each in Plan.objects.all():
                    assert access.reads_plan(each) == (each.pk in visible), (persona, each)
                answers.add(plan.pk in visible)
    assert answers == {True} if persona in ("board", "admin", "secretary") else {True, False}


def test_a_plan_hidden_from_the_reader_answers_without_a_validator(client_for):
    plan = asker_plan()
    plan.visibility = "members"
    plan.save()
    member = client_for("member")
    member.get(plan.get_absolute_url())
    etag = member.get(plan.get_absolute_url())["ETag"]
    outsider = client_for("outsider")
    for headers in ({}, {"HTTP_IF_NONE_MATCH": etag}):
        response = outsider.get(plan.get_absolute_url(), **headers)
        assert response.status_code == 404 and "ETag" not in response


def test_a_persons_warm_page_costs_one_query(client_for):
    """The session, the account and the rights come from the cache; the plan's light row,
    which says whether anything changed, from the database."""
    plan = asker_plan()
    secretary = client_for("secretary")
    secretary.get(plan.get_absolute_url())
    with CaptureQueriesContext(connection) as warm:
        response = secretary.get(plan.get_absolute_url())
    assert response.status_code == 200 and 'name="status"' in response.content.decode()
    assert len(warm) == 1, [query["sql"] for query in warm]


def test_rights_are_kept_per_day(client_for):
    person = User.objects.get(email=PERSONAS["secretary"])
    first = access_for(person)
    again = User.objects.get(pk=person.pk)
    assert access_for(again) == first
    Organisation.objects.get(slug="rodt-asker").save()  # any organisation written: anew
    assert access_for(User.objects.get(pk=person.pk)) == compute_access(person)
