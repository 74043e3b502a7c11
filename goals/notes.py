"""The written notes of measures, fetched for a whole page at once (one query)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import ngettext

from .models import ProgressNote


def occurrence_label(rule: str, day: date | None) -> str:
    """Which occurrence a tick was for, as people say it: "november 2026", or the day
    itself for measures that recur more often than monthly."""
    if day is None:
        return ""
    if "FREQ=WEEKLY" in rule or "FREQ=DAILY" in rule:
        return date_format(day, "DATE_FORMAT")
    return date_format(day, "F Y")


def notes_count(count: int) -> str:
    """ "3 notes": the heading of a measure's notes (a Jinja2 global, config/jinja2.py)."""
    return ngettext("%(counter)s note", "%(counter)s notes", count) % {"counter": count}


def label_occurrences(notes: Iterable[ProgressNote]) -> None:
    """Give notes fetched with their measure (or its rule as ``rule``) an occurrence_label."""
    for note in notes:
        rule = getattr(note, "rule", None)
        if rule is None:
            rule = note.measure.recurrence
        note.occurrence_label = occurrence_label(rule, note.occurrence)


def notes_by_measure(measure_ids: Iterable[int]) -> dict[int, list[ProgressNote]]:
    """Every note with text of the given measures, newest first, keyed by measure id.

    A status change without words is history, not a note: only written notes count.
    """
    ids = list(measure_ids)
    found: dict[int, list[ProgressNote]] = defaultdict(list)
    if not ids:
        return found
    for note in (
        ProgressNote.objects.filter(measure_id__in=ids)
        .exclude(text="")
        .select_related("author", "assignment__organisation")
        .annotate(rule=F("measure__recurrence"))
        .order_by("-created_at", "-pk")
    ):
        label_occurrences([note])
        found[note.measure_id].append(note)
    return found
