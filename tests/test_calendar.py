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


# -- month-only entries, the visibility of generated events -----------------------------


def test_a_month_only_entry_becomes_an_all_month_event_in_calendar_and_public_feed(
    client_for, client
):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    CycleEntry.objects.create(organisation=akershus, title="Vervemåned", month=9)
    board = client_for("board")
    wheel = board.get(reverse("calendar_app:wheel", args=["rodt-akershus"])).content.decode()
    assert 'name="visibility"' in wheel and '<option value="members" selected>' in wheel
    response = board.post(
        reverse("calendar_app:wheel_generate", args=["rodt-akershus"]),
        {"first": 2027, "last": 2027, "visibility": "public"},
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Vervemåned", cycle_year=2027)
    zone = akershus.zoneinfo
    assert event.all_day and event.visibility == "public"
    assert event.starts_at.astimezone(zone).date() == date(2027, 9, 1)
    assert event.ends_at.astimezone(zone).date() == date(2027, 9, 30)

    vevents = {str(c["SUMMARY"]): c for c in parsed(feed(client, "rodt-akershus")).walk("VEVENT")}
    assert "Vervemåned" in vevents, "the public feed carries the generated events"
    assert vevents["Vervemåned"].decoded("DTSTART") == date(2027, 9, 1)
    assert vevents["Vervemåned"].decoded("DTEND") == date(2027, 10, 1)

    month = client_for("member").get(
        reverse("calendar_app:month", args=["rodt-akershus"]), {"month": "2027-09"}
    )
    html = month.content.decode()
    whole = html.split('class="whole-month"')[1].split("</section>")[0]
    grid = html.split('class="month-grid"')[1]
    assert "Vervemåned" in whole and "Vervemåned" not in grid
    detail = client.get(event.get_absolute_url()).content.decode()
    when = detail.split("<dd>")[1].split("</dd>")[0]
    assert "September 2027" in when and "1. september" not in when


def test_generated_events_take_the_visibility_chosen_and_members_plans_stay_members():
    akershus = Organisation.objects.get(slug="rodt-akershus")
    admin = User.objects.get(email="admin@example.org")
    CycleEntry.objects.create(organisation=akershus, title="Styreseminar", month=11, day=3)
    wheel_to_events(
        organisation=akershus, first_year=2027, last_year=2027, by=admin, visibility="board"
    )
    assert Event.objects.get(title="Styreseminar").visibility == "board"
    wheel_to_events(
        organisation=akershus, first_year=2028, last_year=2028, by=admin, visibility="public"
    )
    from_measures = Event.objects.filter(organisation=akershus, measure__isnull=False)
    for event in from_measures.select_related("measure__goal__plan"):
        if event.measure.goal.plan.visibility != "public":
            assert event.visibility != "public"


# -- how the wheel reads -------------------------------------------------------------------


def test_the_wheel_grid_shows_a_day_once_and_year_types_in_words(client_for):
    import re

    akershus = Organisation.objects.get(slug="rodt-akershus")
    CycleEntry.objects.create(organisation=akershus, title="Kvinnedagen 8. mars", month=3, day=8)
    html = (
        client_for("board")
        .get(reverse("calendar_app:wheel", args=["rodt-akershus"]), {"first": 2025, "last": 2027})
        .content.decode()
    )
    grid = html.split('class="wheel-grid"')[1].split("</table>")[0]
    assert "8. mars: Kvinnedagen" in grid
    assert "8.: " not in grid and "Kvinnedagen 8. mars" not in grid
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert "Stortingsvalgår" in head and "År uten valg" in head
    assert not re.search(r"\b(parliamentary|none|local|general)\b", head)
    listed = html.split('id="add-entry"')[1].split("</form>")[1].split("<form")[0]
    assert "Valgkamp" in listed and "Kommune- og fylkestingsvalgår" in listed
    assert not re.search(r"\b(parliamentary|none|local|general)\b", listed)


def test_the_wheel_picture_lays_out_labels_without_overlap_and_wraps_long_titles(client_for):
    from calendar_app.wheel import label_boxes, wheel_picture

    long_title = "Organisasjonskurs for nye styremedlemmer i alle lokallag i fylket"
    entries = [CycleEntry(title=f"Møte nummer {n} i mars", month=3, day=n + 1) for n in range(9)]
    entries += [CycleEntry(title=long_title, month=1, end_month=6)]
    entries += [CycleEntry(title=f"Høstaktivitet {n}", month=10, day=n + 1) for n in range(7)]
    entries += [CycleEntry(title="Kvinnedagen 8. mars", month=3, day=8)]
    picture = wheel_picture(entries)
    boxes = label_boxes(picture, char_width=0.62)
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= picture["width"]
        assert a[1] >= 0 and a[3] <= picture["height"]
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
    texts = [" ".join(line.text for line in label.lines) for label in picture["entries"]]
    assert f"januar–juni: {long_title}" in texts  # whole, over several lines
    assert max(len(label.lines) for label in picture["entries"]) > 1
    assert "8. mars: Kvinnedagen" in texts

    akershus = Organisation.objects.get(slug="rodt-akershus")
    CycleEntry.objects.create(organisation=akershus, title="Kvinnedagen 8. mars", month=3, day=8)
    html = (
        client_for("member")
        .get(reverse("calendar_app:wheel_picture", args=["rodt-akershus"]), {"year": 2027})
        .content.decode()
    )
    assert "8. mars: Kvinnedagen" in html and "3/8" not in html


def test_the_plan_page_names_the_months_of_its_wheel(client_for):
    from plans.models import Plan

    plan = Plan.objects.filter(status="adopted", organisation__slug="rodt-asker").first()
    CycleEntry.objects.create(
        organisation=plan.organisation, plan=plan, title="Valgkamp", month=8, end_month=9
    )
    CycleEntry.objects.create(
        organisation=plan.organisation, plan=plan, title="Budsjettmøte", month=11, years=[2027]
    )
    html = client_for("member").get(plan.get_absolute_url()).content.decode()
    cycle = html.split('id="cycle-title"')[1].split("</table>")[0]
    assert "August–september" in cycle and "November" in cycle and "2027" in cycle
    assert "<td>8–9</td>" not in cycle and "<td>11</td>" not in cycle


# -- subscribing ----------------------------------------------------------------------------


def test_the_calendar_offers_webcal_copy_and_phone_steps_for_the_public_feed(client):
    html = client.get(reverse("calendar_app:month", args=["rodt-asker"])).content.decode()
    assert 'href="webcal://testserver/org/rodt-asker/calendar.ics"' in html
    assert 'value="http://testserver/org/rodt-asker/calendar.ics"' in html
    assert 'data-copy-target="public-feed"' in html
    assert "iPhone" in html and "Android" in html
    assert "js/calendar-subscribe.js" in html and "<script>" not in html
    agenda = client.get(reverse("calendar_app:agenda", args=["rodt-asker"])).content.decode()
    assert "webcal://testserver/org/rodt-asker/calendar.ics" in agenda


def test_the_private_feed_page_says_the_address_is_secret_and_how_to_revoke_it(client_for):
    member = User.objects.get(email="medlem@example.org")
    client = client_for("member")
    html = client.get(reverse("calendar_app:feed_settings")).content.decode()
    token = feed_token_for(member).token
    assert f'href="webcal://testserver/calendar/feed/{token}.ics"' in html
    assert 'class="feed-secret"' in html and 'data-copy-target="private-feed"' in html
    assert "iPhone" in html and "Android" in html
    client.post(reverse("calendar_app:feed_settings"))
    assert feed_token_for(member).token != token
    assert client.get(reverse("calendar_app:private_feed", args=[token])).status_code == 404


# -- the event form --------------------------------------------------------------------------


def test_an_event_ending_before_it_starts_is_a_form_error_but_past_midnight_is_allowed(
    client_for,
):
    secretary = client_for("secretary")
    url = reverse("calendar_app:event_new", args=["rodt-asker"])
    base = {"title": "Nattmøte", "date": "2027-03-01", "start_time": "22:00"}
    before = secretary.post(url, {**base, "end_time": "01:00", "visibility": "members"})
    assert before.status_code == 200
    assert "field-end_time has-error" in before.content.decode()
    same_day = secretary.post(
        url, {**base, "end_date": "2027-03-01", "end_time": "21:00", "visibility": "members"}
    )
    assert same_day.status_code == 200 and "has-error" in same_day.content.decode()
    all_day = secretary.post(
        url,
        {
            "title": "Helg",
            "date": "2027-03-05",
            "all_day": "on",
            "end_date": "2027-03-04",
            "visibility": "members",
        },
    )
    assert all_day.status_code == 200 and "has-error" in all_day.content.decode()
    assert not Event.objects.filter(title__in=["Nattmøte", "Helg"]).exists()

    past_midnight = secretary.post(
        url, {**base, "end_date": "2027-03-02", "end_time": "01:00", "visibility": "members"}
    )
    assert past_midnight.status_code == 302
    event = Event.objects.get(title="Nattmøte")
    zone = event.organisation.zoneinfo
    assert event.ends_at.astimezone(zone).date() == date(2027, 3, 2)
    assert event.ends_at.astimezone(zone).hour == 1

    edit = secretary.post(
        reverse("calendar_app:event_edit", args=[event.pk]),
        {**base, "end_time": "01:00", "visibility": "members"},
    )
    assert edit.status_code == 200 and "field-end_time has-error" in edit.content.decode()


def test_the_printed_plan_shows_the_wheel_with_nordic_dates_and_whole_titles(tmp_path):
    from plans.models import Plan
    from plans.pdf import render_plan_pdf

    if not shutil.which("pdftotext"):
        missing_service("pdftotext (poppler-utils) is not installed")
    plan = Plan.objects.filter(status="adopted", organisation__slug="rodt-asker").first()
    long_title = "Organisasjonskurs for nye styremedlemmer i alle lokallag i fylket"
    CycleEntry.objects.create(
        organisation=plan.organisation, plan=plan, title=long_title, month=1, end_month=6
    )
    CycleEntry.objects.create(
        organisation=plan.organisation, plan=plan, title="Kvinnedagen 8. mars", month=3, day=8
    )
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render_plan_pdf(plan))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    wheel = " ".join(text.split("Årshjul")[-1].split())
    assert "8. mars: Kvinnedagen" in wheel
    assert "styremedlemmer i alle" in wheel and "lokallag i fylket" in wheel  # wrapped, not cut
    assert "…" not in wheel
