"""Spreadsheet export of measures for reporting, safe to open in Excel.

One row per measure of the list, then one per share of a delegated measure that
the organisations in the list carry out for the plans above them. A recurring
measure reports its done and planned occurrences and a status that follows
them. Written notes go along (the latest on the row; all of them on a second sheet)
with their authors, only to those who read the organisation's members' content.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from organisations.permissions import can_see_people

from .models import Assignment, Measure, MeasureStatus, OccurrenceTick, ProgressNote
from .recurrence import occurrences

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMATS = {"nb": "dd.mm.yyyy", "nn": "dd.mm.yyyy"}  # others: ISO, as Swedes write it
WIDE = 60  # characters; longer text wraps within the column


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


@dataclass
class Note:
    measure: str
    organisation: str
    day: date
    author: str
    status: str
    text: str


@dataclass
class Row:
    organisation: str
    plan: str
    goal: str
    measure: str
    responsible: str
    due: str
    due_by: date | None
    repeats: str
    occurrences: str
    done: int | None
    planned: int | None
    delegated: str
    status: str
    completed: date | None
    latest_note: str
    notes: list[Note] = field(default_factory=list)

    def cells(self) -> list:
        """Typed cells: text escaped, dates and numbers as they are."""
        return [
            self.organisation,
            self.plan,
            self.goal,
            self.measure,
            self.responsible,
            self.due,
            self.due_by,
            self.repeats,
            self.occurrences,
            self.done,
            self.planned,
            self.delegated,
            self.status,
            self.completed,
            self.latest_note,
        ]


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
        _("Occurrences"),
        _("Occurrences done"),
        _("Occurrences planned"),
        _("Delegated"),
        _("Status"),
        _("Completed"),
        _("Latest note"),
    ]


def notes_header() -> list[str]:
    return [_("Measure"), _("Organisation"), _("Date"), _("Author"), _("Status"), _("Note")]


# Counting ------------------------------------------------------------------------


def reporting_day() -> date:
    """The day the export counts up to (a function, so tests can set the clock)."""
    return timezone.localdate()


def occurrence_count(days: list[date], ticked: set[date], last_year: int, today: date):
    """(done, planned): planned are the occurrences up to today, or up to the plan's end.

    Before the first occurrence, all of the period's occurrences are planned.
    An occurrence ticked ahead of its day counts, but never beyond what is planned.
    """
    cutoff = min(today, date(last_year, 12, 31))
    planned = sum(day <= cutoff for day in days) or len(days)
    done = min(len(ticked.intersection(days)), planned)
    return done, planned


def reported_status(stored: str, done: int | None, planned: int | None) -> str:
    """A recurring measure is done when every planned occurrence is, in progress when some are."""
    if planned is None or stored in (MeasureStatus.DONE, MeasureStatus.CANCELLED):
        return stored
    if planned and done >= planned:
        return MeasureStatus.DONE
    if done:
        return MeasureStatus.IN_PROGRESS
    return stored


def list_states(measures: list[Measure], today: date | None = None) -> None:
    """Give each measure of a list page its status as reported and its "N of M".

    The same rule as the export's rows: a recurring measure's status follows its
    occurrences. One query for the page's ticks.
    """
    today = today or reporting_day()
    own_ticks = OccurrenceTick.objects.filter(assignment=None)
    prefetch_related_objects(measures, Prefetch("ticks", queryset=own_ticks, to_attr="own_ticks"))
    days_cache: dict[tuple, list[date]] = {}
    for measure in measures:
        measure.reported_status, measure.occurrences_done = measure.status, ""
        if measure.recurrence and measure.status != MeasureStatus.CANCELLED:
            plan = measure.goal.plan
            key = (measure.recurrence, plan.first_year, plan.last_year)
            if key not in days_cache:
                days_cache[key] = occurrences(*key)
            ticked = {tick.occurrence for tick in measure.own_ticks}
            done, planned = occurrence_count(days_cache[key], ticked, plan.last_year, today)
            measure.reported_status = reported_status(measure.status, done, planned)
            measure.occurrences_done = _("%(done)d of %(planned)d") % {
                "done": done,
                "planned": planned,
            }
        measure.reported_status_label = MeasureStatus(measure.reported_status).label


# Reading the rows ----------------------------------------------------------------


def _notes_prefetch(**condition) -> Prefetch:
    return Prefetch(
        "progress_notes",
        # A status change without words is history, not a note (as goals.notes has it).
        queryset=ProgressNote.objects.filter(**condition)
        .exclude(text="")
        .select_related("author")
        .order_by("-created_at", "-pk"),
        to_attr="export_notes",
    )


class _Builder:
    def __init__(self, user, today: date):
        self.user = user
        self.today = today
        self.days_cache: dict[tuple, list[date]] = {}
        self.people_cache: dict[int, bool] = {}

    def days(self, measure: Measure) -> list[date]:
        plan = measure.goal.plan
        key = (measure.recurrence, plan.first_year, plan.last_year)
        if key not in self.days_cache:
            self.days_cache[key] = occurrences(*key)
        return self.days_cache[key]

    def show_people(self, organisation_id: int) -> bool:
        if organisation_id not in self.people_cache:
            self.people_cache[organisation_id] = can_see_people(self.user, organisation_id)
        return self.people_cache[organisation_id]

    def notes(self, holder, measure: Measure, organisation) -> list[Note]:
        # Notes and their authors are the organisation's members' content (DESIGN.md §5).
        if not self.show_people(organisation.pk):
            return []
        found = []
        for note in reversed(holder.export_notes):  # oldest first on the sheet
            changed = note.status_after and note.status_before != note.status_after
            author = note.author.get_full_name() if note.author else _("former member")
            found.append(
                Note(
                    measure=measure.text,
                    organisation=organisation.name,
                    day=note.done_on or timezone.localtime(note.created_at).date(),
                    author=author,
                    status=note.get_status_after_display() if changed else "",
                    text=note.text,
                )
            )
        return found

    def row(self, measure: Measure, *, holder, organisation, ticks, delegated: str) -> Row:
        plan = measure.goal.plan
        done = planned = None
        counted = ""
        if measure.recurrence and holder.status != MeasureStatus.CANCELLED:
            ticked = {tick.occurrence for tick in ticks}
            done, planned = occurrence_count(self.days(measure), ticked, plan.last_year, self.today)
            counted = _("%(done)d of %(planned)d") % {"done": done, "planned": planned}
        status = reported_status(holder.status, done, planned)
        notes = self.notes(holder, measure, organisation)
        return Row(
            organisation=organisation.name,
            plan=plan.title,
            goal=str(measure.goal),
            measure=measure.text,
            responsible=", ".join(body.name for body in measure.responsible.all())
            or measure.responsible_text,
            due=measure.due_text,
            due_by=measure.due_end,
            repeats=measure.recurrence_text,
            occurrences=counted,
            done=done,
            planned=planned,
            delegated=delegated,
            status=str(MeasureStatus(status).label),
            completed=timezone.localtime(holder.completed_at).date()
            if holder.completed_at and status == MeasureStatus.DONE
            else None,
            latest_note=notes[-1].text if notes else "",
            notes=notes,
        )


def build_rows(
    measures: QuerySet[Measure], assignments: QuerySet[Assignment], *, user, today=None
) -> list[Row]:
    """The rows of the export, in a fixed number of queries."""
    builder = _Builder(user, today or reporting_day())
    measures = measures.select_related("goal__plan__organisation").prefetch_related(
        "responsible",
        Prefetch(
            "ticks", queryset=OccurrenceTick.objects.filter(assignment=None), to_attr="own_ticks"
        ),
        _notes_prefetch(assignment=None),
    )
    rows = [
        builder.row(
            measure,
            holder=measure,
            organisation=measure.goal.plan.organisation,
            ticks=measure.own_ticks,
            delegated=_("yes") if measure.delegated else "",
        )
        for measure in measures
    ]
    shares = assignments.select_related(
        "organisation", "measure__goal__plan__organisation"
    ).prefetch_related("measure__responsible", "ticks", _notes_prefetch())
    for share in shares:
        measure = share.measure
        rows.append(
            builder.row(
                measure,
                holder=share,
                organisation=share.organisation,
                ticks=share.ticks.all(),
                delegated=_("Delegated by %(organisation)s")
                % {"organisation": measure.goal.plan.organisation.name},
            )
        )
    return rows


# Writing -------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def as_csv(rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(header())
    for row in rows:
        writer.writerow([_text(value) for value in row.cells()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8 right


def _xlsx_value(value):
    if isinstance(value, str):
        # Control characters are not allowed in the file format; openpyxl would refuse.
        return ILLEGAL_CHARACTERS_RE.sub("", safe_cell(value))
    return value


def _fill_sheet(sheet, titles: list[str], lines: Iterable[list]) -> None:
    date_format = DATE_FORMATS.get(translation.get_language() or "", "yyyy-mm-dd")
    sheet.append(titles)
    widths = [len(title) for title in titles]
    for line in lines:
        sheet.append([_xlsx_value(value) for value in line])
        for index, value in enumerate(line):
            width = 10 if isinstance(value, date) else len(str(value or ""))
            widths[index] = max(widths[index], width)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date):
                cell.number_format = date_format
            elif isinstance(cell.value, str) and len(cell.value) > WIDE:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), WIDE) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def as_xlsx(rows: list[Row]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Measures")[:31]
    _fill_sheet(sheet, header(), (row.cells() for row in rows))
    notes = workbook.create_sheet(_("Notes")[:31])
    _fill_sheet(
        notes,
        notes_header(),
        (
            [note.measure, note.organisation, note.day, note.author, note.status, note.text]
            for row in rows
            for note in row.notes
        ),
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
