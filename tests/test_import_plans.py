"""Importing plan documents: the seeds read as the demo has them, the review, the command."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from goals.models import Goal, Measure
from organisations.models import Body, Organisation
from plans.importing.readers import read_document
from plans.importing.review import all_goals, all_measures
from plans.importing.structure import read_plan
from plans.models import Plan, PlanImport
from tests import import_documents

SEEDS = Path(settings.BASE_DIR) / "fixtures" / "seeds"
DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo" / "plans"
# seed → (demo file, extra goals the reader may find, measures it may differ by)
EXPECTED = {
    "rodt-national-handlingsplan-2023-2025": ("rodt-national-handlingsplan-2023-2025", 0, 2),
    "rodt-akershus-handlingsplan-2026": ("rodt-akershus-handlingsplan-2026", 0, 2),
    # A prose plan: measures are read from paragraphs, so they differ more.
    "arbeiderpartiet-organisasjonsplan-2027": ("arbeiderpartiet-organisasjonsplan-2027", 2, 5),
}
FORMATS = ["txt", "docx", "pdf"]


def _key(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().casefold()


def _demo(name: str) -> tuple[list[str], int]:
    plan = json.loads((DEMO / f"{name}.json").read_text(encoding="utf-8"))

    def goals(items):
        for goal in items:
            yield goal
            yield from goals(goal.get("subgoals", []))

    all_of = [g for section in plan["sections"] for g in goals(section["goals"])]
    return [_key(g["title"]) for g in all_of], sum(len(g["measures"]) for g in all_of)


def _document(seed: str, fmt: str) -> tuple[bytes, str]:
    text = (SEEDS / f"{seed}.txt").read_text(encoding="utf-8")
    if fmt == "docx":
        return import_documents.docx_from_text(text), f"{seed}.docx"
    if fmt == "pdf":
        return import_documents.pdf_from_text(text), f"{seed}.pdf"
    return text.encode(), f"{seed}.txt"


def _is_subsequence(wanted: list[str], found: list[str]) -> bool:
    remaining = iter(found)
    return all(any(item == other for other in remaining) for item in wanted)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_a_seed_plan_reads_as_the_demo_has_it(seed, fmt):
    demo_name, extra_goals, measure_slack = EXPECTED[seed]
    demo_goals, demo_measures = _demo(demo_name)
    data, filename = _document(seed, fmt)

    plan = read_plan(read_document(data, filename), filename=filename)

    goals = [_key(goal["title"]) for goal, _ in all_goals(plan)]
    assert _is_subsequence(demo_goals, goals), (demo_goals, goals)
    assert len(demo_goals) <= len(goals) <= len(demo_goals) + extra_goals
    measures = len(list(all_measures(plan)))
    assert abs(measures - demo_measures) <= measure_slack, (measures, demo_measures)


def test_the_national_plan_reads_its_targets_periods_and_responsible():
    text = (SEEDS / "rodt-national-handlingsplan-2023-2025.txt").read_text(encoding="utf-8")
    name = "rodt-national-handlingsplan-2023-2025.txt"
    plan = read_plan(read_document(text.encode(), name), filename=name)
    assert (plan["first_year"], plan["last_year"]) == (2023, 2025)
    assert [s["title"] for s in plan["sections"]] == [
        "Hva er en handlingsplan?",
        "Valg 2023: Kamp mot Forskjells-Norge!",
        "Politiske prioriteringer",
        "Partibygging",
        "LM 2025",
    ]
    targets = [t for goal, _ in all_goals(plan) for t in goal["targets"]]
    assert {(t["kind"], t["target_value"]) for t in targets} == {
        ("members", "16000"),
        ("percent", "50"),
    }
    measures = list(all_measures(plan))
    energy = next(m for m in measures if m["text"].startswith("landsstyret sette ned en intern"))
    assert energy["responsible"] == ["landsstyret"]
    branches = next(m for m in measures if m["text"].startswith("alle lag drive med politisk"))
    assert branches["delegate"]
    # The strategy's eight goals before goal A are the section's introduction, not measures.
    priorities = plan["sections"][2]
    assert "Rødt er en maktfaktor i politikken." in priorities["intro"]
    assert priorities["goals"][0]["code"] == "A"


def test_the_akershus_plan_reads_its_wheel_and_recurrence():
    text = (SEEDS / "rodt-akershus-handlingsplan-2026.txt").read_text(encoding="utf-8")
    plan = read_plan(read_document(text.encode(), "akershus.txt"))
    wheel = {(e["title"], e["month"], e["end_month"]) for e in plan["wheel"]}
    assert ("Kassererkurs", 11, 12) in wheel
    assert ("Organisasjonskurs for nye styremedlemmer", 1, 6) in wheel
    assert len(plan["wheel"]) == 9
    measures = list(all_measures(plan))
    quarterly = next(m for m in measures if "kvartalsvis" in m["text"])
    assert quarterly["recurrence"]["rule"] == "FREQ=MONTHLY;INTERVAL=3"
    assert quarterly["responsible"] == ["Fylkesleder"]
    in_2026 = next(m for m in measures if m["text"].startswith("Fylkesstyret har som mål"))
    assert in_2026["due"]["start"] == "2026-01-01" and in_2026["due"]["end"] == "2026-12-31"


def test_a_tiltak_table_gives_measures_with_responsible_split_and_cooperation():
    text = (
        "Handlingsplan 2026\n\nA. Flere aktive medlemmer\n\n"
        "Tiltak\tAnsvarlig\tFrist\n"
        "Medlemsmøte for nye medlemmer\t"
        "Styret og AU i samarbeid med Skoleringsutvalget\tvåren 2026\n"
        "Verveaksjon på\tLeder, Kasserer\thøsten 2026\n"
        "arbeidsplasser\t\t\n"
        "Årlig kurs\tAlle lokallag\tuke 40\n"
    )
    plan = read_plan(read_document(text.encode(), "plan.txt"))
    first, second, third = list(all_measures(plan))
    assert first["responsible"] == ["Styret", "AU"]
    assert first["cooperating"] == ["Skoleringsutvalget"]
    assert first["due"]["precision"] == "season"
    assert second["text"] == "Verveaksjon på arbeidsplasser"  # continued on the next row
    assert second["responsible"] == ["Leder", "Kasserer"]
    assert third["delegate"] == ["Alle lokallag"]


def test_an_unreadable_due_is_kept_as_written_with_a_warning():
    text = "Handlingsplan 2026\n\nA. Mål\n\nTiltak\tFrist\nNoe\tnår det passer\n"
    plan = read_plan(read_document(text.encode(), "plan.txt"))
    (measure,) = all_measures(plan)
    assert measure["due"] == {"text": "når det passer", "understood": False}
    assert any("når det passer" in w for w in measure["warnings"])


def test_a_month_by_year_wheel_keeps_years_and_cells_with_two_items():
    text = (
        "Arbeidsplan 2025–2027\n\nA. Mål\n\n- Et tiltak.\n\n"
        "Måned\t2025\t2026\t2027\n"
        "Januar\tÅrsmøter i lagene\tÅrsmøter i lagene\tÅrsmøter i lagene\n"
        "Mars\t8. mars; Landsmøte\t8. mars\t8. mars; Landsmøte\n"
        "August\tValgkamp\tListearbeid\tValgkamp\n"
    )
    plan = read_plan(read_document(text.encode(), "plan.txt"))
    entries = {(e["title"], e["month"]): e["years"] for e in plan["wheel"]}
    assert entries[("Årsmøter i lagene", 1)] == []  # every year
    assert entries[("8. mars", 3)] == []
    assert entries[("Landsmøte", 3)] == [2025, 2027]
    assert entries[("Listearbeid", 8)] == [2026]


# -- the command ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_prints_json_and_writes_nothing_on_a_dry_run():
    plans_before = Plan.objects.count()
    out = StringIO()
    call_command(
        "import_plan",
        str(SEEDS / "rodt-akershus-handlingsplan-2026.txt"),
        organisation="rodt-akershus",
        dry_run=True,
        json=True,
        stdout=out,
    )
    result = json.loads(out.getvalue())
    for key in (
        "sections",
        "goals",
        "measures",
        "responsible_mentions",
        "bodies",
        "due_phrases",
        "due_understood",
        "recurring",
        "targets",
        "wheel_entries",
        "warnings",
    ):
        assert key in result
    assert result["goals"] == 7 and result["wheel_entries"] == 9
    assert {"name": "Fylkesstyret", "resolved": True} in result["bodies"]
    assert Plan.objects.count() == plans_before
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_the_command_creates_a_draft_with_bodies_resolved():
    call_command(
        "import_plan",
        str(SEEDS / "rodt-akershus-handlingsplan-2026.txt"),
        organisation="rodt-akershus",
        stdout=StringIO(),
    )
    plan = PlanImport.objects.get().plan
    assert plan.status == "draft"
    assert Goal.objects.filter(plan=plan).count() == 7
    quarterly = Measure.objects.get(goal__plan=plan, text__contains="kvartalsvis")
    assert [b.name for b in quarterly.responsible.all()] == ["Fylkesleder"]
    assert quarterly.recurrence == "FREQ=MONTHLY;INTERVAL=3"
    assert plan.cycle_entries.count() == 9


# -- the pages -------------------------------------------------------------------


def _upload(client, slug: str, data: bytes, name: str):
    return client.post(
        f"/plans/import/{slug}/", {"document": SimpleUploadedFile(name, data)}, follow=False
    )


def _review_data(plan_import: PlanImport, **changes) -> dict:
    """The review form as a person leaves it untouched (everything kept)."""
    read = plan_import.read
    data = {
        "title": read["title"],
        "first_year": read["first_year"],
        "last_year": read["last_year"],
        "visibility": "members",
    }
    for section in read["sections"]:
        data[f"keep-{section['key']}"] = "on"
    for goal, _ in all_goals(read):
        data[f"keep-{goal['key']}"] = "on"
        for target in goal["targets"]:
            data[f"keep-{target['key']}"] = "on"
        for measure in goal["measures"]:
            key = measure["key"]
            data[f"keep-{key}"] = "on"
            data[f"text-{key}"] = measure["text"]
            data[f"due-{key}"] = (measure["due"] or {}).get("text", "")
            data[f"recurrence-{key}"] = (measure["recurrence"] or {}).get("text", "")
            data[f"responsible-{key}"] = ", ".join(measure["responsible"])
    for entry in read["wheel"]:
        data[f"keep-{entry['key']}"] = "on"
    data.update(changes)
    return data


UNKNOWN_BODY_PLAN = (
    "Handlingsplan for Rødt Akershus 2027\n\n"
    "A. Flere medlemmer\n\n"
    "For å komme nærmere målet skal fylkeslaget:\n\n"
    "- Arrangere vervekurs våren 2027. (Ansvarlig: Vervegruppa)\n"
    "- Fylkesstyret holder medlemsmøte hver måned.\n"
    "- Et tiltak som skal bort.\n"
)


@pytest.mark.django_db
def test_a_board_member_reviews_maps_a_body_drops_a_measure_and_creates_the_draft(client_for):
    client = client_for("board")
    plans_before = Plan.objects.count()
    response = _upload(client, "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "plan.txt")
    plan_import = PlanImport.objects.get()
    assert response.status_code == 302
    assert Plan.objects.count() == plans_before  # nothing written before the review

    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Vervegruppa" in content and "Arrangere vervekurs" in content
    assert page.context["warnings"]  # the unknown body is warned about

    measures = list(all_measures(plan_import.read))
    dropped = measures[2]["key"]
    skolering = Body.objects.get(organisation__slug="rodt-akershus", name="Skoleringsutvalget")
    data = _review_data(plan_import, **{"body-0": str(skolering.pk)})
    del data[f"keep-{dropped}"]
    response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302

    plan = Plan.objects.get(source_document=plan_import)
    assert plan.status == "draft" and plan.first_year == 2027
    texts = list(Measure.objects.filter(goal__plan=plan).values_list("text", flat=True))
    assert len(texts) == 2 and not any("skal bort" in t for t in texts)
    kurs = Measure.objects.get(goal__plan=plan, text__startswith="Arrangere vervekurs")
    assert list(kurs.responsible.all()) == [skolering]
    assert kurs.due_precision == "season"
    monthly = Measure.objects.get(goal__plan=plan, text__startswith="Fylkesstyret")
    assert monthly.recurrence == "FREQ=MONTHLY"

    original = client.get(f"/plans/{plan.pk}/original/")
    assert original.status_code == 200
    assert original.content == UNKNOWN_BODY_PLAN.encode()
    assert "attachment" in original["Content-Disposition"]
    assert client.get(f"/plans/{plan.pk}/").context["source_document"] == plan_import


@pytest.mark.django_db
def test_bad_review_input_re_renders_with_a_message_and_writes_nothing(client_for):
    client = client_for("board")
    _upload(client, "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "plan.txt")
    plan_import = PlanImport.objects.get()
    first = next(iter(all_measures(plan_import.read)))["key"]
    url = f"/plans/import/rodt-akershus/{plan_import.pk}/"
    for changes in (
        {"title": ""},
        {"first_year": "2030", "last_year": "2027"},
        {"first_year": "abc"},
        {f"text-{first}": ""},
        {f"recurrence-{first}": "når månen er full"},
    ):
        response = client.post(url, _review_data(plan_import, **changes))
        assert response.status_code == 200
        assert response.context["errors"], changes
    assert not Plan.objects.filter(source_document=plan_import).exists()


@pytest.mark.django_db
def test_an_unreadable_due_written_in_the_review_is_kept_as_text(client_for):
    client = client_for("board")
    _upload(client, "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "plan.txt")
    plan_import = PlanImport.objects.get()
    first = next(iter(all_measures(plan_import.read)))["key"]
    url = f"/plans/import/rodt-akershus/{plan_import.pk}/"
    response = client.post(url, _review_data(plan_import, **{f"due-{first}": "når det passer"}))
    assert response.status_code == 302
    measure = Measure.objects.get(goal__plan__source_document=plan_import, text__startswith="Arr")
    assert measure.due_text == "når det passer" and measure.due_start is None


BAD_FILES = [
    ("empty", lambda: b"", "plan.txt", "tom"),
    ("corrupt docx", import_documents.corrupt_docx, "plan.docx", ""),
    ("zip bomb", import_documents.docx_zip_bomb, "plan.docx", ""),
    ("encrypted pdf", import_documents.encrypted_pdf, "plan.pdf", ""),
    ("scanned pdf", import_documents.scanned_pdf, "plan.pdf", ""),
    ("binary as txt", lambda: bytes(range(256)) * 40, "plan.txt", ""),
    ("too large", lambda: b"a" * (10 * 1024 * 1024 + 1), "plan.txt", "10 MB"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("name, make, filename, words", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_a_bad_file_gets_a_clear_message_and_writes_nothing(
    client_for, name, make, filename, words
):
    client = client_for("board")
    response = _upload(client, "rodt-akershus", make(), filename)
    assert response.status_code == 200
    errors = response.context["form"].errors["document"]
    assert errors and all(len(e) > 10 for e in errors)
    assert words in " ".join(errors)
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_a_document_with_no_goals_is_refused_with_what_the_reader_looks_for(client_for):
    client = client_for("board")
    text = "Referat fra styremøtet\n\nVi snakket om været. Det var fint.\n"
    response = _upload(client, "rodt-akershus", text.encode(), "referat.txt")
    assert response.status_code == 200
    (error,) = response.context["form"].errors["document"]
    assert error.startswith("Ingen mål") and "For å komme nærmere målet skal:" in error
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_only_the_organisations_board_may_import(client_for):
    assert client_for("board").get("/plans/import/rodt-akershus/").status_code == 200
    assert client_for("secretary").get("/plans/import/rodt-akershus/").status_code == 403
    assert client_for("outsider").get("/plans/import/rodt-akershus/").status_code == 404
    response = _upload(client_for("outsider"), "rodt-akershus", b"A. Mal\n", "plan.txt")
    assert response.status_code == 404
    assert not PlanImport.objects.exists()


@pytest.mark.django_db
def test_another_organisations_pending_import_is_not_found(client_for):
    _upload(client_for("board"), "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "plan.txt")
    plan_import = PlanImport.objects.get()
    # The Asker secretary's organisation is not the import's: the slug must match.
    assert client_for("admin").get(f"/plans/import/rodt/{plan_import.pk}/").status_code == 404
    assert (
        client_for("outsider").get(f"/plans/import/rodt-akershus/{plan_import.pk}/").status_code
        == 404
    )


@pytest.mark.django_db
def test_the_organisation_page_offers_the_import_to_its_board(client_for):
    page = client_for("board").get(
        Organisation.objects.get(slug="rodt-akershus").get_absolute_url()
    )
    assert "/plans/import/rodt-akershus/" in page.content.decode()


@pytest.mark.django_db
def test_a_document_never_confirmed_is_deleted_after_a_week(client_for):
    from datetime import timedelta

    from django.utils import timezone

    client = client_for("board")
    _upload(client, "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "old.txt")
    PlanImport.objects.update(created_at=timezone.now() - timedelta(days=8))
    _upload(client, "rodt-akershus", UNKNOWN_BODY_PLAN.encode(), "new.txt")
    assert list(PlanImport.objects.values_list("filename", flat=True)) == ["new.txt"]


@pytest.mark.django_db
def test_the_responsible_as_written_holds_until_the_bodies_change():
    from goals.services import measure_update

    call_command(
        "import_plan",
        str(SEEDS / "rodt-akershus-handlingsplan-2026.txt"),
        organisation="rodt-akershus",
        stdout=StringIO(),
    )
    measure = Measure.objects.get(
        goal__plan__source_document__isnull=False, text__contains="kvartalsvis"
    )
    assert measure.responsible_text == "Fylkesleder"

    def save(bodies):
        return measure_update(
            measure=measure,
            expected_revision=measure.revision,
            text=measure.text,
            responsible=bodies,
            due="",
            recurrence=measure.recurrence,
            delegated=False,
            tags=[],
            by=None,
        )

    measure = save(list(measure.responsible.all()))
    assert measure.responsible_text == "Fylkesleder"
    measure = save([Body.objects.get(organisation__slug="rodt-akershus", name="Fylkesstyret")])
    assert measure.responsible_text == ""


BRANCH_PLAN = """Arbeidsplan for Rødt Asker 2026

