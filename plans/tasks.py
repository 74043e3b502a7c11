"""Celery tasks: they take ids, re-read the database, and are safe to run twice."""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from .models import Plan, PlanStatus

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def plan_pdf_render(plan_id: int) -> None:
    """Put the adopted plan's PDF in the cache under its current fingerprint.

    Renders only when that fingerprint is not cached yet, so a second run (or a
    download that came first) costs one cache look-up.
    """
    from .pdf import plan_pdf  # loads WeasyPrint: only in the process that renders

    plan = Plan.objects.select_related("organisation").filter(pk=plan_id).first()
    if plan is None or plan.status != PlanStatus.ADOPTED:
        return
    plan_pdf(plan)


def _enqueue(plan_id: int) -> None:
    try:
        # No publish retries: the write this follows is committed and its request waits.
        plan_pdf_render.apply_async((plan_id,), retry=False)
    except OperationalError:
        # The broker is down: the first download renders the PDF itself.
        logger.exception("Could not queue the PDF of plan %s", plan_id)


def plan_pdf_render_after_commit(*, plan: Plan, action: str) -> None:
    """After a change to what an adopted plan prints, render its PDF in the background.

    Only where a worker exists (PLAN_PDF_IN_BACKGROUND, on when a broker is
    configured): with eager Celery the writing request would wait for the render.
    """
    if plan.status != PlanStatus.ADOPTED:
        return
    if not settings.PLAN_PDF_IN_BACKGROUND:
        return
    from .pdf import NOT_IN_PLAN_PDF

    if action in NOT_IN_PLAN_PDF:
        return
    transaction.on_commit(partial(_enqueue, plan.pk), robust=True)
