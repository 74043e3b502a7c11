"""The partials drawn once per measure, in Jinja2 (config/jinja2.py): escaped, translated,
dated and linked as Django's own templates would have them."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse, set_script_prefix
from django.utils import translation

from config.jinja2 import _pk_url
from goals.models import Measure
from goals.progress import measure_tick
from goals.services import goal_create, measure_create, target_create
from organisations.models import Body, Organisation
from plans.services import section_create
from tests.test_plan_page import _build_plan

HOSTILE = '<script>alert("x")</script>'


def _plan(persona):
    organisation = Organisation.objects.get(slug="rodt-asker")
    plan = _build_plan(organisation, goals=1, measures=2, title="Plan med farlig tekst")
    goal = plan.goals.first()
    plan.status = "draft"  # as _build_plan does: the measures first, then "adopted"
    plan.save()
    measure = measure_create(
        goal=goal,
        text=f"Tiltak {HOSTILE}",
        order=9,
        responsible=list(Body.objects.filter(organisation=organisation)[:1]),
        responsible_text=f"Styret {HOSTILE}",
        due=HOSTILE,
        due_unread_ok=True,
        tags=[HOSTILE],
    )
    section = section_create(plan=plan, title=f"Del {HOSTILE}", intro=f"Innledning {HOSTILE}")
    other = goal_create(
        plan=plan, section=section, title=f"Mål {HOSTILE}", description=f"**Viktig** {HOSTILE}"
    )
    target_create(goal=other, name=f"Medlemmer {HOSTILE}", target_value=100)
    plan.status = "adopted"
    plan.save()
    measure_tick(measure=measure, by=persona("admin"), status="in_progress", note=HOSTILE)
    return plan, measure


def test_text_people_write_is_escaped_in_every_partial(client_for, persona):
    plan, _measure = _plan(persona)
    for who in (None, "member", "secretary"):
        body = client_for(who).get(plan.get_absolute_url()).content.decode()
        assert "Tiltak &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body, who
        assert HOSTILE not in body, who
        # the measure's text, responsible, unread due date and tag; the section's title
        # (twice, with the contents), the goal's title and the target's name
        assert body.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 8, who
        # Markdown: rendered, with raw HTML shown as text
        assert "<strong>Viktig</strong> &lt;script&gt;" in body, who
    # The note is members' content: a member sees it, escaped.
    member_page = client_for("member").get(plan.get_absolute_url()).content.decode()
    assert 'class="note-text">&lt;script&gt;' in member_page


def test_the_secretary_s_tick_forms_post_to_each_measure_s_own_address(client_for, persona):
    plan, _measure = _plan(persona)
    body = client_for("secretary").get(plan.get_absolute_url()).content.decode()
    measures = Measure.objects.filter(goal__plan=plan)
    expected = {reverse("goals:tick", args=[m.pk]) for m in measures}
    actions = set(re.findall(r'<form method="post" action="([^"]+/tick/)"', body))
    assert actions == expected


def test_a_primary_key_url_is_the_reversed_one_under_any_script_prefix():
    for pk in (1, 42, 2_147_483_646):
        assert _pk_url("goals:tick", pk) == reverse("goals:tick", args=[pk])
    set_script_prefix("/handlingsplan/")
    try:
        assert _pk_url("goals:tick", 7) == reverse("goals:tick", args=[7])
        assert _pk_url("goals:tick", 7).startswith("/handlingsplan/")
    finally:
        set_script_prefix("/")


def test_the_partials_speak_the_reader_s_language(db):
    measure = SimpleNamespace(
        bodies=[], tag_list=[], responsible_text="Styret", due_text="", recurrence="",
        delegated=False, status="planned", state=None,
    )  # fmt: skip
    assert "Ansvarlig: Styret" in render_to_string("goals/_measure_meta.html", {"measure": measure})
    with translation.override("sv"):
        swedish = render_to_string("goals/_measure_meta.html", {"measure": measure})
    assert "Ansvarig: Styret" in swedish


def test_dates_are_shown_in_the_local_time_zone_as_django_shows_them(db):
    # 23:30 UTC on New Year's Eve is already New Year's Day in Oslo.
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))
    note = SimpleNamespace(
        text="Ferdig", created_at=moment, done_on=None, author=None, assignment=None,
        occurrence_label="",
    )  # fmt: skip
    html = render_to_string("goals/_note.html", {"note": note, "show_people": False})
    django = Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": moment}))
    assert django == "01.01.2027"
    assert f'<span class="muted note-meta">{django}</span>' in html