HANDLINGSPLAN 2026   1

1. Medlemsarbeid

Mål 1: Flere aktive medlemmer

Laget skal vekse til 180 medlemer i 2026.

Tiltak:
1. Styret ringer alle nye medlemmer innen 1. juni.
2. Lage et kurs (ansvarlig: Kasserer) innen 1. oktober 2026 for nye medlemmer.

Skoleringsutvalget skal:
- Holde studiesirkel hver måned.
- Lage leserbrevkurs i løpet av våren.

2. Skolering

Delmål 2.1 Alle nye får grunnkurs

Tiltak\tAnsvarlig\tFrist
Grunnkurs\tStyret\tukentlig
"""


def test_a_branch_plan_reads_bodies_lead_ins_dates_without_year_and_its_numbered_parts():
    plan = read_plan(read_document(BRANCH_PLAN.encode(), "asker.txt"), filename="asker.txt")
    assert plan["title"] == "Arbeidsplan for Rødt Asker 2026"  # the page header is dropped
    assert [s["title"] for s in plan["sections"]] == ["Medlemsarbeid", "Skolering"]
    goal = plan["sections"][0]["goals"][0]
    assert [(t["kind"], t["target_value"]) for t in goal["targets"]] == [("members", "180")]
    ring, kurs, sirkel, leserbrev = goal["measures"]
    assert ring["responsible"] == ["Styret"] and ring["due"]["start"] == "2026-06-01"
    assert kurs["responsible"] == ["Kasserer"]
    assert kurs["text"] == "Lage et kurs innen 1. oktober 2026 for nye medlemmer."
    assert sirkel["responsible"] == ["Skoleringsutvalget"] and sirkel["recurrence"]
    assert leserbrev["due"]["precision"] == "season"
    (subgoal,) = plan["sections"][1]["goals"]
    assert subgoal["code"] == "Delmål 2.1"
    (grunnkurs,) = subgoal["measures"]
    assert grunnkurs["recurrence"]["rule"] == "FREQ=WEEKLY" and grunnkurs["due"] is None
    assert not grunnkurs["warnings"]


def test_a_bold_goal_right_under_a_bold_section_heading_stays_a_goal():
    text = (
        "**Handlingsplan 2026**\n\n"
        "**2. Politiske og organisatoriske mål**\n"
        "**A. Et parti med aktive medlemmer**\n"
        "For å komme nærmere målet skal fylkeslaget:\n\n"
        "- Ringe alle nye medlemmer.\n\n"
        "**3. Skolering**\n"
        "**B. Skolerte tillitsvalgte**\n"
        "For å komme nærmere målet skal fylkeslaget:\n\n"
        "- Holde kurs.\n"
    )
    plan = read_plan(read_document(text.encode(), "plan.txt"), filename="plan.txt")
    assert [s["title"] for s in plan["sections"]] == [
        "Politiske og organisatoriske mål",
        "Skolering",
    ]
    assert [(g["code"], len(g["measures"])) for g, _ in all_goals(plan)] == [("A", 1), ("B", 1)]
