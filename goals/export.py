"""Spreadsheet export of measures, safe to open in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

from .models import Measure

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        _("Organisation"),
        _("Plan"),
        _("Goal"),
        _("Measure"),
        _("Responsible"),
        _("Due"),
        _("Due by"),
        _("Repeats"),
        _("Delegated"),
        _("Status"),
        _("Completed"),
    ]


def rows(measures: Iterable[Measure]) -> Iterable[list[str]]:
    for measure in measures:
        plan = measure.goal.plan
        yield [
            safe_cell(value)
            for value in (
                plan.organisation.name,
                plan.title,
                str(measure.goal),
                measure.text,
                ", ".join(body.name for body in measure.responsible.all()),
                measure.due_text,
                measure.due_end.isoformat() if measure.due_end else "",
                measure.recurrence_text,
                _("yes") if measure.delegated else "",
                measure.get_status_display(),
                measure.completed_at.date().isoformat() if measure.completed_at else "",
            )
        ]


def as_csv(measures) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header())
    writer.writerows(rows(measures))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8 right


def as_xlsx(measures) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Measures")[:31]
    sheet.append(header())
    for row in rows(measures):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
