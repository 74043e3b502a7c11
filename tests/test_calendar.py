"""Calendar: feeds (public, private, conditional), the wheel, year types, wheel to events."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import CycleEntry, Election, Event, year_types
from calendar_app.services import (
    event_cancel,
    event_update,
    feed_token_for,
    feed_token_regenerate,
    wheel_to_events,
)
from organisations.models import Organisation, User
from tests.conftest import missing_service

pytestmark = pytest.mark.django_db


def feed(client, slug="rodt-asker", **headers):
    return client.get(reverse("calendar_feed", args=[slug]), **headers)


def parsed(response) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar: icalendar.Calendar) -> set[str]:
    return {str(component["SUMMARY"]) for component in calendar.walk("VEVENT")}


def test_public_feed_of_a_branch_parses_and_holds_no_members_only_event(client):
    response = feed(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = parsed(response)
    titles = summaries(calendar)
    assert "1. mai 2027" in titles  # inherited from the national party
    members_only = set(Event.objects.exclude(visibility="public").values_list("title", flat=True))
    assert titles.isdisjoint(members_only)
    assert "Årsmøte i Rødt Asker" not in titles
    assert calendar.walk("VTIMEZONE"), "the feed carries its time zone"
    names = set(User.objects.exclude(name="").values_list("name", flat=True))
    text = response.content.decode()
    assert not any(name in text for name in names)


def test_feed_uids_are_stable_and_changes_raise_sequence_and_cancel(client):
    event = Event.objects.get(organisation__slug="rodt", title="1. mai 2027")
    first = {str(c["UID"]): int(c["SEQUENCE"]) for c in parsed(feed(client)).walk("VEVENT")}
    uid = f"{event.uid}@handlingsplan"
    assert uid in first
    admin = User.objects.get(email="admin@example.org")
    event_update(event=event, by=admin, location="Youngstorget")
    event_cancel(event=event, by=admin)
    components = {str(c["UID"]): c for c in parsed(feed(client)).walk("VEVENT")}
    assert set(components) == set(first)
    assert int(components[uid]["SEQUENCE"]) == first[uid] + 2
    assert str(components[uid]["STATUS"]) == "CANCELLED"


def test_feed_answers_conditional_requests_with_304(client):
    response = feed(client)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert feed(client, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert feed(client, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    event = Event.objects.get(organisation__slug="rodt", title="1. mai 2027")
    event_update(event=event, by=None, location="Et nytt sted")
    assert feed(client, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_private_feed_has_members_events_and_a_regenerated_token_revokes_the_old_url(client):
    member = User.objects.get(email="medlem@example.org")
    old = feed_token_for(member)
    old_url = reverse("calendar_app:private_feed", args=[old.token])
    titles = summaries(parsed(client.get(old_url)))
    assert "Årsmøte i Rødt Asker" in titles and "1. mai 2027" in titles
    assert "Fylkesstyremøte" not in titles  # board only
    assert "Medlemsmøte i Asker Arbeiderparti" not in titles  # another party
    new = feed_token_regenerate(person=member)
    assert client.get(old_url).status_code == 404
    assert client.get(reverse("calendar_app:private_feed", args=[new.token])).status_code == 200


def test_year_types_come_from_the_election_calendar():
    assert year_types("NO", 2027) == {"local"}
    assert year_types("NO", 2029) == {"parliamentary"}
    assert year_types("NO", 2026) == {"none"}
    assert year_types("SE", 2026) == {"general"}
    Election.objects.create(country="NO", kind="local", year=2026)  # a new election, no code
    assert year_types("NO", 2026) == {"local"}


def test_a_local_election_entry_shows_in_2027_but_not_2026(client_for):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    CycleEntry.objects.create(
        organisation=akershus, title="Valgkampåpning", month=8, year_types=["local"]
    )
    html = (
        client_for("board")
        .get(reverse("calendar_app:wheel", args=["rodt-akershus"]), {"first": 2026, "last": 2027})
        .content.decode()
    )
    august = html.split("August")[1].split("</tr>")[0]
    cells = august.split("<td>")[1:]
    assert "Valgkampåpning" not in cells[0] and "Valgkampåpning" in cells[1]


def test_wheel_to_events_twice_leaves_the_same_events_and_keeps_manual_edits(db):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    admin = User.objects.get(email="admin@example.org")
    first = wheel_to_events(organisation=akershus, first_year=2026, last_year=2027, by=admin)
    assert first > 0
    generated = Event.objects.filter(organisation=akershus, cycle_entry__isnull=False)
    edited = generated.first()
    event_update(event=edited, by=admin, title="Flyttet til Lillestrøm")
    before = sorted(Event.objects.filter(organisation=akershus).values_list("pk", "title"))
    assert wheel_to_events(organisation=akershus, first_year=2026, last_year=2027, by=admin) == 0
    assert sorted(Event.objects.filter(organisation=akershus).values_list("pk", "title")) == before
    # Recurring measures of the adopted plan are in the calendar too.
    assert Event.objects.filter(organisation=akershus, measure__isnull=False).exists()


def test_feed_of_500_events_uses_a_fixed_number_of_queries(client):
    root = Organisation.objects.get(slug="rodt")
    small = Organisation.objects.create(
        name="Lite lag", slug="lite-lag", kind="branch", parent=root
    )
    large = Organisation.objects.create(
        name="Stort lag", slug="stort-lag", kind="branch", parent=root
    )
    start = timezone.now()
    for organisation, count in ((small, 5), (large, 500)):
        Event.objects.bulk_create(
            [
                Event(
                    organisation=organisation,
                    title=f"Møte {n}",
                    visibility="public",
                    starts_at=start + timezone.timedelta(days=n),
                )
                for n in range(count)
            ]
        )
    counts = []
    for organisation in (small, large):
        feed(client, organisation.slug)
        with CaptureQueriesContext(connection) as queries:
            response = feed(client, organisation.slug)
        counts.append(len(queries))
    assert len(parsed(response).walk("VEVENT")) >= 500
    assert counts[0] == counts[1], counts


def test_events_are_created_and_bad_input_re_renders(client_for):
    secretary = client_for("secretary")
    url = reverse("calendar_app:event_new", args=["rodt-asker"])
    for data, message in [
        ({"title": "", "date": "2027-03-01", "all_day": "on", "visibility": "members"}, "påkrevet"),
        ({"title": "Møte", "date": "2027-03-01", "visibility": "members"}, "starttid"),
        (
            {
                "title": "Møte",
                "date": "2027-03-01",
                "start_time": "19:00",
                "end_date": "2027-02-01",
                "visibility": "members",
            },
            "før",
        ),
        (
            {"title": "Møte", "date": "1. mars", "all_day": "on", "visibility": "members"},
            "gyldig dato",
        ),
    ]:
        response = secretary.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), data
    response = secretary.post(
        url,
        {"title": "Styremøte", "date": "2027-03-01", "start_time": "19:00", "visibility": "board"},
    )
    event = Event.objects.get(title="Styremøte", organisation__slug="rodt-asker")
    assert response.status_code == 302 and event.visibility == "board"
    assert event.starts_at.astimezone(event.organisation.zoneinfo).hour == 19


def test_khal_imports_the_public_feed(client, tmp_path):
    khal = shutil.which("khal")
    if not khal:
        missing_service("khal (Debian package khal) is not installed")
    (tmp_path / "calendar").mkdir()
    config = tmp_path / "config"
    config.write_text(
        "[calendars]\n[[demo]]\npath = {}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "default_timezone = Europe/Oslo\nlocal_timezone = Europe/Oslo\n".format(
            tmp_path / "calendar"
        )
    )
    ics = tmp_path / "rodt-asker.ics"
    ics.write_bytes(feed(client).content)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    imported = subprocess.run(
        [khal, "-c", str(config), "import", "--batch", "-a", "demo", str(ics)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    listed = subprocess.run(
        [khal, "-c", str(config), "list", "2027-05-01", "2d"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    assert "1. mai 2027" in listed.stdout
    assert date(2027, 5, 1).isoformat() in listed.stdout


def test_svg_coordinates_are_not_written_with_a_decimal_comma(client_for):
    """nb and sv write 1,5 for 1.5; SVG needs the dot."""
    import re

    html = (
        client_for("member")
        .get(reverse("calendar_app:wheel_picture", args=["rodt-akershus"]), {"year": 2026})
        .content.decode()
    )
    assert "<svg" in html and "<text" in html
    assert not re.search(r'(x|y|cx|cy)="-?\d+,\d', html)
