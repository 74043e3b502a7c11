"""The adopted plan's PDF is made in the background, so the first download is served at once."""

from __future__ import annotations

import contextlib
import logging
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from calendar_app.services import cycle_entry_create
from goals.models import Goal, Measure, MeasureStatus
from goals.progress import measure_tick
from goals.services import goal_create, measure_create
from organisations.models import Body, Organisation
from plans import pdf
from plans.models import Plan
from plans.services import plan_adopt, plan_create, section_create

pytestmark = pytest.mark.django_db

IN_BACKGROUND = override_settings(PLAN_PDF_IN_BACKGROUND=True)


@pytest.fixture(autouse=True)
def _worker_in_this_process(request):
    """The queued render runs here, as a worker would run it, whatever broker is set."""
    if "broker_down" in request.fixturenames:
        yield
        return
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


def _draft() -> Plan:
    organisation = Organisation.objects.get(slug="rodt-akershus")
    plan = plan_create(
        organisation=organisation,
        title="Arbeidsplan til trykk",
        kind="handlingsplan",
        first_year=2027,
        last_year=2028,
        language="nb",
        visibility="public",
    )
    section = section_create(plan=plan, title="Organisasjon", order=1)
    goal = goal_create(plan=plan, section=section, title="Flere medlemmer", order=1)
    measure_create(goal=goal, text="Verve på stand hver måned", order=1)
    return plan


def _adopt(plan: Plan) -> Plan:
    meeting = Body.objects.filter(organisation=plan.organisation).first()
    return plan_adopt(plan=plan, meeting=meeting, on=timezone.localdate(), by=None)


@contextlib.contextmanager
def counting_renders():
    with mock.patch.object(pdf, "render_plan_pdf", wraps=pdf.render_plan_pdf) as renderer:
        yield renderer


def _cached(plan: Plan) -> bytes | None:
    plan = Plan.objects.select_related("organisation").get(pk=plan.pk)
    return cache.get(f"plan-pdf:{pdf.fingerprint(plan, report=False)}")


@IN_BACKGROUND
def test_adopting_a_plan_renders_its_pdf_so_the_first_download_renders_nothing(
    client, django_capture_on_commit_callbacks
):
    plan = _draft()
    with counting_renders() as renderer, django_capture_on_commit_callbacks(execute=True):
        _adopt(plan)
    assert renderer.call_count == 1
    assert _cached(plan).startswith(b"%PDF")

    with counting_renders() as renderer:
        response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert renderer.call_count == 0


@IN_BACKGROUND
def test_a_tick_neither_changes_the_plan_pdf_nor_renders_it_again(
    persona, django_capture_on_commit_callbacks
):
    plan = _draft()
    with django_capture_on_commit_callbacks(execute=True):
        _adopt(plan)
    before = pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False)
    report_before = pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=True)
    measure = Measure.objects.get(goal__plan=plan)
    with counting_renders() as renderer, django_capture_on_commit_callbacks(execute=True):
        measure_tick(measure=measure, by=persona("admin"), status=MeasureStatus.IN_PROGRESS)
    assert renderer.call_count == 0
    assert pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False) == before
    # The status report shows progress: it is a new document.
    assert pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=True) != report_before


@IN_BACKGROUND
def test_a_change_to_the_printed_content_renders_the_new_pdf_in_the_background(
    django_capture_on_commit_callbacks,
):
    plan = _draft()
    with django_capture_on_commit_callbacks(execute=True):
        plan = _adopt(plan)
    adopted = pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False)
    with counting_renders() as renderer, django_capture_on_commit_callbacks(execute=True):
        cycle_entry_create(
            organisation=plan.organisation, plan=plan, title="Sommerskole", month=7, by=None
        )
    assert pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False) != adopted
    assert renderer.call_count == 1
    assert _cached(plan).startswith(b"%PDF")


def test_adoption_changes_the_fingerprint_and_drafts_are_not_rendered_ahead(
    django_capture_on_commit_callbacks,
):
    plan = _draft()
    draft = pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False)
    with IN_BACKGROUND, counting_renders() as renderer:
        with django_capture_on_commit_callbacks(execute=True):
            measure_create(
                goal=Goal.objects.get(plan=plan), text="Skolering for nye tillitsvalgte", order=2
            )
        assert renderer.call_count == 0  # a draft changes often and is rarely printed
        with django_capture_on_commit_callbacks(execute=True):
            _adopt(plan)
    assert pdf.fingerprint(Plan.objects.get(pk=plan.pk), report=False) != draft


@override_settings(PLAN_PDF_IN_BACKGROUND=False)
def test_without_a_worker_nothing_is_queued_and_the_download_renders(
    client, django_capture_on_commit_callbacks
):
    plan = _draft()
    with django_capture_on_commit_callbacks() as callbacks:
        _adopt(plan)
    assert callbacks == []  # eager Celery: the adopting request would wait for the render
    with counting_renders() as renderer:
        assert client.get(reverse("plans:pdf", args=[plan.pk])).status_code == 200
    assert renderer.call_count == 1


@pytest.fixture
def broker_down():
    """A real broker address where nothing listens, and Celery no longer eager."""
    from config.celery import app

    keys = (
        "task_always_eager",
        "broker_url",
        "broker_write_url",
        "broker_read_url",
        "broker_connection_timeout",
    )
    saved = {key: app.conf[key] for key in keys}
    nowhere = "redis://127.0.0.1:9/0"  # a configured broker also sets the write URL
    app.conf.update(
        task_always_eager=False,
        broker_url=nowhere,
        broker_write_url=nowhere,
        broker_read_url=nowhere,
        broker_connection_timeout=1,
    )
    app._pool = None  # connection pools are made from the broker URL on first use
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


@IN_BACKGROUND
def test_adoption_succeeds_when_the_broker_is_down_and_the_download_still_works(
    client, broker_down, django_capture_on_commit_callbacks, caplog
):
    plan = _draft()
    with (
        caplog.at_level(logging.ERROR, logger="plans.tasks"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        adopted = _adopt(plan)
    assert len(callbacks) == 1
    assert adopted.status == "adopted" and adopted.adopted_on == timezone.localdate()
    assert Plan.objects.get(pk=plan.pk).status == "adopted"
    assert "Could not queue the PDF" in caplog.text
    assert _cached(plan) is None
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
