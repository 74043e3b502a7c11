"""The activity log, as the ground floor writes to it.

The log itself (``plans.models.Activity``) stands on this app, so this app
cannot import it: the plans app hands its recorder over when it is ready, and
services here call ``audit()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models

_recorder: Callable[..., Any] | None = None


def recorder_set(recorder: Callable[..., Any]) -> None:
    global _recorder
    _recorder = recorder


def audit(
    *,
    organisation,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """Write one log entry about the organisation; ``changes`` maps a field to [old, new]."""
    if _recorder is None:
        raise ImproperlyConfigured("No activity recorder: is the plans app installed?")
    _recorder(
        organisation=organisation,
        actor=actor,
        action=action,
        target=target,
        summary=summary,
        changes=changes,
    )
