"""A person's own page: memberships and positions with their terms, and leaving them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from goals.models import Measure
from organisations.models import Body, Membership, Position, User
from plans.models import Activity, Plan

pytestmark = pytest.mark.django_db

ME = reverse("personal_data:me")


def YESTERDAY() -> date:  # noqa: N802 - reads as the constant it stands for
    return timezone.localdate() - timedelta(days=1)


def position_of(email: str, organisation: str, body: str) -> Position:
    return Position.objects.get(
        person__email=email, body__organisation__slug=organisation, body__name=body
    )


def committee_measure() -> Measure:
    """A one-off measure of Rødt Akershus's adopted plan that Skoleringsutvalget answers for."""
    return (
        Measure.objects.filter(
            goal__plan__organisation__slug="rodt-akershus",
            goal__plan__title="Handlingsplan 2026",
            responsible__name="Skoleringsutvalget",
            recurrence="",
            delegated=False,
        )
        .order_by("pk")
        .first()
    )


def test_my_page_lists_memberships_and_positions_with_their_terms(client_for, persona):
    secretary = persona("secretary")
    Membership.objects.filter(person=secretary).update(
        member_number="R-4711", since=date(2019, 3, 1)
    )
    kasserer = Body.objects.get(organisation__slug="rodt-asker", name="Kasserer")
    Position.objects.create(
        person=secretary,
        body=kasserer,
        role="leader",
        starts_on=date(2020, 1, 1),
        ends_on=date(2021, 12, 31),
    )
    html = client_for("secretary").get(ME).content.decode()
    assert "Rødt Asker" in html
    assert "R-4711" in html
    assert "01.03.2019" in html  # member since
    assert "Styret" in html and "Sekretær" in html  # positions in force
    assert "Kasserer" in html and "31.12.2021" in html  # an earlier position with its term
    assert (
        reverse(
            "personal_data:position_leave",
            args=[position_of("sekretaer@example.org", "rodt-asker", "Styret").pk],
        )
        in html
    )


def test_my_page_shows_ended_memberships_and_upcoming_terms(client_for, persona):
    member = persona("member")
    Membership.objects.filter(person=member).update(ends_on=date(2024, 6, 30))
    body = Body.objects.get(organisation__slug="rodt-asker", name="Kommunestyregruppa")
    Position.objects.create(person=member, body=body, role="member", starts_on=date(2999, 1, 1))
    response = client_for("member").get(ME)
    assert [m.ends_on for m in response.context["past_memberships"]] == [date(2024, 6, 30)]
    assert response.context["memberships"] == []
    assert [p.body.name for p in response.context["upcoming_positions"]] == ["Kommunestyregruppa"]
    assert "30.06.2024" in response.content.decode()


def test_my_page_links_my_data_and_security(client_for):
    html = client_for("member").get(ME).content.decode()
    for name in ("personal_data:mine", "personal_data:download", "account_security"):
        assert reverse(name) in html


def test_an_admin_sees_their_grants_on_their_page(client_for):
    html = client_for("admin").get(ME).content.decode()
    assert reverse("plans:organisation_log", kwargs={"slug": "rodt"}) in html


def test_the_person_menu_links_my_page(client_for):
    assert f'href="{ME}"' in client_for("member").get(reverse("home")).content.decode()


def started_long_ago(person: User) -> None:
    """The demo's terms and memberships begin the day it was loaded; move them back a year."""
    Position.objects.filter(person=person).update(starts_on=date(2025, 1, 1))
    Membership.objects.filter(person=person).update(since=date(2025, 1, 1))


