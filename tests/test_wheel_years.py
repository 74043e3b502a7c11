"""The annual wheel: entries for explicit years, and entries meant for the branches below."""

from __future__ import annotations

import re
from io import StringIO

import icalendar
import pytest
from django.core.management import call_command
from django.urls import reverse

from calendar_app.models import CycleEntry, Event, year_types
from calendar_app.services import wheel_to_events
from organisations.models import Organisation, User
from plans.models import PlanImport

pytestmark = pytest.mark.django_db

SKOLERING = "Skolering lokale folkevalgte"


def wheel_cells(html: str, month: str) -> list[str]:
    """The cells (one per year) of a month's row in the wheel grid."""
    row = re.search(rf'<th scope="row">{month}</th>(.*?)</tr>', html, re.S)
    assert row, f"no row for {month}"
    return re.findall(r"<td>(.*?)</td>", row.group(1), re.S)


def wheel_page(client, slug: str, first: int, last: int) -> str:
    response = client.get(
        reverse("calendar_app:wheel", args=[slug]), {"first": first, "last": last}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_four_year_wheel_keeps_an_entry_for_2028_only_though_2026_is_also_without_elections(
    client_for,
):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    assert year_types("NO", 2026) == year_types("NO", 2028) == {"none"}
    CycleEntry.objects.create(
        organisation=akershus, title=SKOLERING, month=3, years=[2028], year_types=["none"]
    )
    cells = wheel_cells(wheel_page(client_for("board"), "rodt-akershus", 2025, 2028), "Mars")
    assert [SKOLERING in cell for cell in cells] == [False, False, False, True]

    admin = User.objects.get(email="admin@example.org")
    wheel_to_events(organisation=akershus, first_year=2025, last_year=2028, by=admin)
    made = Event.objects.filter(cycle_entry__title=SKOLERING)
    assert list(made.values_list("cycle_year", flat=True)) == [2028]


def test_an_entry_with_years_and_no_year_types_applies_to_those_years_only():
    entry = CycleEntry(title="Nominasjon", month=10, years=[2026, 2028])
    assert [y for y in range(2025, 2030) if entry.applies_to(y, year_types("NO", y))] == [
        2026,
        2028,
    ]
    every_year = CycleEntry(title="Årsmøte", month=2)
    assert all(every_year.applies_to(y, {"none"}) for y in range(2025, 2030))


def test_the_board_adds_an_entry_for_some_years_and_for_the_branches(client_for):
    board = client_for("board")
    url = reverse("calendar_app:wheel_add", args=["rodt-akershus"])
    response = board.post(
        url,
        {"title": "Nominasjonsmøte", "month": "10", "years": "2026, 2028", "for_descendants": "on"},
    )
    assert response.status_code == 302
    entry = CycleEntry.objects.get(title="Nominasjonsmøte")
    assert entry.years == [2026, 2028] and entry.for_descendants
    assert entry.organisation.slug == "rodt-akershus"

    bad = board.post(url, {"title": "Feil", "month": "10", "years": "26"})
    assert bad.status_code == 200 and "field-years has-error" in bad.content.decode()
    assert not CycleEntry.objects.filter(title="Feil").exists()

    page = wheel_page(board, "rodt-akershus", 2026, 2028)
    assert [("Nominasjonsmøte" in c) for c in wheel_cells(page, "Oktober")] == [True, False, True]
    form = board.get(reverse("calendar_app:wheel", args=["rodt-akershus"])).content.decode()
    assert 'name="years"' in form and 'name="for_descendants"' in form


def test_an_entry_for_the_branches_shows_in_the_wheel_and_calendar_of_a_branch_below(
    client_for, client
):
    akershus = Organisation.objects.get(slug="rodt-akershus")
    CycleEntry.objects.create(
        organisation=akershus,
        title="Fylkets skoleringshelg",
        month=4,
        day=18,
        for_descendants=True,
    )
    CycleEntry.objects.create(organisation=akershus, title="Fylkesstyrets seminar", month=4)

    member = client_for("member")  # a member of Rødt Asker, below Akershus
    page = wheel_page(member, "rodt-asker", 2027, 2028)
    april = wheel_cells(page, "April")
    assert all("18. april: Fylkets skoleringshelg" in cell for cell in april)
    assert "(Rødt Akershus)" in april[0]
    assert "Fylkesstyrets seminar" not in page  # the county's own, not for the branches
    picture = member.get(
        reverse("calendar_app:wheel_picture", args=["rodt-asker"]), {"year": 2028}
    ).content.decode()
    assert "Fylkets skoleringshelg" in picture and "Fylkesstyrets seminar" not in picture
    # Another county's branch does not get it.
    assert "Fylkets skoleringshelg" not in wheel_page(
        client_for("admin"), "rodt-grunerlokka", 2027, 2028
    )

    admin = User.objects.get(email="admin@example.org")
    wheel_to_events(
        organisation=akershus, first_year=2028, last_year=2028, by=admin, visibility="public"
    )
    event = Event.objects.get(title="Fylkets skoleringshelg")
    assert event.for_descendants and event.organisation == akershus
    month = member.get(
        reverse("calendar_app:month", args=["rodt-asker"]), {"month": "2028-04"}
    ).content.decode()
    assert "Fylkets skoleringshelg" in month
    feed = client.get(reverse("calendar_feed", args=["rodt-asker"]))
    titles = {str(c["SUMMARY"]) for c in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")}
    assert "Fylkets skoleringshelg" in titles and "Fylkesstyrets seminar" not in titles


def test_the_importer_writes_the_years_of_a_wheel_grid(tmp_path, client_for):
    document = tmp_path / "arbeidsplan.txt"
    document.write_text(
        "Arbeidsplan 2025–2028\n\nA. Mål\n\n- Et tiltak.\n\n"
        "Måned\t2025\t2026\t2027\t2028\n"
        "Januar\tÅrsmøter\tÅrsmøter\tÅrsmøter\tÅrsmøter\n"
        f"Mars\t8. mars\t8. mars\t8. mars\t8. mars; {SKOLERING}\n",
        encoding="utf-8",
    )
    call_command("import_plan", str(document), organisation="rodt-akershus", stdout=StringIO())
    plan = PlanImport.objects.get().plan
    entry = plan.cycle_entries.get(title=SKOLERING)
    assert entry.years == [2028]
    assert "2028" not in entry.when_text
    assert plan.cycle_entries.get(title="Årsmøter").years == []
    cells = wheel_cells(wheel_page(client_for("board"), "rodt-akershus", 2025, 2028), "Mars")
    assert [SKOLERING in cell for cell in cells] == [False, False, False, True]


def test_a_new_version_of_a_plan_keeps_the_years_of_its_wheel():
    from plans.models import Plan
    from plans.services import plan_copy

    plan = Plan.objects.filter(status="adopted", organisation__slug="rodt-asker").first()
    assert plan is not None
    CycleEntry.objects.create(
        organisation=plan.organisation,
        plan=plan,
        title=SKOLERING,
        month=3,
        years=[2028],
        for_descendants=True,
    )
    admin = User.objects.get(email="admin@example.org")
    copy = plan_copy(plan=plan, by=admin, new_version=True)
    kept = copy.cycle_entries.get(title=SKOLERING)
    assert kept.years == [2028] and kept.for_descendants
