"""Notes are seen where people work: Mine tiltak, the plan page, the dashboard and the report."""

from __future__ import annotations

import re
from datetime import date
from unittest import mock

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from goals.models import Measure
from goals.progress import measure_tick
from organisations.models import Organisation, User
from plans.models import Plan
from plans.pdf import render_report_pdf
from tests.test_follow_up import HTMX, asker_measure
from tests.test_plan_page import _build_plan


def note_block(html: str, measure: Measure) -> str:
    """The progress part of one measure on a page."""
    match = re.search(
        rf'<div class="progress" id="progress-{measure.pk}">(.*?)\n</div>', html, re.S
    )
    assert match, f"no progress part for measure {measure.pk}"
    return match[1]


def three_notes(measure: Measure, by: User) -> None:
    for text in ("Første runde ringt", "Andre runde ringt", "Tredje runde ringt"):
        measure_tick(measure=measure, by=by, status="in_progress", note=text)
    measure_tick(measure=measure, by=by, status="in_progress")  # no words: not a note


def test_my_measures_shows_the_latest_note_the_count_and_all_notes_behind_one_click(
    client_for, persona
):
    measure = asker_measure()
    secretary = persona("secretary")
    three_notes(measure, secretary)
    html = client_for("secretary").get(reverse("goals:mine")).content.decode()
    block = note_block(html, measure)
    assert 'data-note-count="3"' in block
    latest = re.search(r'<p class="note-latest">(.*?)</p>', block, re.S)[1]
    assert "Tredje runde ringt" in latest and "Andre runde ringt" not in latest
    listed = re.search(r'<details class="note-list">(.*?)</details>', block, re.S)[1]
    positions = [listed.index(t) for t in ("Tredje", "Andre", "Første")]
    assert positions == sorted(positions)  # newest first
    assert secretary.get_full_name() in listed  # a member of the branch sees who wrote it


def test_a_tick_with_a_note_answers_with_the_note_in_the_fragment(client_for):
    measure = asker_measure()
    response = client_for("secretary").post(
        reverse("goals:tick", args=[measure.pk]),
        {"status": "done", "note": "Vedtatt på styremøtet"},
        **HTMX,
    )
    block = note_block(response.content.decode(), measure)
    assert 'data-note-count="1"' in block and "Vedtatt på styremøtet" in block


def test_plan_page_shows_notes_to_members_and_no_notes_or_names_to_others(client_for, persona):
    measure = asker_measure()
    secretary = persona("secretary")
    three_notes(measure, secretary)
    url = measure.goal.plan.get_absolute_url()
    member_page = client_for("member").get(url).content.decode()
    assert 'data-note-count="3"' in note_block(member_page, measure)
    assert secretary.get_full_name() in note_block(member_page, measure)
    for outsider in ("outsider", None):
        response = client_for(outsider).get(url)
        html = response.content.decode()
        assert "runde ringt" not in html and secretary.get_full_name() not in html


def test_plan_page_query_count_stays_fixed_however_many_measures_have_notes(client_for, persona):
    organisation = Organisation.objects.get(slug="rodt-akershus")
    admin = persona("admin")
    counts = []
    for title, noted in (("Lite notert", 1), ("Mye notert", 30)):
        plan = _build_plan(organisation, goals=5, measures=6, title=title)
        for measure in Measure.objects.filter(goal__plan=plan).order_by("pk")[:noted]:
            measure_tick(measure=measure, by=admin, status="in_progress", note=f"Notat {title}")
        client = client_for("admin")
        client.get(plan.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(plan.get_absolute_url())
        assert response.content.decode().count(f"Notat {title}") == noted
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_dashboard_says_which_occurrence_was_ticked_and_shows_the_notes(client_for, persona):
    measure = Measure.objects.get(
        goal__plan__organisation__slug="rodt-akershus",
        goal__plan__status="adopted",
        recurrence="FREQ=MONTHLY",
        delegated=False,
    )
    measure_tick(
        measure=measure,
        by=persona("board"),
        occurrence=date(2026, 11, 1),
        note="Fylkesstyremøte holdt på Lillestrøm",
    )
    html = (
        client_for("board")
        .get(reverse("organisation_dashboard", args=["rodt-akershus"]))
        .content.decode()
    )
    recent = html[html.index('id="recent"') :]
    item = recent[: recent.index("</li>")]
    assert "november 2026" in item
    assert "Fylkesstyremøte holdt på Lillestrøm" in item
    assert 'class="progress-notes"' in item and "data-note-count=" in item


def rendered_report(plan: Plan, audience: str) -> str:
    with mock.patch(
        "plans.pdf._render",
        side_effect=lambda template, context, plan: render_to_string(template, context),
    ):
        return render_report_pdf(plan, audience)


def test_status_report_gives_members_the_count_and_every_note_and_visitors_none(persona):
    measure = asker_measure()
    secretary = persona("secretary")
    three_notes(measure, secretary)
    plan = measure.goal.plan
    members = rendered_report(plan, "members")
    row = members[members.index(measure.text) :]
    row = row[: row.index("</tr>")]
    assert 'class="note-count"' in row
    assert re.search(r'class="note-count">[^<]*3', row)
    assert all(t in row for t in ("Første runde", "Andre runde", "Tredje runde"))
    assert row.index("Tredje runde") < row.index("Første runde")
    assert secretary.get_full_name() in row
    public = rendered_report(plan, "public")
    assert "runde ringt" not in public and secretary.get_full_name() not in public


def test_a_backdated_completion_shows_the_day_it_was_done_beside_its_note(client_for):
    from datetime import timedelta

    from django.utils import timezone

    from goals.models import ProgressNote
    from tests.test_follow_up import asker_measure

    measure = asker_measure()
    done_on = timezone.localdate() - timedelta(days=2)
    secretary = client_for("secretary")
    secretary.post(
        f"/goals/measures/{measure.pk}/tick/",
        {"status": "done", "done_on": done_on.isoformat(), "note": "Gjort i helga"},
    )
    note = ProgressNote.objects.get(measure=measure, text="Gjort i helga")
    assert note.done_on == done_on
    page = secretary.get("/goals/mine/").content.decode()
    assert f"utført {done_on:%d.%m.%Y}" in page