def test_leaving_a_body_ends_the_position_today_and_its_measures_can_no_longer_be_ticked(
    client_for, persona
):
    committee = persona("committee")
    started_long_ago(committee)
    client = client_for("committee")
    measure = committee_measure()
    position = position_of("komite@example.org", "rodt-akershus", "Skoleringsutvalget")
    url = reverse("personal_data:position_leave", args=[position.pk])
    assert "Skoleringsutvalget" in client.get(url).content.decode()  # asks first
    assert client.post(url).status_code == 302
    position.refresh_from_db()
    assert position.ends_on == YESTERDAY()  # the last day: its rights end at once
    entry = Activity.objects.filter(action="position.end").latest("pk")
    assert entry.actor == committee
    assert entry.organisation.slug == "rodt-akershus"
    tick = client.post(reverse("goals:tick", args=[measure.pk]), {"status": "done"})
    assert tick.status_code == 403
    measure.refresh_from_db()
    assert measure.status != "done"
    page = client.get(ME)
    assert [p.pk for p in page.context["past_positions"]] == [position.pk]


def test_leaving_a_place_taken_today_drops_it_and_logs_who_left(client_for, persona):
    committee = persona("committee")
    position = position_of("komite@example.org", "rodt-akershus", "Skoleringsutvalget")
    position.starts_on = timezone.localdate()
    position.save()
    client = client_for("committee")
    client.post(reverse("personal_data:position_leave", args=[position.pk]))
    assert not Position.objects.filter(pk=position.pk).exists()
    assert Activity.objects.filter(action="position.end", actor=committee).exists()
    tick = client.post(reverse("goals:tick", args=[committee_measure().pk]), {"status": "done"})
    assert tick.status_code == 403


def test_leaving_the_organisation_ends_the_membership_and_the_positions_in_it(client_for, persona):
    secretary = persona("secretary")
    started_long_ago(secretary)
    membership = Membership.objects.get(person=secretary, organisation__slug="rodt-asker")
    url = reverse("personal_data:membership_leave", args=[membership.pk])
    client = client_for("secretary")
    page = client.get(url).content.decode()
    assert "Styret" in page and "Sekretær" in page  # the positions that end with it
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == YESTERDAY()
    assert set(Position.objects.filter(person=secretary).values_list("ends_on", flat=True)) == {
        YESTERDAY()
    }
    assert Activity.objects.filter(action="membership.end", actor=secretary).exists()
    assert Activity.objects.filter(action="position.end", actor=secretary).count() == 2
    plan = Plan.objects.get(organisation__slug="rodt-asker", title="Arbeidsplan 2026")
    assert client.get(plan.get_absolute_url()).status_code == 404  # members-only: closed now


def test_leaving_the_organisation_leaves_positions_elsewhere_alone(client_for, persona):
    committee = persona("committee")  # member of Rødt Bærum, in a committee of Rødt Akershus
    membership = Membership.objects.get(person=committee)
    client = client_for("committee")
    url = reverse("personal_data:membership_leave", args=[membership.pk])
    assert "Skoleringsutvalget" in client.get(url).content.decode()  # named as staying
    client.post(url)
    membership.refresh_from_db()
    assert membership.ends_on is not None
    assert position_of("komite@example.org", "rodt-akershus", "Skoleringsutvalget").ends_on is None


def test_the_leaving_page_explains_the_register_and_the_membership_office(client_for, persona):
    membership = Membership.objects.get(person=persona("member"))
    client = client_for("member")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("personal_data:membership_leave", args=[membership.pk]))
    text = html.content.decode()
    assert "membership office" in text
    assert "import of the register may add you back" in text


def test_nobody_leaves_for_someone_else(client_for, persona):
    position = position_of("sekretaer@example.org", "rodt-asker", "Styret")
    membership = Membership.objects.get(person=persona("secretary"))
    for url in (
        reverse("personal_data:position_leave", args=[position.pk]),
        reverse("personal_data:membership_leave", args=[membership.pk]),
    ):
        assert client_for("admin").post(url).status_code == 404
    position.refresh_from_db()
    membership.refresh_from_db()
    assert position.ends_on is None and membership.ends_on is None


def test_leaving_twice_changes_nothing_more(client_for):
    position = position_of("sekretaer@example.org", "rodt-asker", "Styret")
    url = reverse("personal_data:position_leave", args=[position.pk])
    client = client_for("secretary")
    client.post(url)
    count = Activity.objects.filter(action="position.end").count()
    assert client.post(url).status_code == 302
    assert Activity.objects.filter(action="position.end").count() == count
