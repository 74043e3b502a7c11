"""Free text has a length limit and no control characters, whichever way it comes in."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from calendar_app.forms import EventForm
from goals.forms import GoalForm, MeasureForm
from goals.models import Measure, ProgressNote
from goals.progress import measure_tick
from goals.services import measure_create
from organisations.limits import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH
from organisations.models import Organisation, User
from plans.forms import PlanSettingsForm, SectionForm
from plans.models import Plan

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TWO_MEGABYTES = 2 * 1024 * 1024


def asker_measure() -> Measure:
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


def tick(client, measure: Measure, note: str, **headers):
    return client.post(
        reverse("goals:tick", args=[measure.pk]),
        {"status": "in_progress", "note": note},
        follow=not headers,
        **headers,
    )


def test_every_text_field_of_the_product_has_a_length_limit():
    for label in ("organisations", "plans", "goals", "calendar_app"):
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.TextField):
                    assert field.max_length, f"{model.__name__}.{field.name}"


def test_a_two_megabyte_note_is_refused_and_nothing_is_stored(client_for):
    measure = asker_measure()
    notes = ProgressNote.objects.count()
    response = tick(client_for("secretary"), measure, "x" * TWO_MEGABYTES, **HTMX)
    assert response.status_code == 200
    assert "(den har nå 2097152)" in response.content.decode()
    assert ProgressNote.objects.count() == notes
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_a_note_with_a_nul_byte_is_refused_with_a_message_on_the_page(client_for):
    measure = asker_measure()
    notes = ProgressNote.objects.count()
    response = tick(client_for("secretary"), measure, "Gjort\x00")
    assert response.status_code == 200
    assert "Null-tegn er ikke tillatt." in response.content.decode()
    assert ProgressNote.objects.count() == notes


def test_a_note_with_a_control_character_is_refused(client_for):
    measure = asker_measure()
    notes = ProgressNote.objects.count()
    response = tick(client_for("secretary"), measure, "Ring\x07 meg", **HTMX)
    assert "kontrolltegn" in response.content.decode()
    assert ProgressNote.objects.count() == notes


def test_a_note_of_the_full_length_with_line_breaks_is_stored(client_for):
    measure = asker_measure()
    note = ("Holdt møte.\r\n\tNeste i mars. " * 100)[: SHORT_TEXT_MAX_LENGTH - 1] + "!"
    tick(client_for("secretary"), measure, note, **HTMX)
    measure.refresh_from_db()
    assert measure.status == "in_progress"
    assert measure.progress_notes.order_by("-pk").first().text == note.strip()


def test_services_refuse_what_the_forms_refuse():
    measure = asker_measure()
    secretary = User.objects.get(email="sekretaer@example.org")
    notes = ProgressNote.objects.count()
    too_long = "x" * (SHORT_TEXT_MAX_LENGTH + 1)
    for note, message in ((too_long, "2001"), ("a\x00b", "Null"), ("a\x1bb", "kontrolltegn")):
        with pytest.raises(ValidationError, match=message):
            measure_tick(measure=measure, by=secretary, status="in_progress", note=note)
    assert ProgressNote.objects.count() == notes
    draft = Plan.objects.filter(status="draft").first()
    with pytest.raises(ValidationError, match="2001"):
        measure_create(goal=draft.goals.first(), text=too_long)


def test_markdown_texts_longer_than_the_limit_are_refused_by_their_forms():
    too_long = "[" * (LONG_TEXT_MAX_LENGTH + 1)
    asker = Organisation.objects.get(slug="rodt-asker")
    event = EventForm(
        {"title": "Møte", "date": "2026-03-08", "all_day": "on", "visibility": "public"},
        organisation=asker,
    )
    assert event.is_valid(), event.errors
    event = EventForm(
        {
            "title": "Møte",
            "date": "2026-03-08",
            "all_day": "on",
            "visibility": "public",
            "description": too_long,
        },
        organisation=asker,
    )
    assert list(event.errors) == ["description"]
    assert f'maxlength="{LONG_TEXT_MAX_LENGTH}"' in str(event["description"])
    for form, field in (
        (PlanSettingsForm({"preamble": too_long}), "preamble"),
        (SectionForm({"intro": too_long}), "intro"),
        (GoalForm({"description": too_long}), "description"),
        (MeasureForm({"text": "x" * (SHORT_TEXT_MAX_LENGTH + 1)}), "text"),
        (SectionForm({"title": "Del\x0b1", "intro": "Tekst\x00"}), "title"),
    ):
        assert field in form.errors, (type(form).__name__, form.errors)
