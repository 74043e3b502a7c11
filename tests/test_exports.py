"""The measures export is right for reporting: shares, occurrences, notes, typed cells."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from goals.export import occurrence_count, reported_status
from goals.models import Assignment, Measure, MeasureStatus
from goals.progress import measure_tick
from organisations.models import Organisation, User

MONTHLY_BOARD_MEETING = "Holde styremøte en gang i måneden."  # Rødt Asker, 10 of 12 ticked
SCHOOLING = "Det gjennomføres skolering i alle lokallag."  # Rødt Akershus, delegated
SECRETARY = "sekretaer@example.org"  # secretary of Rødt Asker


def in_norwegian(text: str, **values) -> str:
    with translation.override("nb"):
        return gettext(text) % values if values else gettext(text)


def status_label(status: str) -> str:
    with translation.override("nb"):
        return str(MeasureStatus(status).label)


def export_csv(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("goals:export", args=["csv"]), params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export_xlsx(client, **params):
    response = client.get(reverse("goals:export", args=["xlsx"]), params)
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def column(name: str) -> str:
    return in_norwegian(name)


def asker() -> Organisation:
    return Organisation.objects.get(slug="rodt-asker")


def on_day(monkeypatch, day: date) -> None:
    monkeypatch.setattr("goals.export.reporting_day", lambda: day)


# Counting, as a rule ---------------------------------------------------------------


def test_occurrences_are_counted_up_to_today_or_the_plan_end():
    months = [date(2026, month, 1) for month in range(1, 13)]
    ticked = set(months[:10])
    assert occurrence_count(months, ticked, 2026, date(2026, 11, 15)) == (10, 11)
    assert occurrence_count(months, ticked, 2026, date(2027, 3, 1)) == (10, 12)
    # Before the first occurrence the whole period is planned.
    assert occurrence_count(months, set(), 2026, date(2025, 12, 1)) == (0, 12)
    # Ticked ahead of its day: counted, never beyond what is planned.
    assert occurrence_count(months, set(months), 2026, date(2026, 3, 15)) == (3, 3)


def test_recurring_status_follows_its_occurrences():
    assert reported_status(MeasureStatus.PLANNED, 11, 11) == MeasureStatus.DONE
    assert reported_status(MeasureStatus.PLANNED, 10, 11) == MeasureStatus.IN_PROGRESS
    assert reported_status(MeasureStatus.PLANNED, 0, 11) == MeasureStatus.PLANNED
    assert reported_status(MeasureStatus.CANCELLED, 11, 11) == MeasureStatus.CANCELLED
    assert reported_status(MeasureStatus.IN_PROGRESS, None, None) == MeasureStatus.IN_PROGRESS


# The branch's export -----------------------------------------------------------------


def test_branch_export_holds_its_own_shares_of_delegated_measures(client_for):
    measure = Measure.objects.get(text=SCHOOLING, goal__plan__status="adopted")
    share = Assignment.objects.get(measure=measure, organisation=asker())
    measure_tick(
        measure=measure,
        by=User.objects.get(email=SECRETARY),
        status=MeasureStatus.IN_PROGRESS,
        note="Første kurskveld holdt i Asker.",
        assignment=share,
    )
    rows = export_csv(client_for("member"), organisation=asker().pk)
    shares = [row for row in rows if row[column("Measure")] == SCHOOLING]
    assert len(shares) == 1, "Bærum's share (done) is not Asker's"
    row = shares[0]
    assert row[column("Organisation")] == "Rødt Asker"
    assert row[column("Delegated")] == in_norwegian(
        "Delegated by %(organisation)s", organisation="Rødt Akershus"
    )
    # Asker's own status, not Bærum's "done" nor the county measure's own.
    assert row[column("Status")] == status_label(MeasureStatus.IN_PROGRESS)
    assert row[column("Latest note")] == "Første kurskveld holdt i Asker."
    every_share = set(
        Assignment.objects.filter(
            organisation=asker(), measure__goal__plan__status__in=["adopted", "archived"]
        ).values_list("measure__text", flat=True)
    )
    exported_shares = {
        row[column("Measure")] for row in rows if row[column("Organisation")] == "Rødt Asker"
    } - set(Measure.objects.filter(goal__plan__organisation=asker()).values_list("text", flat=True))
    assert exported_shares == every_share


def test_status_filter_reads_the_branch_share_status(client_for):
    rows = export_csv(client_for("member"), organisation=asker().pk, status="done")
    assert SCHOOLING not in {row[column("Measure")] for row in rows}  # Asker has not done it
    assert all(row[column("Status")] == status_label("done") for row in rows)


def test_recurring_measure_exports_done_of_planned_and_a_status_to_match(client_for, monkeypatch):
    on_day(monkeypatch, date(2026, 11, 15))
    (row,) = [
        row
        for row in export_csv(client_for("member"), organisation=asker().pk)
        if row[column("Measure")] == MONTHLY_BOARD_MEETING
    ]
    assert row[column("Occurrences")] == in_norwegian(
        "%(done)d of %(planned)d", done=10, planned=11
    )
    assert (row[column("Occurrences done")], row[column("Occurrences planned")]) == ("10", "11")
    assert row[column("Status")] == status_label(MeasureStatus.IN_PROGRESS)

    measure = Measure.objects.get(text=MONTHLY_BOARD_MEETING)
    measure_tick(
        measure=measure, by=User.objects.get(email=SECRETARY), occurrence=date(2026, 11, 1)
    )
    (row,) = [
        row
        for row in export_csv(client_for("member"), organisation=asker().pk)
        if row[column("Measure")] == MONTHLY_BOARD_MEETING
    ]
    assert row[column("Occurrences")] == in_norwegian(
        "%(done)d of %(planned)d", done=11, planned=11
    )
    assert row[column("Status")] == status_label(MeasureStatus.DONE)


def test_occurrence_count_is_in_the_requests_language(client_for, monkeypatch):
    on_day(monkeypatch, date(2027, 2, 1))
    client = client_for("member")
    client.cookies["django_language"] = "en"
    rows = export_csv(client, organisation=asker().pk)
    (row,) = [row for row in rows if "Holde styremøte" in row.get("Measure", "")]
    assert row["Occurrences"] == "10 of 12"


# Notes -------------------------------------------------------------------------------


def test_notes_travel_with_the_rows_and_on_a_sheet_of_their_own(client_for):
    workbook = export_xlsx(client_for("member"), organisation=asker().pk)
    assert workbook.sheetnames == [in_norwegian("Measures"), "Notater"]
    measures = workbook.worksheets[0]
    titles = [cell.value for cell in measures[1]]
    rows = [dict(zip(titles, row, strict=True)) for row in measures.iter_rows(2, values_only=True)]
    (meeting,) = [row for row in rows if row[column("Measure")].startswith("Arrangere et åpent")]
    assert meeting[column("Latest note")] == "Medlemsmøte 12. november med 34 deltakere."

    notes = workbook["Notater"]
    assert [cell.value for cell in notes[1]] == [
        column("Measure"),
        column("Organisation"),
        column("Date"),
        column("Author"),
        column("Status"),
        column("Note"),
    ]
    lines = list(notes.iter_rows(2, values_only=True))
    (line,) = [line for line in lines if line[5] == "Medlemsmøte 12. november med 34 deltakere."]
    assert line[0].startswith("Arrangere et åpent medlemsmøte")
    assert line[1] == "Rødt Asker"
    assert isinstance(line[2], datetime)
    assert line[3] == "Sander Sekretær"
    assert line[4] == status_label(MeasureStatus.DONE)


def test_notes_and_their_authors_stay_with_those_who_may_see_the_people(client_for):
    national = Measure.objects.filter(
        goal__plan__organisation__slug="rodt", goal__plan__status="adopted"
    ).first()
    measure_tick(
        measure=national,
        by=User.objects.get(email="admin@example.org"),
        status=MeasureStatus.IN_PROGRESS,
        note="Sentralt notat om framdrift.",
    )
    rodt = Organisation.objects.get(slug="rodt")

    member_book = export_xlsx(client_for("member"), organisation=rodt.pk)
    member_notes = list(member_book["Notater"].iter_rows(2, values_only=True))
    assert ("Rødt", "Ada Admin", "Sentralt notat om framdrift.") in {
        (line[1], line[3], line[5]) for line in member_notes
    }

    for persona in (None, "outsider"):
        book = export_xlsx(client_for(persona), organisation=rodt.pk)
        content = [
            value
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
        ]
        assert national.text in content  # the public plan's row is there
        assert "Sentralt notat om framdrift." not in content
        assert "Ada Admin" not in content
        assert book["Notater"].max_row == 1  # the header only
        rows = export_csv(client_for(persona), organisation=rodt.pk)
        assert all(row[column("Latest note")] == "" for row in rows)


# The file itself ---------------------------------------------------------------------


def test_xlsx_cells_are_typed_with_a_frozen_header_and_an_autofilter(client_for):
    Measure.objects.filter(text=MONTHLY_BOARD_MEETING).update(due_end=date(2026, 12, 31))
    workbook = export_xlsx(client_for("member"), organisation=asker().pk)
    sheet = workbook.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert workbook["Notater"].freeze_panes == "A2"
    assert workbook["Notater"].auto_filter.ref
    titles = [cell.value for cell in sheet[1]]
    assert titles[3] == column("Measure")
    by_title = {title: index for index, title in enumerate(titles)}
    (row,) = [
        row
        for row in sheet.iter_rows(min_row=2)
        if row[by_title[column("Measure")]].value == MONTHLY_BOARD_MEETING
    ]
    due_by = row[by_title[column("Due by")]]
    assert due_by.is_date and due_by.value == datetime(2026, 12, 31)
    assert due_by.number_format == "dd.mm.yyyy"
    done = row[by_title[column("Occurrences done")]]
    assert done.data_type == "n" and isinstance(done.value, int)
    # Widths are set for every column: the measure's column is wide, the dates narrow.
    measure_width = sheet.column_dimensions["D"].width
    assert measure_width > 40
    assert all(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNO"), (
        "a column without a width"
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_notes_that_look_like_formulas_are_escaped(client_for, start):
    measure = Measure.objects.get(text=MONTHLY_BOARD_MEETING)
    measure_tick(
        measure=measure,
        by=User.objects.get(email=SECRETARY),
        occurrence=date(2026, 11, 1),
        note=f'{start}HYPERLINK("http://x","klikk")',
    )
    workbook = export_xlsx(client_for("member"), organisation=asker().pk)
    values = [
        v for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    ]
    assert f'\'{start}HYPERLINK("http://x","klikk")' in values
    assert not any(isinstance(v, str) and v.startswith(start + "HYPERLINK") for v in values)
    rows = export_csv(client_for("member"), organisation=asker().pk)
    assert f'\'{start}HYPERLINK("http://x","klikk")' in {row[column("Latest note")] for row in rows}
