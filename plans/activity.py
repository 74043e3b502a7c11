"""The activity log: every service that changes something worth knowing records it here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from organisations.models import Organisation

from .models import Activity, Plan


def activity_record(
    *,
    organisation: Organisation,
    actor,
    action: str,
    target: models.Model | None = None,
    plan: Plan | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> Activity:
    """Write one log entry; ``changes`` maps a field to [old, new]."""
    activity = Activity.objects.create(
        organisation=organisation,
        plan=plan,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        summary=summary[:300],
        changes=changes or {},
    )
    if plan is not None:
        # Every change to a plan's content is logged here, so this is the one place
        # that has its printed PDF made anew in the background.
        from .tasks import plan_pdf_render_after_commit  # tasks loads Celery

        plan_pdf_render_after_commit(plan=plan, action=action)
    return activity


def plan_activity(
    *,
    plan: Plan,
    by,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> Activity:
    """A log entry about a plan or its content, filed under the plan's organisation."""
    return activity_record(
        organisation=plan.organisation,
        plan=plan,
        actor=by,
        action=action,
        target=target,
        summary=summary,
        changes=changes,
    )
